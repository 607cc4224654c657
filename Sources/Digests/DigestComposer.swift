import Foundation
import Mail

/// Turns a rendered digest into the message one subscriber receives: headers that mail
/// clients and bulk-sender rules expect (List-Id, one-click List-Unsubscribe), a personal
/// unsubscribe link, and an optional DKIM signature.
public struct DigestComposer: Sendable {
    public var from: Mailbox
    public var listID: ListID
    /// Base of the HTTP unsubscribe link (`…/unsubscribe/TOKEN`), ending with `/`.
    public var publicURL: String
    public var tokens: SubscriberTokens
    public var dkim: DKIMSigner?
    /// Time zone of the `Date` header.
    public var timeZone: TimeZone

    public init(from: Mailbox, listID: ListID, publicURL: String, tokens: SubscriberTokens, dkim: DKIMSigner?, timeZone: TimeZone) {
        self.from = from
        self.listID = listID
        self.publicURL = publicURL
        self.tokens = tokens
        self.dkim = dkim
        self.timeZone = timeZone
    }

    /// The personal unsubscribe links of `subscriberKey`: one token (one HMAC), used both in
    /// the message body and in its `List-Unsubscribe` header.
    public func unsubscribeLinks(for subscriberKey: String) -> UnsubscribeLinks {
        let token = tokens.token(for: subscriberKey, purpose: .unsubscribe)
        return UnsubscribeLinks(
            web: publicURL + "unsubscribe/" + token, mail: "mailto:\(from.address)?subject=unsubscribe%20\(token)")
    }

    /// The RFC 5322 bytes (CRLF, DKIM-signed when configured) for one recipient.
    /// - Parameters:
    ///   - bodies: from `PreparedDigest.bodies`, or `DigestRenderer.Bodies(content)`.
    ///   - unsubscribe: the recipient's links, from `unsubscribeLinks(for:)`.
    ///   - messageID: `unique@domain`, the same on every retry of this delivery.
    public func compose(
        _ bodies: DigestRenderer.Bodies, to recipient: Mailbox, unsubscribe: UnsubscribeLinks, messageID: String, date: Date
    ) throws(DigestComposeError) -> [UInt8] {
        var message = Message(
            from: from, to: [recipient], subject: bodies.subject, date: date, messageID: messageID,
            textBody: bodies.text, htmlBody: bodies.html)
        message.dateTimeZone = timeZone
        message.listID = listID
        message.listUnsubscribe = [unsubscribe.web, unsubscribe.mail]
        // RFC 8058's one-click needs an https: link; with an http: publicURL (a test site, a
        // private network) the link stays, for people, without the one-click header.
        message.listUnsubscribePost = unsubscribe.web.lowercased().hasPrefix("https:")
        let bytes: [UInt8]
        do {
            bytes = try message.serialized()
        } catch {
            throw .message(error)
        }
        guard let dkim else { return bytes }
        do {
            return try dkim.sign(bytes, timestamp: date)
        } catch {
            throw .dkim(error)
        }
    }
}

/// A recipient's one-click unsubscribe links (RFC 8058): the HTTPS page and a mail address.
public struct UnsubscribeLinks: Sendable, Hashable {
    /// `…/unsubscribe/TOKEN`, shown in the body and listed first in `List-Unsubscribe`.
    public var web: String
    /// `mailto:…?subject=unsubscribe%20TOKEN`.
    public var mail: String
}

/// A digest message could not be made.
public enum DigestComposeError: Error, CustomStringConvertible, Sendable {
    /// A header value or an address was refused (CR, LF or NUL in it, or not an address).
    case message(MailError)
    case dkim(DKIMError)

    public var description: String {
        switch self {
        case .message(let error): return String(describing: error)
        case .dkim(let error): return "DKIM: \(error)"
        }
    }
}
