import Testing
@testable import SMTPTransport

@Suite struct SMTPSettingsTests {
    @Test(arguments: ["smtp://mail.example.org:587", "smtps://mail.example.org:465", "smtp://127.0.0.1:2525/", "smtp://[::1]:25"])
    func serverURLs(_ url: String) throws {
        #expect(SMTPSettings.problem(withURL: url) == nil)
        try SMTPSettings(url: url, tls: .starttls, username: "u", password: "p").validate()
    }

    @Test(arguments: [
        ("smtp://u:p@mail.example.org:587", "password"), ("smtp://u@mail.example.org", "user name"),
        ("smtp://mail.example.org/path", "path"), ("smtp://mail.example.org?x=1", "query"),
        ("http://mail.example.org", "expected"), ("smtp://", "expected"), ("mail.example.org:25", "expected"),
    ])
    func badURLs(_ url: String, _ word: String) {
        let problem = SMTPSettings.problem(withURL: url)
        #expect(problem?.contains(word) == true, "\(String(describing: problem))")
        #expect(throws: SMTPConfigurationError.self) { try SMTPSettings(url: url, tls: .starttls).validate() }
    }

    @Test func credentialsNeedTLS() {
        for (username, password) in [("u", nil), (nil, "p"), ("u", "p")] as [(String?, String?)] {
            #expect(throws: SMTPConfigurationError.self) {
                try SMTPSettings(url: "smtp://127.0.0.1", tls: .none, username: username, password: password).validate()
            }
        }
        #expect(SMTPConfigurationError.credentialsWithoutTLS.description.contains("mail.transport.tls"))
    }

    @Test func loopback() {
        for url in ["smtp://localhost:25", "smtp://127.0.0.1", "smtp://127.9.8.7:2525", "smtp://[::1]:25", "smtp://LOCALHOST"] {
            #expect(SMTPSettings.isLoopback(url: url), "\(url)")
        }
        for url in ["smtp://mail.example.org", "smtp://10.0.0.1", "smtp://128.0.0.1", "smtp://[2001:db8::1]", "smtp://localhost.example.org"] {
            #expect(!SMTPSettings.isLoopback(url: url), "\(url)")
        }
    }
}
