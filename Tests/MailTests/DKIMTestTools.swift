import Foundation
import TestSupport

/// Keys made by openssl, messages, and the dkimpy verifier, for the DKIM tests.
enum DKIMTestTools {
    struct ToolError: Error, CustomStringConvertible {
        var description: String
    }

    /// Debian's Python, which has python3-dkim (a pyenv shim may not).
    static let python = Repository.python

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")

    /// A fresh folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to completion (through TestSupport's runner); returns its exit status,
    /// stdout and stderr.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let result = try ProcessResult.run(
            executable.hasPrefix("/") ? executable : "/usr/bin/env",
            executable.hasPrefix("/") ? arguments : [executable] + arguments, input: input)
        return (result.status, result.stdout, result.stderr)
    }

    /// Runs openssl; throws with its stderr if it fails.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let result = try run("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw ToolError(description: "openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    // MARK: Keys

    /// How a test key is made.
    enum KeyKind: String, CaseIterable, CustomStringConvertible, Sendable {
        /// `openssl genpkey -algorithm ed25519`: PKCS#8 "BEGIN PRIVATE KEY".
        case ed25519
        /// `openssl genrsa -traditional 2048`: PKCS#1 "BEGIN RSA PRIVATE KEY".
        case rsaPKCS1
        /// `openssl genpkey -algorithm RSA`: PKCS#8 "BEGIN PRIVATE KEY" (2048 bits).
        case rsaPKCS8
        /// `openssl genrsa 2048`: PKCS#8 with OpenSSL 3, PKCS#1 before.
        case rsaGenrsa
        /// `openssl genrsa -traditional 1024`: the shortest key verifiers accept.
        case rsa1024

        var description: String { rawValue }

        /// openssl's arguments to write such a key into `file` (genrsa wants the size last).
        func opensslArguments(writingTo file: String) -> [String] {
            switch self {
            case .ed25519: return ["genpkey", "-algorithm", "ed25519", "-out", file]
            case .rsaPKCS1: return ["genrsa", "-traditional", "-out", file, "2048"]
            case .rsaPKCS8: return ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file]
            case .rsaGenrsa: return ["genrsa", "-out", file, "2048"]
            case .rsa1024: return ["genrsa", "-traditional", "-out", file, "1024"]
            }
        }
    }

    /// One key of each kind, made once per test run, as PEM files in a temporary folder.
    static let keyFiles: Result<[KeyKind: URL], ToolError> = {
        do {
            let folder = try temporaryFolder()
            var files: [KeyKind: URL] = [:]
            for kind in KeyKind.allCases {
                let file = folder.appendingPathComponent("\(kind).pem")
                try openssl(kind.opensslArguments(writingTo: file.path))
                files[kind] = file
            }
            return .success(files)
        } catch {
            return .failure(ToolError(description: "cannot make test keys: \(error)"))
        }
    }()

    static func keyFile(_ kind: KeyKind) throws -> URL {
        try keyFiles.get()[kind]!
    }

    static func keyPEM(_ kind: KeyKind) throws -> String {
        try String(contentsOf: keyFile(kind), encoding: .utf8)
    }

    /// A key made on the spot with other openssl arguments, as PEM text.
    static func makeKey(_ arguments: [String]) throws -> String {
        try openssl(arguments)
    }

    // MARK: Verifying

    /// dkimpy's verdict on `message`, given the public key record: "pass" or "fail", and its log.
    static func dkimpyVerdict(_ message: [UInt8], record: String, dnsName: String) throws -> (verdict: String, log: String) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("message.eml")
        try Data(message).write(to: file)
        let result = try run(python, [scripts.appendingPathComponent("dkim_verify.py").path, file.path, record, dnsName])
        guard result.status == 0 else {
            throw ToolError(description: "dkim_verify.py failed (status \(result.status)): \(result.stderr)")
        }
        return (result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), result.stderr)
    }

    /// dkimpy's relaxed canonicalisation of bodies and of (name, value) header fields.
    static func dkimpyCanonical(bodies: [[UInt8]], headers: [(name: [UInt8], value: [UInt8])]) throws -> (
        bodies: [[UInt8]], headers: [[UInt8]]
    ) {
        let request: [String: Any] = [
            "bodies": bodies.map { Data($0).base64EncodedString() },
            "headers": headers.map { [Data($0.name).base64EncodedString(), Data($0.value).base64EncodedString()] },
        ]
        let result = try run(
            python, [scripts.appendingPathComponent("dkim_canonicalize.py").path],
            input: try JSONSerialization.data(withJSONObject: request))
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]]
        else {
            throw ToolError(description: "dkim_canonicalize.py failed: \(result.stderr)")
        }
        func decode(_ list: [String]?) -> [[UInt8]] { (list ?? []).map { Array(Data(base64Encoded: $0) ?? Data()) } }
        return (decode(object["bodies"]), decode(object["headers"]))
    }

    // MARK: Reading a signed message

    /// The DKIM-Signature field at the top of `message`, unfolded, and its tags with spaces removed.
    static func signatureField(of message: [UInt8]) -> (raw: String, tags: [String: String]) {
        let text = String(decoding: message, as: UTF8.self)
        var lines: [Substring] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            if lines.isEmpty || line.first == " " || line.first == "\t" {
                lines.append(line)
            } else {
                break
            }
        }
        let raw = lines.joined(separator: "\r\n")
        let value = raw.dropFirst("DKIM-Signature:".count)
        var tags: [String: String] = [:]
        for part in value.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { continue }
            let name = pieces[0].filter { !$0.isWhitespace }
            tags[String(name)] = String(pieces[1].filter { !$0.isWhitespace })
        }
        return (raw, tags)
    }

    // MARK: Messages

    static func bytes(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    /// A French newsletter digest: encoded-word and folded headers, list headers, a multipart
    /// body with trailing spaces and tabs, blank lines made of spaces, and empty lines at the end.
    static let newsletterHeader: [String] = [
        "Return-Path: <bounces+renee=example.net@example.org>",
        "From: =?UTF-8?Q?Chlo=C3=A9_B=C5=93uf?= <nouvelles@example.org>",
        "To: =?UTF-8?Q?Ren=C3=A9e_L=C3=A9vesque?= <renee@example.net>",
        "Subject: =?UTF-8?Q?Les_nouveaut=C3=A9s_de_la_semaine_=E2=80=94_?=",
        " =?UTF-8?Q?=C2=AB_=C3=89t=C3=A9_indien_=C2=BB_et_caf=C3=A9s_cr=C3=A8mes?=",
        "Date: Tue, 04 Nov 2025 08:30:00 +0100",
        "Message-ID: <digest-42.renee@example.org>",
        "MIME-Version: 1.0",
        "List-Id: =?UTF-8?Q?Les_nouvelles_de_Chlo=C3=A9?= <nouvelles.example.org>",
        "List-Unsubscribe: <https://example.org/unsubscribe?token=9f3Kq2>,",
        "\t<mailto:unsubscribe@example.org?subject=unsubscribe-9f3Kq2>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Content-Type: multipart/alternative;",
        " boundary=\"=_herald_42\"",
        "X-Mailer:   Herald    0.1  ",
    ]

    static let newsletterBody: [String] = [
        "Ceci est un message MIME en plusieurs parties.   ",
        "",
        "--=_herald_42",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Bonjour Ren=C3=A9e,\t ",
        "   ",
        "Voici les nouveaut=C3=A9s de la semaine :  ",
        "",
        "  *  =C2=AB =C3=89t=C3=A9 indien =C2=BB \t\t au jardin",
        "  *  Caf=C3=A9s cr=C3=A8mes et croissants",
        "",
        "Se d=C3=A9sabonner : https://example.org/unsubscribe?token=3D9f3Kq2",
        "--=_herald_42",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<html lang=3D\"fr\">",
        "  <body>",
        "    <h1>Les nouveaut=C3=A9s de la semaine</h1>\t",
        "    <p>=C2=AB =C3=89t=C3=A9 indien =C2=BB au jardin</p>",
        "    <p>Caf=C3=A9s cr=C3=A8mes et croissants</p>",
        "  </body>",
        "</html>",
        "--=_herald_42--",
        "   ",
        "\t",
        "",
        "",
        "",
    ]

    static var newsletter: [UInt8] { bytes(newsletterHeader + [""] + newsletterBody) }

    /// A newsletter of about `size` bytes: the header above and a long HTML part.
    static func largeNewsletter(size: Int) -> [UInt8] {
        var body: [String] = [
            "--=_herald_42",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
        ]
        var total = newsletterHeader.reduce(0) { $0 + $1.utf8.count + 2 }
        var number = 0
        while total < size - 200 {
            number += 1
            let lines = [
                "    <h2>Article \(number) : =C3=A9t=C3=A9 indien et caf=C3=A9s cr=C3=A8mes</h2>",
                "    <p>Les feuilles tombent, le caf=C3=A9 fume, et l'on rel=C3=A8ve la t=",
                "=C3=AAte pour regarder passer les nuages au-dessus des toits.  </p>",
            ]
            body += lines
            total += lines.reduce(0) { $0 + $1.utf8.count + 2 }
        }
        body += ["--=_herald_42--", ""]
        return bytes(newsletterHeader + [""] + body)
    }
}

extension Array where Element == UInt8 {
    /// The message with the first occurrence of `target` replaced (the test fails if absent).
    func replacingFirst(_ target: String, with replacement: String) -> [UInt8]? {
        let needle = Array(target.utf8)
        guard needle.count <= count else { return nil }
        for start in 0...(count - needle.count) where self[start..<start + needle.count].elementsEqual(needle) {
            return Array(self[..<start]) + Array(replacement.utf8) + Array(self[(start + needle.count)...])
        }
        return nil
    }
}
