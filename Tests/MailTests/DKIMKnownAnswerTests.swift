import Crypto
import Foundation
import Testing

@testable import Mail

/// RFC 8463 Appendix A: the RFC 8032 §7.1 test key and the example message, signed
/// ed25519-sha256 relaxed/relaxed. Ed25519 is deterministic, so the signature is reproduced
/// exactly from the same canonical header data.
@Suite("DKIM known answers (RFC 8463 Appendix A)")
struct DKIMKnownAnswerTests {
    /// The RFC 8032 §7.1 TEST 1 seed, wrapped in PKCS#8 (RFC 8410) as openssl writes it.
    static let privateKeyPEM: String = {
        let seed = Data(base64Encoded: "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")!
        let pkcs8 = Data([0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]) + seed
        return "-----BEGIN PRIVATE KEY-----\n\(pkcs8.base64EncodedString())\n-----END PRIVATE KEY-----\n"
    }()

    static let headerFields = [
        "From: Joe SixPack <joe@football.example.com>",
        "To: Suzie Q <suzie@shopping.example.net>",
        "Subject: Is dinner ready?",
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
    ]
    static let body = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n"
    static let signatureField =
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
        + " d=football.example.com; i=@football.example.com;\r\n"
        + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
        + " subject : date : message-id : from : subject : date;\r\n"
        + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        + " b="
    static let expectedSignature = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw=="

    @Test func publicKeyRecord() throws {
        let signer = try DKIMSigner(domain: "football.example.com", selector: "brisbane", privateKeyPEM: Self.privateKeyPEM)
        #expect(signer.algorithm == .ed25519SHA256)
        #expect(signer.dnsRecord == "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(signer.dnsRecordName == "brisbane._domainkey.football.example.com")
    }

    @Test func bodyHash() {
        let canonical = DKIMCanonicalization.relaxedBody(Array(Self.body.utf8))
        #expect(Data(SHA256.hash(data: canonical)).base64EncodedString() == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
    }

    @Test func signatureOverTheCanonicalHeaders() throws {
        var data: [UInt8] = []
        for field in Self.headerFields {
            DKIMCanonicalization.appendRelaxedHeader(Array(field.utf8)[...], to: &data)
        }
        DKIMCanonicalization.appendRelaxedHeader(Array(Self.signatureField.utf8)[...], to: &data)
        data.removeLast(2)
        let key = try DKIMPrivateKey(pem: Self.privateKeyPEM)
        let signature = try key.signature(for: SHA256.hash(data: data))
        #expect(Data(signature).base64EncodedString() == Self.expectedSignature)
    }

    /// Our own signature of the same message, with the same time, verifies with dkimpy.
    @Test func ourSignatureOfTheExample() throws {
        let signer = try DKIMSigner(domain: "football.example.com", selector: "brisbane", privateKeyPEM: Self.privateKeyPEM)
        let message = Array((Self.headerFields.joined(separator: "\r\n") + "\r\n\r\n" + Self.body).utf8)
        let signed = try signer.sign(message, timestamp: Date(timeIntervalSince1970: 1_528_637_909))
        let tags = DKIMTestTools.signatureField(of: signed).tags
        #expect(tags["bh"] == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
        #expect(tags["h"] == "from:to:subject:date:message-id:from")
        let result = try DKIMTestTools.dkimpyVerdict(signed, record: signer.dnsRecord, dnsName: signer.dnsRecordName)
        #expect(result.verdict == "pass", "dkimpy: \(result.log)")
    }
}
