import Foundation
import Testing

@testable import Mail

@Suite("DKIM signing, checked by dkimpy")
struct DKIMSignerTests {
    typealias Tools = DKIMTestTools

    private func signer(
        _ kind: Tools.KeyKind, signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws -> DKIMSigner {
        try DKIMSigner(
            domain: "example.org", selector: "herald", privateKeyFile: Tools.keyFile(kind), signedHeaders: signedHeaders)
    }

    /// Expects dkimpy's verdict on `message` ("pass" or "fail"); shows dkimpy's log otherwise.
    private func expectVerdict(
        _ expected: String, _ message: [UInt8], _ signer: DKIMSigner, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try Tools.dkimpyVerdict(message, record: signer.dnsRecord, dnsName: signer.dnsRecordName)
        #expect(result.verdict == expected, "dkimpy: \(result.log)", sourceLocation: sourceLocation)
    }

    // MARK: Verification

    @Test(arguments: Tools.KeyKind.allCases)
    func dkimpyVerifiesTheNewsletter(kind: Tools.KeyKind) throws {
        let signer = try signer(kind)
        #expect(signer.algorithm == (kind == .ed25519 ? .ed25519SHA256 : .rsaSHA256))
        let signed = try signer.sign(Tools.newsletter, timestamp: Date(timeIntervalSince1970: 1_762_241_400))
        try expectVerdict("pass", signed, signer)
        let tags = Tools.signatureField(of: signed).tags
        #expect(tags["a"] == signer.algorithm.rawValue)
        #expect(tags["t"] == "1762241400")
    }

    @Test func keyFormatsAreTheOnesAsked() throws {
        #expect(try Tools.keyPEM(.rsaPKCS1).hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        #expect(try Tools.keyPEM(.rsaPKCS8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try Tools.keyPEM(.ed25519).hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test(arguments: [Tools.KeyKind.ed25519, .rsaPKCS1])
    func tamperingTheBodyFailsVerification(kind: Tools.KeyKind) throws {
        let signer = try signer(kind)
        let signed = try signer.sign(Tools.newsletter)
        try expectVerdict("pass", signed, signer)
        let tampered = try #require(signed.replacingFirst("Caf=C3=A9s cr=C3=A8mes", with: "Th=C3=A9s cr=C3=A8mes"))
        try expectVerdict("fail", tampered, signer)
        let appended = signed.dropLast(2) + Array("Un paragraphe de plus.\r\n".utf8)
        try expectVerdict("fail", Array(appended), signer)
    }

    @Test(arguments: [Tools.KeyKind.ed25519, .rsaPKCS8])
    func tamperingTheSubjectFailsVerification(kind: Tools.KeyKind) throws {
        let signer = try signer(kind)
        let signed = try signer.sign(Tools.newsletter)
        let tampered = try #require(signed.replacingFirst("indien_=C2=BB", with: "indien_=C2=BB!"))
        try expectVerdict("fail", tampered, signer)
    }

    @Test func addingASecondFromFailsVerification() throws {
        let signer = try signer(.ed25519)
        let signed = try signer.sign(Tools.newsletter)
        let forged = try #require(
            signed.replacingFirst("Return-Path:", with: "From: Mallory <m@evil.example>\r\nReturn-Path:"))
        try expectVerdict("fail", forged, signer)
    }

    /// Changes that relaxed canonicalisation ignores: refolding, spaces, empty lines at the end,
    /// the case of a field name. dkimpy must agree with our canonical forms.
    @Test func relaxedChangesStillVerify() throws {
        let signer = try signer(.ed25519)
        let signed = try signer.sign(Tools.newsletter)
        var changed = try #require(signed.replacingFirst("Subject: =?UTF-8", with: "SUBJECT:\t  =?UTF-8"))
        changed = try #require(changed.replacingFirst("indien =C2=BB au jardin</p>", with: "indien    =C2=BB au jardin</p>   \t"))
        changed = try #require(changed.replacingFirst("One-Click", with: "One-Click   \r\n "))
        changed += Array("\r\n   \r\n".utf8)
        try expectVerdict("pass", changed, signer)
    }

    @Test func bodyWithoutFinalCRLFGetsOneAndVerifies() throws {
        let signer = try signer(.ed25519)
        let message = Tools.bytes(["From: a@example.org", "Subject: x", "", "Derni\u{E8}re ligne sans fin   "])
        let signed = try signer.sign(message)
        #expect(signed.suffix(message.count + 2) == ArraySlice(message + [13, 10]))
        try expectVerdict("pass", signed, signer)
    }

    @Test func emptyBodiesVerify() throws {
        let signer = try signer(.rsaPKCS1)
        for message in [
            Tools.bytes(["From: a@example.org", "Subject: vide", "", ""]),
            Tools.bytes(["From: a@example.org", "Subject: vide", "", "", "  ", "", ""]),
        ] {
            let signed = try signer.sign(message)
            #expect(signed.suffix(message.count) == ArraySlice(message))
            try expectVerdict("pass", signed, signer)
        }
    }

    // MARK: The DKIM-Signature field

    @Test func signedHeaderListOversignsFromAndSkipsAbsentFields() throws {
        let signer = try signer(.ed25519)
        let signed = try signer.sign(Tools.newsletter)
        let tags = Tools.signatureField(of: signed).tags
        let names = try #require(tags["h"]).split(separator: ":").map(String.init)
        #expect(names == [
            "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-id",
            "list-unsubscribe", "list-unsubscribe-post", "from",
        ])
        #expect(names.contains("list-unsubscribe") && names.contains("list-unsubscribe-post"))
        #expect(tags["v"] == "1" && tags["c"] == "relaxed/relaxed" && tags["d"] == "example.org" && tags["s"] == "herald")
        #expect(tags["t"] == nil)
        #expect(tags["bh"]?.count == 44)
        #expect(tags["b"]?.count == 88)  // 64 bytes

        // Absent fields are left out; From is always signed.
        let short = Tools.bytes(["Subject: court", "from: a@example.org", "", "corps"])
        let shortTags = Tools.signatureField(of: try signer.sign(short)).tags
        #expect(shortTags["h"] == "from:subject:from")
    }

    @Test func repeatedNamesSignInstancesBottomUp() throws {
        let signer = try signer(.ed25519, signedHeaders: ["Subject", "Received", "Received", "Received"])
        #expect(signer.signedHeaders == ["from", "subject", "received", "received", "received"])
        let message = Tools.bytes([
            "Received: from a by b", "Received: from c by d", "From: x@example.org", "Subject: s", "", "corps",
        ])
        let signed = try signer.sign(message)
        #expect(Tools.signatureField(of: signed).tags["h"] == "from:subject:received:received:from")
        try expectVerdict("pass", signed, signer)
        let reordered = try #require(signed.replacingFirst("from a by b", with: "from c by D"))
        try expectVerdict("fail", reordered, signer)
    }

    @Test(arguments: [Tools.KeyKind.ed25519, .rsaPKCS1])
    func signatureFieldIsFoldedAndPrepended(kind: Tools.KeyKind) throws {
        let signer = try signer(kind)
        let message = Tools.newsletter
        let signed = try signer.sign(message, timestamp: Date())
        let field = Tools.signatureField(of: signed).raw
        #expect(field.hasPrefix("DKIM-Signature: v=1; a="))
        let lines = field.components(separatedBy: "\r\n")
        #expect(lines.count >= 3)
        for line in lines {
            #expect(line.utf8.count <= 78, "too long: \(line)")
            #expect(!line.hasSuffix(" "))
        }
        for line in lines.dropFirst() { #expect(line.hasPrefix(" ")) }
        #expect(signed.count == field.utf8.count + 2 + message.count)
        #expect(Array(signed.suffix(message.count)) == message)
        #expect(field.contains("b="))
    }

    /// Ed25519 is deterministic: the same message and time give the same signature.
    @Test func ed25519SignaturesAreDeterministic() throws {
        let signer = try signer(.ed25519)
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try signer.sign(Tools.newsletter, timestamp: time) == signer.sign(Tools.newsletter, timestamp: time))
    }

    @Test func signerIsUsableFromManyTasks() async throws {
        let signer = try signer(.ed25519)
        let expected = try signer.sign(Tools.newsletter)
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try signer.sign(Tools.newsletter) } }
            for try await signed in group { #expect(signed == expected) }
        }
    }

    // MARK: DNS record

    @Test(arguments: [Tools.KeyKind.ed25519, .rsaPKCS1, .rsaPKCS8])
    func dnsRecordHoldsThePublicKeyOpenSSLDerives(kind: Tools.KeyKind) throws {
        let signer = try signer(kind)
        // openssl's SubjectPublicKeyInfo, from its PEM output.
        let derBase64 = try Tools.openssl(["pkey", "-in", Tools.keyFile(kind).path, "-pubout"])
            .split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(Data(base64Encoded: derBase64))
        let expectedKey = kind == .ed25519 ? Data(der.suffix(32)) : der
        let type = kind == .ed25519 ? "ed25519" : "rsa"
        #expect(signer.dnsRecord == "v=DKIM1; k=\(type); p=\(expectedKey.base64EncodedString())")
        #expect(signer.dnsRecordName == "herald._domainkey.example.org")
    }

    // MARK: Errors

    @Test func keyProblemsAreReported() throws {
        let domain = "example.org"
        let selector = "herald"
        func make(_ pem: String) -> DKIMError? {
            do {
                _ = try DKIMSigner(domain: domain, selector: selector, privateKeyPEM: pem)
                return nil
            } catch {
                return error
            }
        }

        #expect(make(try Tools.makeKey(["genrsa", "-traditional", "512"])) == .rsaKeyTooShort(bits: 512))
        #expect(make(try Tools.makeKey(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:768"]))
            == .rsaKeyTooShort(bits: 768))

        let ec = make(try Tools.makeKey(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]))
        guard case .unsupportedKeyType(let what) = ec else { Issue.record("EC key: \(String(describing: ec))"); return }
        #expect(what.contains("EC") && what.contains("1.2.840.10045.2.1"))
        #expect(ec!.description.contains("RSA") && ec!.description.contains("Ed25519"))

        let ed448 = make(try Tools.makeKey(["genpkey", "-algorithm", "ed448"]))
        #expect(ed448.map { "\($0)".contains("Ed448") } == true)

        let encrypted = make(try Tools.makeKey(["genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:x"]))
        #expect(encrypted.map { "\($0)".contains("passphrase") } == true)

        let publicKey = try Tools.openssl(["pkey", "-in", Tools.keyFile(.ed25519).path, "-pubout"])
        #expect(make(publicKey).map { "\($0)".contains("public key") } == true)

        #expect(make("hello").map { "\($0)".contains("BEGIN PRIVATE KEY") } == true)
        #expect(make("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n").map { "\($0)".contains("base64") } == true)
        #expect(make("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n") != nil)

        // CRLF line endings (a key edited on Windows) are fine.
        #expect(make(try Tools.keyPEM(.rsaPKCS1).replacingOccurrences(of: "\n", with: "\r\n")) == nil)
        #expect(make(try Tools.keyPEM(.ed25519).replacingOccurrences(of: "\n", with: "\r\n")) == nil)

        // A certificate before the key is skipped.
        let withParameters = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n" + (try Tools.keyPEM(.ed25519))
        #expect(make(withParameters) == nil)
    }

    @Test func keyFileProblemsAreReported() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/herald-dkim.pem")
        #expect(throws: DKIMError.unreadableKeyFile(path: missing.path, reason: "no such file")) {
            try DKIMSigner(domain: "example.org", selector: "herald", privateKeyFile: missing)
        }
        let folder = try Tools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: DKIMError.unreadableKeyFile(path: folder.path, reason: "it is a directory")) {
            try DKIMSigner(domain: "example.org", selector: "herald", privateKeyFile: folder)
        }
        let message = DKIMError.unreadableKeyFile(path: missing.path, reason: "no such file").description
        #expect(message.contains(missing.path))
    }

    @Test func namesAreChecked() throws {
        let pem = try Tools.keyPEM(.ed25519)
        #expect(throws: DKIMError.invalidDomain("exa mple.org")) {
            try DKIMSigner(domain: "exa mple.org", selector: "herald", privateKeyPEM: pem)
        }
        #expect(throws: DKIMError.invalidDomain("café.example")) {
            try DKIMSigner(domain: "café.example", selector: "herald", privateKeyPEM: pem)
        }
        #expect(throws: DKIMError.invalidSelector("")) {
            try DKIMSigner(domain: "example.org", selector: "", privateKeyPEM: pem)
        }
        #expect(throws: DKIMError.invalidHeaderName("Subject:")) {
            try DKIMSigner(domain: "example.org", selector: "s", privateKeyPEM: pem, signedHeaders: ["Subject:"])
        }
        #expect(throws: Never.self) {
            try DKIMSigner(domain: "xn--caf-dma.example", selector: "2025.mail", privateKeyPEM: pem)
        }
    }

    @Test func malformedMessagesAreReported() throws {
        let signer = try signer(.ed25519)
        #expect(throws: DKIMError.missingHeaderBodySeparator(hasBareLineFeeds: false)) {
            try signer.sign(Tools.bytes(["From: a@example.org", "Subject: pas de corps"]))
        }
        #expect(throws: DKIMError.missingHeaderBodySeparator(hasBareLineFeeds: true)) {
            try signer.sign(Array("From: a@example.org\nSubject: LF\n\ncorps\n".utf8))
        }
        #expect(throws: DKIMError.missingFromField) {
            try signer.sign(Tools.bytes(["Subject: sans exp\u{E9}diteur", "", "corps"]))
        }
        #expect(throws: DKIMError.malformedHeaderField("From a@example.org Tue Nov  4 08:30:00 2025")) {
            try signer.sign(Tools.bytes(["From a@example.org Tue Nov  4 08:30:00 2025", "From: a@example.org", "", "x"]))
        }
        #expect(throws: DKIMError.malformedHeaderField(" continued")) {
            try signer.sign(Tools.bytes([" continued", "From: a@example.org", "", "x"]))
        }
        #expect(throws: DKIMError.missingFromField) {
            try signer.sign(Tools.bytes(["", "no header at all"]))
        }
        #expect(DKIMError.missingHeaderBodySeparator(hasBareLineFeeds: true).description.contains("CRLF"))
    }
}
