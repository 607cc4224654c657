import Foundation
import Mail
import SMTPTransport
import Store

/// Makes the message of one delivery: a newsletter's renderer and composer, and the digest's
/// stored content rendered once and filled in per recipient.
public struct DigestMailer: Sendable {
    public var renderer: DigestRenderer
    public var composer: DigestComposer

    public init(renderer: DigestRenderer, composer: DigestComposer) {
        self.renderer = renderer
        self.composer = composer
    }

    /// A digest ready to be filled in for each recipient.
    public struct Prepared: Sendable {
        let digest: PreparedDigest
        let date: Date
    }

    /// Renders `digest`'s stored content once; `nil` when the content cannot be read.
    public func prepare(_ digest: Digest) -> Prepared? {
        guard let content = DigestContent.decode(digest.content) else { return nil }
        return Prepared(digest: renderer.prepare(content.items, date: content.date), date: content.date)
    }

    /// The message for `delivery`, with its fixed Message-ID; the unsubscribe links carry the
    /// subscriber's id, never the address.
    public func message(for delivery: ClaimedDelivery, prepared: Prepared) throws(DigestMailError) -> OutgoingMessage {
        let address: EmailAddress
        do {
            address = try EmailAddress(delivery.email)
        } catch {
            throw .address(delivery.email, error)
        }
        let recipient = Mailbox(displayName: delivery.name, address: address)
        let links = composer.unsubscribeLinks(for: String(delivery.subscriberID))
        let bodies = prepared.digest.bodies(recipientName: delivery.name, recipientEmail: address.description, unsubscribeURL: links.web)
        do {
            let bytes = try composer.compose(bodies, to: recipient, unsubscribe: links, messageID: delivery.messageID, date: prepared.date)
            return OutgoingMessage(sender: composer.from.address, recipients: [address], bytes: bytes)
        } catch {
            throw .compose(error)
        }
    }
}

/// A delivery's message could not be made; it is recorded as failed, and nothing is sent.
public enum DigestMailError: Error, Sendable, CustomStringConvertible {
    case address(String, MailError)
    case compose(DigestComposeError)
    case unreadableContent(digestID: Int64)
    case unknownNewsletter(String)

    public var description: String {
        switch self {
        case .address(let text, let error): return "the subscriber's address \(text.debugDescription) cannot be used: \(error)"
        case .compose(let error): return "cannot compose the message: \(error)"
        case .unreadableContent(let id): return "digest \(id)'s stored content cannot be read"
        case .unknownNewsletter(let id): return "newsletter \"\(id)\" is no longer in config.json"
        }
    }
}
