import Testing
import Mail

@Suite struct EmailAddressTests {
    @Test(arguments: [
        "a@b.org",
        "jean.dupont+news@example.org",
        "root@localhost",
        "o'brien@example.ie",
        "!#$%&'*+-/=?^_`{|}~@example.org",
        "\"jean dupont\"@example.org",
        "\"a@b\"@c.org",
        "\"quote\\\"inside\"@example.org",
        "user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1]",
        "user@[IPv6:::ffff:192.0.2.1]",
        "a@xn--bcher-kva.example",
        "a@sub-domain.x1.example.org",
        String(repeating: "l", count: 64) + "@example.org",
    ])
    func acceptsValidAddresses(_ text: String) throws {
        let address = try EmailAddress(text)
        #expect(address.description == text)
        #expect(address.localPart + "@" + address.domain == text)
    }

    @Test func splitsLocalPartAndDomain() throws {
        let address = try EmailAddress("\"a@b\"@c.org")
        #expect(address.localPart == "\"a@b\"")
        #expect(address.domain == "c.org")
    }

    @Test func dropsQuotesThatAreNotNeeded() throws {
        #expect(try EmailAddress("\"jean.dupont\"@example.org").description == "jean.dupont@example.org")
    }

    @Test func acceptsTheLongestLegalAddress() throws {
        let label = String(repeating: "d", count: 63)
        let domain = [label, label, label, String(repeating: "e", count: 60)].joined(separator: ".")
        #expect(domain.utf8.count == 252)
        #expect(try EmailAddress("a@" + domain).description.utf8.count == 254)
    }

    @Test(arguments: [
        ("a@b@c", "more than one @"),
        ("a b@c.org", "space"),
        ("a@-bad.org", "hyphen"),
        ("a@bad-.org", "hyphen"),
        (".a@b.org", "starts with a dot"),
        ("a.@b.org", "ends with a dot"),
        ("a..b@c.org", "two dots"),
        ("é@x.org", "SMTPUTF8 is not supported"),
        ("\"é\"@x.org", "SMTPUTF8 is not supported"),
        ("a@bücher.de", "SMTPUTF8 is not supported"),
        ("a@b.org\r\nRCPT TO:<x@y>", "line break"),
        ("a@b.org\nx", "line break"),
        ("a\r@b.org", "line break"),
        ("a\0@b.org", "NUL"),
        ("a\u{7}@b.org", "control character"),
        (String(repeating: "l", count: 65) + "@example.org", "at most 64"),
        ("", "empty"),
        ("ab.org", "no @"),
        ("a@", "nothing after the @"),
        ("@b.org", "nothing before the @"),
        ("a@b..org", "empty label"),
        ("a@b.org.", "empty label"),
        ("a@.b.org", "empty label"),
        ("a@exa_mple.org", "only letters, digits, hyphens"),
        ("a@b .org", "only letters, digits, hyphens"),
        ("a@b.org ", "only letters, digits, hyphens"),
        ("a@" + String(repeating: "x", count: 64) + ".org", "at most 63"),
        ("a@1.2.3.4", "address literal"),
        ("a@[300.1.1.1]", "IPv4"),
        ("a@[1.2.3]", "IPv4"),
        ("a@[IPv6:zz::1]", "IPv6"),
        ("a@[IPv6:1::2::3]", "IPv6"),
        ("a@[192.0.2.1", "closing bracket"),
        ("\"unterminated@x.org", "no closing quote"),
        ("\"a\"b@c.org", "followed by @"),
        ("a,b@c.org", "only allowed inside a quoted local part"),
        ("<a@b.org>", "only allowed inside a quoted local part"),
    ])
    func rejectsInvalidAddressesSayingWhy(_ text: String, _ expected: String) {
        #expect {
            try EmailAddress(text)
        } throws: { error in
            guard let error = error as? MailError, case .invalidAddress = error else { return false }
            return error.description.contains(expected)
        }
    }

    @Test func rejectsOverlongDomainAndAddress() {
        let label = String(repeating: "d", count: 63)
        let domain253 = [label, label, label, String(repeating: "e", count: 61)].joined(separator: ".")
        #expect {
            try EmailAddress("a@" + domain253)
        } throws: { error in
            (error as? MailError)?.description.contains("255 octets long; SMTP allows at most 254") ?? false
        }
        let domain254 = [label, label, label, String(repeating: "e", count: 62)].joined(separator: ".")
        #expect {
            try EmailAddress("a@" + domain254)
        } throws: { error in
            (error as? MailError)?.description.contains("DNS allows at most 253") ?? false
        }
    }

    @Test func errorsShowControlCharactersInsteadOfWritingThem() {
        do {
            _ = try EmailAddress("a@b.org\r\nRCPT TO:<x@y>")
            Issue.record("accepted an address with CRLF")
        } catch {
            #expect(!error.description.contains("\r"))
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("\\r\\nRCPT TO"))
        }
    }
}
