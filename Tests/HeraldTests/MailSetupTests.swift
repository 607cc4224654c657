import Foundation
import Testing
import TestSupport

/// The mail settings `herald check` and a sending command read: what is refused (credentials
/// in clear, a password in the URL, tested with the other configuration errors in
/// `CommandTests`), what only earns a warning, and the password file read as bytes.
@Suite(.serialized) struct MailSetupTests {
    typealias Preview = DigestPreviewTests

    /// An RSA key of `bits` bits, in a PEM file under `folder`.
    static func rsaKey(bits: Int, in folder: TemporaryDirectory) throws -> String {
        let path = folder.url.appendingPathComponent("dkim-\(bits).pem").path
        let made = try ProcessResult.run(
            "/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", path])
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }

    static func warnings(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.contains(": warning: ") }
    }

    @Test func checkWarnsAboutMailInClearToAnotherMachine() throws {
        for (url, warned) in [("smtp://mail.example.org:25", true), ("smtp://127.0.0.1:25", false), ("smtp://localhost:2525", false)] {
            let site = try Preview.site(mail: """
                { "from": "lettre@amis-saint-eloi.example.org", "transport": { "kind": "smtp", "url": "\(url)", "tls": "none" } }
                """)
            defer { site.remove() }
            let check = try site.herald("check", "--config", site.config)
            #expect(check.status == 0, "\(check.stdout)")
            let warnings = Self.warnings(check.stdout)
            #expect(warnings.contains { $0.contains("warning: mail.transport.tls: \"none\" sends every message in clear") } == warned, "\(url): \(warnings)")
            #expect(check.stdout.contains(warned ? "0 errors, 1 warning" : "0 errors, 0 warnings"), "\(check.stdout)")
        }
    }

    @Test func checkAndSendWarnAboutAWeakDKIMKey() throws {
        let keys = try TemporaryDirectory()
        defer { keys.remove() }
        for (bits, warned) in [(1024, true), (2048, false)] {
            let key = try Self.rsaKey(bits: bits, in: keys)
            let site = try Preview.site(mail: """
                { "from": "Les Amis de Saint-Éloi <lettre@amis-saint-eloi.example.org>",
                  "transport": { "kind": "maildir", "directory": "var/outbox" },
                  "dkim": { "domain": "amis-saint-eloi.example.org", "selector": "herald", "privateKeyFile": "\(key)" } }
                """)
            defer { site.remove() }
            let check = try site.herald("check", "--config", site.config)
            #expect(check.status == 0, "\(check.stdout)")
            let expected = "mail.dkim.privateKeyFile: the RSA key has 1024 bits; RFC 8301 asks for at least 2048"
            let warnings = Self.warnings(check.stdout)
            #expect(warnings.contains { $0.range(of: #"config\.json:\d+:\d+: warning: "#, options: .regularExpression) != nil && $0.contains(expected) } == warned, "\(warnings)")
            // At start: the message still goes out, with the warning on stderr.
            let send = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
            #expect(send.status == 0, "\(send.stderr)")
            #expect(send.stderr.contains("warning: \(expected)") == warned, "\(send.stderr)")
        }
    }

    /// A password file ending in CRLF sends the password, not the password and a CR; a file
    /// others can read is a warning, in `check` and when sending.
    @Test func passwordFileIsReadOnBytesAndShouldBePrivate() throws {
        let fixture = try Preview.authenticatedSite(passwordFileText: "s3cret\r\n")
        defer { fixture.remove() }
        let (server, site, passwordFile) = (fixture.server, fixture.site, fixture.passwordFile)
        let expected = "mail.transport.passwordFile: \(passwordFile.path) can be read by anyone (mode 644)"
        for mode in [0o644, 0o600] as [mode_t] {
            #expect(chmod(passwordFile.path, mode) == 0)
            let check = try site.herald("check", "--config", site.config)
            #expect(check.status == 0, "\(check.stdout)")
            #expect(Self.warnings(check.stdout).contains { $0.contains(expected) } == (mode == 0o644), "\(check.stdout)")
            let send = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
            #expect(send.status == 0, "\(send.stdout)\(send.stderr)")
            #expect(send.stderr.contains("warning: \(expected)") == (mode == 0o644), "\(send.stderr)")
        }
        let received = try server.received()
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.user == "herald" && $0.tls })
    }

    @Test func passwordFileWithSeveralLinesIsAnError() throws {
        let secrets = try TemporaryDirectory()
        defer { secrets.remove() }
        let passwordFile = try secrets.write("s3cret\nsecond line\n", to: "smtp-password")
        chmod(passwordFile.path, 0o600)
        let site = try Preview.site(mail: """
            { "from": "lettre@amis-saint-eloi.example.org",
              "transport": { "kind": "smtp", "url": "smtp://127.0.0.1:1", "tls": "starttls", "username": "herald",
                             "passwordFile": "\(passwordFile.path)" } }
            """)
        defer { site.remove() }
        let send = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
        #expect(send.status == 1)
        #expect(send.stderr.contains("mail.transport.passwordFile: \(passwordFile.path) holds more than one line"), "\(send.stderr)")
    }
}
