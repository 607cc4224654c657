import Digests
import Foundation
import Mail
import Posts
import SMTPTransport
import Store

/// `herald digest preview`: the exact message a subscriber of a newsletter would get now.
///
/// The posts are those the next digest would hold now: the planner's window (since the last
/// completed digest), the newest `maxPosts` the newsletter selects.
public struct DigestPreview: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// A composed preview, ready to write out or to send.
    public struct Preview: Sendable {
        public var message: [UInt8]
        public var sender: EmailAddress
        public var recipient: EmailAddress
        public var subject: String
        public var postCount: Int
        /// Posts left out because their Markdown could not be rendered.
        public var diagnostics: [Diagnostic]
    }

    /// Composes the preview of `newsletterID` for `recipient` (default: the sender itself),
    /// with the posts the next digest would hold now (the planner's window, nothing written).
    public func compose(newsletterID: String, recipient: String?, now: Date = Date()) async throws(DigestError) -> Preview {
        let newsletter = try NewsletterMailers.newsletter(newsletterID, in: configuration)
        let mailers = try NewsletterMailers(configuration: configuration)
        var to = Mailbox(displayName: nil, address: mailers.from.address)
        if let recipient {
            do {
                to = try Mailbox(parsing: recipient)
            } catch {
                throw .address(key: "--to", error)
            }
        }
        let siteBuilder = SiteBuilder(configuration: configuration)
        let snapshot = siteBuilder.readPosts()
        guard snapshot.isComplete else {
            throw .postsFolderUnreadable(snapshot.diagnostics.first?.description ?? configuration.postsDirectory.path)
        }
        let store = try await configuration.openStore()
        let posts: [Post]
        do {
            posts = try await mailers.planner(store: store, newsletter: newsletter)
                .preview(NewsletterMailers.plannerNewsletter(newsletter), posts: snapshot.posts, at: now).posts
        } catch {
            throw .store(error)
        }
        let site = configuration.site
        let (items, rejected) = DigestItems(
            permalinks: site.permalinks, siteAuthor: site.author, content: newsletter.content, renderer: siteBuilder.renderer
        ).make(posts)
        let mailer = mailers.mailer(newsletter.id)!
        let composer = mailer.composer
        let unsubscribe = composer.unsubscribeLinks(for: "preview")
        // Made as a delivery makes it: the digest prepared once, the recipient's bodies filled in.
        let bodies = mailer.renderer.prepare(items, date: now).bodies(
            recipientName: to.displayName, recipientEmail: to.address.description, unsubscribeURL: unsubscribe.web)
        let messageID = "preview.\(UInt64.random(in: 0...UInt64.max)).\(newsletter.id)@\(mailers.from.address.domain)"
        do {
            let bytes = try composer.compose(bodies, to: to, unsubscribe: unsubscribe, messageID: messageID, date: now)
            return Preview(
                message: bytes, sender: mailers.from.address, recipient: to.address, subject: bodies.subject,
                postCount: items.count, diagnostics: siteBuilder.diagnostics(for: rejected))
        } catch {
            throw .compose(error)
        }
    }

    /// Sends `preview` through the configured transport (the admin's "send me a test").
    public func send(_ preview: Preview) throws(MailTransportSetupError) -> DeliveryOutcome {
        guard let mail = configuration.mail else { throw .noMailSection }
        let transport = try MailTransportFactory.make(mail)
        return transport.sendAll([OutgoingMessage(sender: preview.sender, recipients: [preview.recipient], bytes: preview.message)])[0]
    }
}
