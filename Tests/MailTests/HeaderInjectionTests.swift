import Foundation
import Testing
import Mail

/// CR, LF or NUL in anything that becomes a header is refused with an error naming the
/// field: never passed on (a new header, or a new SMTP command), never silently removed.
@Suite struct HeaderInjectionTests {
    static let hostileValues = [
        "Hello\r\nBcc: victim@example.net",
        "Hello\0World",
        "Hello\rBcc: victim@example.net",
        "Hello\nBcc: victim@example.net",
        "\r\n",
        "é\r\nBcc: x@y",
    ]

    /// Each way of putting `value` into a header, and the field the error must name.
    static let placements: [(field: String, apply: @Sendable (inout Message, String) -> Void)] = [
        ("Subject", { $0.subject = $1 }),
        ("From display name", { $0.from.displayName = $1 }),
        ("To (recipient 2) display name", { $0.to[1].displayName = $1 }),
        ("List-Id name", { $0.listID?.name = $1 }),
        ("List-Id id", { $0.listID?.id = "weekly.example.org" + $1 }),
        ("Message-ID", { $0.messageID = "abc@example.org" + $1 }),
        ("List-Unsubscribe URI 2", { $0.listUnsubscribe[1] = "mailto:u@example.org" + $1 }),
        ("X-Campaign header", { $0.additionalHeaders[0].value = $1 }),
        ("header name", { $0.additionalHeaders[0].name = "X-Campaign" + $1 }),
    ]

    @Test(arguments: hostileValues)
    func everyHeaderRefusesLineBreaksAndNUL(_ value: String) {
        for placement in Self.placements {
            var message = MessageFixtures.digest()
            placement.apply(&message, value)
            do {
                let bytes = try message.serialized()
                Issue.record("\(placement.field) accepted \(value.debugDescription): \(bytes.count) bytes")
            } catch {
                #expect(error.description.contains(placement.field), "\(error.description)")
                #expect(!error.description.contains("\r") && !error.description.contains("\n") && !error.description.contains("\0"))
            }
        }
    }

    @Test(arguments: hostileValues)
    func mailboxesAndAddressesRefuseLineBreaksAndNUL(_ value: String) {
        #expect(throws: MailError.self) { try Mailbox(parsing: "Name\(value) <a@example.org>") }
        #expect(throws: MailError.self) { try Mailbox(parsing: "Name <a@example.org>\(value)") }
        #expect(throws: MailError.self) { try EmailAddress("a@example.org\(value)") }
        #expect(throws: MailError.self) { try Mailbox(displayName: value, address: MessageFixtures.address("a@example.org")).headerValue() }
    }

    @Test func smtpCommandInjectionThroughAnAddressIsRefused() {
        #expect {
            try EmailAddress("a@b.org\r\nRCPT TO:<x@y>")
        } throws: { error in
            (error as? MailError)?.description.contains("line break") ?? false
        }
    }

    /// Unicode's own line separators are not line breaks to SMTP, but some clients show them
    /// as such: they travel inside encoded-words, never raw.
    @Test func unicodeLineSeparatorsAreEncoded() throws {
        let subject = "Avant\u{2028}après\u{85}fin\u{2029}"
        let bytes = try MessageFixtures.digest(subject: subject, html: nil).serialized()
        #expect(bytes.allSatisfy { $0 < 0x80 })
        let parsed = try ParsedMessage.parse(bytes)
        #expect(parsed.subject == subject)
        #expect(parsed.defects.isEmpty)
    }
}
