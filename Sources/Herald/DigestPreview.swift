import Digests
import Foundation
import Mail
import Posts
import SMTPTransport

/// `herald digest preview`: the exact message a subscriber of a newsletter would get now.
///
/// Until the subscriber store exists, "the posts of the next digest" are the newest
/// `maxPosts` published posts that the newsletter selects.
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
    }

    /// Composes the preview of `newsletterID` for `recipient` (default: the sender itself).
    public func compose(newsletterID: String, recipient: String?, now: Date = Date()) throws(DigestPreviewError) -> Preview {
        guard let newsletter = configuration.newsletters.first(where: { $0.id == newsletterID }) else {
            throw .unknownNewsletter(newsletterID, known: configuration.newsletters.map(\.id))
        }
        guard let mail = configuration.mail else { throw .noMailSection }
        let from: Mailbox
        do {
            from = try Mailbox(parsing: mail.from)
        } catch {
            throw .address(key: "mail.from", error)
        }
        var to = Mailbox(displayName: nil, address: from.address)
        if let recipient {
            do {
                to = try Mailbox(parsing: recipient)
            } catch {
                throw .address(key: "--to", error)
            }
        }
        let snapshot = SiteBuilder(configuration: configuration).readPosts()
        guard snapshot.isComplete else {
            throw .postsFolderUnreadable(snapshot.diagnostics.first?.description ?? configuration.postsDirectory.path)
        }
        let site = configuration.site
        let posts = NewsletterSelection(tags: newsletter.tags, authors: newsletter.authors)
            .newest(newsletter.maxPosts, of: snapshot.posts, at: now, siteAuthor: site.author.name)
        let items = DigestItems(permalinks: site.permalinks, siteAuthor: site.author, content: newsletter.content).make(posts)
        let templates: DigestTemplates
        do {
            templates = try DigestTemplates(
                subject: newsletter.subject, htmlFile: newsletter.htmlTemplate, textFile: newsletter.textTemplate)
        } catch {
            throw .template(error)
        }
        let renderer = DigestRenderer(
            siteTitle: site.title, siteURL: site.url, newsletterID: newsletter.id, newsletterTitle: newsletter.title,
            dates: DigestDates(language: site.language, timeZone: newsletter.timeZone ?? site.timeZone), templates: templates)
        let tokens: SubscriberTokens
        do {
            tokens = try SubscriberTokens(keyFile: configuration.tokenKeyFile)
        } catch {
            throw .tokens(error)
        }
        var dkim: DKIMSigner?
        if let settings = mail.dkim {
            do {
                dkim = try DKIMSigner(domain: settings.domain, selector: settings.selector, privateKeyFile: settings.privateKeyFile)
            } catch {
                throw .dkim(error)
            }
        }
        let composer = DigestComposer(
            from: from, listID: ListID(name: newsletter.title, id: "\(newsletter.id).\(site.host)"),
            publicURL: configuration.publicURL, tokens: tokens, dkim: dkim, timeZone: site.timeZone)
        let unsubscribe = composer.unsubscribeLinks(for: to.address.description)
        let content = renderer.render(
            items, recipientName: to.displayName, recipientEmail: to.address.description,
            unsubscribeURL: unsubscribe.web, date: now)
        let messageID = "preview.\(UInt64.random(in: 0...UInt64.max)).\(newsletter.id)@\(from.address.domain)"
        do {
            let bytes = try composer.compose(content, to: to, unsubscribe: unsubscribe, messageID: messageID, date: now)
            return Preview(message: bytes, sender: from.address, recipient: to.address, subject: content.subject, postCount: items.count)
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

/// Why a preview could not be made; each case says what to fix.
public enum DigestPreviewError: Error, CustomStringConvertible {
    case unknownNewsletter(String, known: [String])
    case noMailSection
    case address(key: String, MailError)
    case template(DigestTemplateError)
    case tokens(SubscriberTokensError)
    case dkim(DKIMError)
    case compose(DigestComposeError)
    case postsFolderUnreadable(String)

    public var description: String {
        switch self {
        case .unknownNewsletter(let id, let known):
            let list = known.isEmpty ? "none is configured; add one under \"newsletters\"" : "known: \(known.joined(separator: ", "))"
            return "no newsletter \"\(id)\" in config.json (\(list))"
        case .noMailSection: return "config.json has no \"mail\" section; add one with \"from\" and \"transport\""
        case .address(let key, let error): return "\(key): \(error)"
        case .template(let error): return error.description
        case .tokens(let error): return error.description
        case .dkim(let error): return "mail.dkim: \(error)"
        case .compose(let error): return "cannot compose the message: \(error)"
        case .postsFolderUnreadable(let problem): return "\(problem); no preview was made (check posts.directory)"
        }
    }
}
