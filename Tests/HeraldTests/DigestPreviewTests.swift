import Foundation
import Testing
import TestSupport

/// `herald digest preview` through the real binary: the message parses cleanly in Python's
/// `email`, carries what bulk senders must carry, verifies with dkimpy, and goes through a real
/// SMTP server with `--send`.
@Suite(.serialized) struct DigestPreviewTests {
    static let rencontre = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    /// The sample site, with `mail` replaced by `mailSection`.
    static func site(mail mailSection: String? = nil, newsletterExtra: String = "") throws -> SiteFixture {
        let site = try SiteFixture.sample()
        if mailSection != nil || !newsletterExtra.isEmpty {
            var config = try String(contentsOfFile: site.config, encoding: .utf8)
            if let mailSection {
                let start = config.range(of: "\"mail\": {")!.lowerBound
                let end = config.range(of: "\"newsletters\"")!.lowerBound
                config.replaceSubrange(start..<end, with: "\"mail\": \(mailSection),\n  ")
            }
            if !newsletterExtra.isEmpty {
                config = config.replacingOccurrences(of: "\"id\": \"hebdo\",", with: "\"id\": \"hebdo\", \(newsletterExtra),")
            }
            try config.write(toFile: site.config, atomically: true, encoding: .utf8)
        }
        return site
    }

    /// A site that sends through a local STARTTLS server requiring the user `herald` and the
    /// password `s3cret`, read from a file holding `passwordFileText`. `remove()` stops and
    /// deletes everything.
    struct AuthenticatedSite {
        let server: SMTPTestServer
        let secrets: TemporaryDirectory
        let passwordFile: URL
        let site: SiteFixture

        func remove() {
            site.remove()
            secrets.remove()
            server.stop()
        }
    }

    static func authenticatedSite(passwordFileText: String, from: String = "lettre@amis-saint-eloi.example.org") throws -> AuthenticatedSite {
        let server = try SMTPTestServer(.init(tls: .starttls, requireTLS: true, auth: .init(user: "herald", password: "s3cret")))
        let secrets = try TemporaryDirectory()
        let passwordFile = try secrets.write(passwordFileText, to: "smtp-password")
        let site = try Self.site(mail: """
            { "from": "\(from)",
              "transport": { "kind": "smtp", "url": "\(server.url)", "tls": "starttls", "username": "herald",
                             "passwordFile": "\(passwordFile.path)", "caFile": "\(server.caCertificatePath ?? "")", "concurrency": 1 } }
            """)
        return AuthenticatedSite(server: server, secrets: secrets, passwordFile: passwordFile, site: site)
    }

    static func parse(_ file: String) throws -> [String: Any] {
        let result = try ProcessResult.run(Repository.python, [Repository.root.appendingPathComponent("Tests/MailTests/Scripts/parse_message.py").path, file])
        #expect(result.status == 0, "\(result.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        return try #require(list?.first)
    }

    @Test func previewIsAValidMessageWithWhatBulkSendersNeed() throws {
        let site = try Self.site()
        defer { site.remove() }
        let output = site.folder.url.appendingPathComponent("preview.eml").path
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "Marie-Hélène Lefèvre <marie@example.org>", "--output", output)
        #expect(result.status == 0, "\(result.stderr)")
        let message = try Self.parse(output)
        #expect((message["defects"] as? [Any])?.isEmpty == true, "\(message["defects"] ?? "")")
        let subject = try #require(message["subject"] as? String)
        #expect(subject.hasPrefix("La lettre de la semaine — "))
        #expect(message["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")
        let unsubscribe = try #require(message["list_unsubscribe"] as? String)
        #expect(unsubscribe.hasPrefix("<https://amis-saint-eloi.example.org/unsubscribe/"))
        #expect(unsubscribe.contains("<mailto:"))
        #expect((message["to_names"] as? [String]) == ["Marie-Hélène Lefèvre"])
        let raw = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF in the message")
        #expect((message["max_line_length"] as? Int ?? 999) <= 998)
        // Body lines stay within quoted-printable's 76 columns.
        let body = raw.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(message["crlf_only"] as? Bool == true)
        let html = try #require(message["html"] as? String)
        let text = try #require(message["text"] as? String)
        // Every link leaves absolute.
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(!hrefs.isEmpty)
        #expect(hrefs.allSatisfy { $0.hasPrefix("https://") || $0.hasPrefix("mailto:") }, "\(hrefs.filter { !$0.hasPrefix("https://") })")
        #expect(html.contains(Self.rencontre.replacingOccurrences(of: "&", with: "&amp;")))
        #expect(text.contains(Self.rencontre))
        #expect(html.contains("https://amis-saint-eloi.example.org/posts/fete-de-quartier-2026/images/affiche-fete.jpg"))
        // French dates, and no draft or scheduled post.
        #expect(text.contains("14 novembre 2026"))
        #expect(!text.contains("Marché de Noël") && !text.contains("2027"))
        let key = site.folder.url.appendingPathComponent("var/token.key").path
        #expect((try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func dkimSignatureVerifiesWithDkimpy() throws {
        let keys = try TemporaryDirectory()
        defer { keys.remove() }
        let keyPath = keys.url.appendingPathComponent("dkim.pem").path
        #expect(try ProcessResult.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", keyPath]).status == 0)
        let publicKey = try ProcessResult.run("/bin/sh", ["-c", "/usr/bin/openssl pkey -in '\(keyPath)' -pubout -outform DER | tail -c 32 | base64"])
        let record = "v=DKIM1; k=ed25519; p=" + publicKey.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let site = try Self.site(mail: """
            { "from": "Les Amis de Saint-Éloi <lettre@amis-saint-eloi.example.org>",
              "transport": { "kind": "maildir", "directory": "var/outbox" },
              "dkim": { "domain": "amis-saint-eloi.example.org", "selector": "herald", "privateKeyFile": "\(keyPath)" } }
            """)
        defer { site.remove() }
        let output = site.folder.url.appendingPathComponent("signed.eml").path
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--output", output)
        #expect(result.status == 0, "\(result.stderr)")
        let verify = try ProcessResult.run(
            Repository.python, [Repository.root.appendingPathComponent("Tests/MailTests/Scripts/dkim_verify.py").path, output, record, "herald._domainkey.amis-saint-eloi.example.org"])
        #expect(verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "pass", "\(verify.stderr)")
        let signature = try String(contentsOfFile: output, encoding: .utf8).components(separatedBy: "\r\n\r\n")[0]
        let unfolded = signature.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: " ", with: "")
        #expect(unfolded.contains("list-unsubscribe:list-unsubscribe-post"), "\(unfolded)")
    }

    @Test func sendGoesThroughARealSMTPServer() throws {
        let fixture = try Self.authenticatedSite(
            passwordFileText: "s3cret\n", from: "Les Amis de Saint-Éloi <lettre@amis-saint-eloi.example.org>")
        defer { fixture.remove() }
        let (server, site) = (fixture.server, fixture.site)
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("marie@example.org: sent: 250"), "\(result.stdout)")
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.rcptTo == ["marie@example.org"])
        #expect(received.first?.tls == true)
        #expect(received.first?.user == "herald")
    }

    @Test func passwordComesFromSystemdCredentials() throws {
        let server = try SMTPTestServer(.init(tls: .implicit, auth: .init(user: "herald", password: "from-credentials")))
        defer { server.stop() }
        let credentials = try TemporaryDirectory()
        defer { credentials.remove() }
        try credentials.write("from-credentials\n", to: "smtp-password")
        let site = try Self.site(mail: """
            { "from": "lettre@amis-saint-eloi.example.org",
              "transport": { "kind": "smtp", "url": "\(server.url)", "tls": "implicit", "username": "herald",
                             "caFile": "\(server.caCertificatePath ?? "")" } }
            """)
        defer { site.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["CREDENTIALS_DIRECTORY"] = credentials.path
        let result = try ProcessResult.run(
            Repository.heraldBinary, ["digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send"],
            in: site.folder.url, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try server.received().first?.user == "herald")
    }

    @Test func refusedRecipientFailsTheCommandWithTheServerReply() throws {
        let server = try SMTPTestServer(.init(rcptReply: 550))
        defer { server.stop() }
        let site = try Self.site(mail: """
            { "from": "lettre@amis-saint-eloi.example.org",
              "transport": { "kind": "smtp", "url": "\(server.url)", "tls": "none" } }
            """)
        defer { site.remove() }
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "nobody@example.org", "--send")
        #expect(result.status == 1)
        #expect(result.stdout.contains("permanent failure: 550"), "\(result.stdout)")
        // The reply that refused the recipient, not the server's goodbye to QUIT.
        #expect(!result.stdout.contains("Bye") && !result.stdout.contains(" 221"), "\(result.stdout)")
        #expect(try server.received().isEmpty)
    }

    @Test func hostileAddressesNeverReachTheWire() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let site = try Self.site(mail: """
            { "from": "lettre@amis-saint-eloi.example.org", "transport": { "kind": "smtp", "url": "\(server.url)", "tls": "none" } }
            """)
        defer { site.remove() }
        // (A NUL cannot be passed in argv; the Mail tests cover it.)
        for hostile in ["a@example.org\r\nRCPT TO:<evil@x.org>", "a@example.org>\r\nDATA", "é@example.org", "a b@example.org"] {
            let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", hostile, "--send")
            #expect(result.status != 0, "\(hostile.debugDescription) was accepted")
            #expect(result.stderr.contains("--to"), "\(result.stderr)")
        }
        #expect(try server.commands().isEmpty)
    }

    @Test func hostileTitlesNeverBecomeHeaders() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let site = try Self.site(
            mail: """
                { "from": "lettre@amis-saint-eloi.example.org", "transport": { "kind": "smtp", "url": "\(server.url)", "tls": "none" } }
                """,
            newsletterExtra: #""subject": "{{#posts}}{{title}} {{/posts}}""#)
        defer { site.remove() }
        let longTitle = String(repeating: "Très long titre «\u{A0}sans fin\u{A0}» ", count: 60)
        try site.post("2026/zz-hostile.md", "---\ntitle: \"Titre\\r\\nBcc: evil@x.org\\r\\n\\r\\nCorps injecté \\0 fin\"\ndate: 2026-11-20\n---\nTexte.\n")
        try site.post("2026/zz-long.md", "---\ntitle: \"\(longTitle)\"\ndate: 2026-11-19\n---\nTexte.\n")
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let received = try #require(try server.received().first)
        #expect(received.rcptTo == ["marie@example.org"])
        let headers = String(decoding: received.data, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let names = headers.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }.map { $0.prefix { $0 != ":" } }
        #expect(!names.contains("Bcc"), "\(names)")
        #expect(Set(names).count == names.count, "a header appears twice: \(names)")
        #expect(headers.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let commands = try server.commands().map { $0.uppercased() }
        #expect(commands.filter { $0.hasPrefix("RCPT") }.count == 1)
        let file = site.folder.url.appendingPathComponent("check.eml")
        try Data(received.data).write(to: file)
        let parsed = try Self.parse(file.path)
        #expect((parsed["defects"] as? [Any])?.isEmpty == true)
        #expect((parsed["subject"] as? String)?.contains("Titre Bcc: evil@x.org") == true)
    }

    @Test func unknownNewsletterListsTheKnownOnes() throws {
        let site = try Self.site()
        defer { site.remove() }
        let result = try site.herald("digest", "preview", "mensuel", "--config", site.config)
        #expect(result.status == 1)
        #expect(result.stderr.contains("no newsletter \"mensuel\"") && result.stderr.contains("known: hebdo"))
    }

    @Test func maildirSendIsTheDefaultTransport() throws {
        let site = try Self.site()
        defer { site.remove() }
        let result = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--to", "marie@example.org", "--send")
        #expect(result.status == 0, "\(result.stderr)")
        let new = site.folder.url.appendingPathComponent("var/outbox/new").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: new).count == 1)
    }
}
