import Digests
import Foundation
import Mail
import Posts
import Store

/// The mail side of every configured newsletter, built once from config.json: the sender, and
/// per newsletter its renderer (templates, dates) and composer (list headers, unsubscribe
/// links, DKIM). What `herald digest preview` and every delivery use.
public struct NewsletterMailers: Sendable {
    public let from: Mailbox
    /// The signer of every message sent, when `mail.dkim` is set.
    public let dkim: DKIMSigner?
    private let mailers: [String: DigestMailer]
    private let configuration: Configuration

    public init(configuration: Configuration) throws(DigestError) {
        guard let mail = configuration.mail else { throw .noMailSection }
        do {
            from = try Mailbox(parsing: mail.from)
        } catch {
            throw .address(key: "mail.from", error)
        }
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
        let site = configuration.site
        var mailers: [String: DigestMailer] = [:]
        for newsletter in configuration.newsletters {
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
            let composer = DigestComposer(
                from: from, listID: ListID(name: newsletter.title, id: "\(newsletter.id).\(site.host)"),
                publicURL: configuration.publicURL, tokens: tokens, dkim: dkim, timeZone: site.timeZone)
            mailers[newsletter.id] = DigestMailer(renderer: renderer, composer: composer)
        }
        self.mailers = mailers
        self.dkim = dkim
        self.configuration = configuration
    }

    /// The mailer of newsletter `id`, if configured.
    public func mailer(_ id: String) -> DigestMailer? { mailers[id] }

    /// The newsletter `id` of config.json, or an error listing the known ones.
    public static func newsletter(_ id: String, in configuration: Configuration) throws(DigestError) -> NewsletterSettings {
        guard let newsletter = configuration.newsletters.first(where: { $0.id == id }) else {
            throw .unknownNewsletter(id, known: configuration.newsletters.map(\.id))
        }
        return newsletter
    }

    /// The planner of this site's digests over `store`.
    public func planner(store: any DigestStore & PostLedger, newsletter: NewsletterSettings) -> DigestPlanner {
        let site = configuration.site
        let renderer = mailers[newsletter.id]?.renderer
        return DigestPlanner(
            store: store, permalinks: site.permalinks, siteAuthor: site.author, messageIDDomain: from.address.domain,
            renderer: configuration.markdownRenderer()
        ) { items, date in
            renderer?.render(items, recipientName: nil, recipientEmail: "", unsubscribeURL: "", date: date).subject ?? ""
        }
    }

    /// How the planner sees a newsletter of config.json.
    public static func plannerNewsletter(_ newsletter: NewsletterSettings) -> DigestPlanner.Newsletter {
        DigestPlanner.Newsletter(
            id: newsletter.id, selection: NewsletterSelection(tags: newsletter.tags, authors: newsletter.authors),
            content: newsletter.content, maxPosts: newsletter.maxPosts)
    }
}

/// Why a digest could not be previewed, planned or sent; each case says what to fix.
public enum DigestError: Error, CustomStringConvertible {
    case unknownNewsletter(String, known: [String])
    case noMailSection
    case address(key: String, MailError)
    case template(DigestTemplateError)
    case tokens(SubscriberTokensError)
    case dkim(DKIMError)
    case compose(DigestComposeError)
    case postsFolderUnreadable(String)
    case store(StoreError)
    case transport(MailTransportSetupError)
    case unknownDigest(Int64)

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
        case .postsFolderUnreadable(let problem): return "\(problem); nothing was done (check posts.directory)"
        case .store(let error): return error.description
        case .transport(let error): return error.description
        case .unknownDigest(let id): return "no digest \(id); `herald digest list` shows them"
        }
    }
}
