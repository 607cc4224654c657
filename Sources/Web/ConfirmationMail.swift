import Foundation
import Mail
import SMTPTransport

/// The message that carries a confirmation link: from the list's sender, in the site's
/// language, DKIM-signed like the digests when a key is configured.
public struct ConfirmationMail: Sendable {
    public var from: Mailbox
    public var dkim: DKIMSigner?
    public var siteTitle: String
    public var timeZone: TimeZone

    public init(from: Mailbox, dkim: DKIMSigner?, siteTitle: String, timeZone: TimeZone) {
        self.from = from
        self.dkim = dkim
        self.siteTitle = siteTitle
        self.timeZone = timeZone
    }

    /// The message to `recipient` with `link`; `nil` (and nothing sent) if it cannot be made,
    /// which only a name Mail refuses could cause: the address was checked before.
    func message(to recipient: Mailbox, newsletter: String, link: String, lifetimeHours: Int, text: PageText, now: Date)
        throws -> OutgoingMessage
    {
        var message = Message(
            from: from, to: [recipient], subject: text.mailSubject(newsletter), date: now, dateTimeZone: timeZone,
            messageID: "\(UUID().uuidString.lowercased())@\(from.address.domain)",
            additionalHeaders: [HeaderField(name: "Auto-Submitted", value: "auto-generated")],
            textBody: BodyText(text.mailBody(newsletter, siteTitle, link, lifetimeHours)))
        message.dateTimeZone = timeZone
        var bytes = try message.serialized()
        if let dkim { bytes = try dkim.sign(bytes, timestamp: now) }
        return OutgoingMessage(sender: from.address, recipients: [recipient.address], bytes: bytes)
    }
}
