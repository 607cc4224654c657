import Feeds
import Foundation

/// What the HTTP server needs to know, from config.json's `site`, `feeds`, `newsletters` and
/// `http` sections.
public struct WebSettings: Sendable {
    /// A newsletter people can sign up for on the home page.
    public struct Newsletter: Sendable, Hashable {
        public var id: String
        public var title: String

        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    /// `http.listen`.
    public var host: String
    public var port: Int
    public var feedsDirectory: URL
    public var formats: [FeedFormat]
    public var siteTitle: String
    public var siteDescription: String?
    /// The site's home page (links back to it).
    public var siteURL: String
    /// `site.language`: the pages' language (French and English texts are built in; other
    /// languages get the English ones, with their own `lang`).
    public var language: String
    /// Where these pages are reached from outside, ending with `/` (links in mail).
    public var publicURL: String
    public var newsletters: [Newsletter]
    /// `http.feedMaxAge`: how long readers and caches may reuse a feed without asking (seconds).
    public var feedMaxAge: Int = 300
    /// `http.confirmHours`: how long a confirmation link works.
    public var confirmLifetime: TimeInterval = 48 * 3600
    /// At most one confirmation mail per address in this interval (seconds).
    public var confirmationInterval: TimeInterval = 600
    /// `http.subscribePerHour`: sign-ups one client address may make per hour (a burst of up to
    /// a fifth of it at once).
    public var subscribesPerHour: Int = 20
    /// `http.trustProxy`: take the client address from `X-Forwarded-For` (set when Herald runs
    /// behind a reverse proxy, which then is the only client it sees).
    public var trustProxy: Bool = false
    /// The largest request body taken (the forms are a few hundred bytes).
    public var maxBodySize: Int = 16 * 1024
    /// The longest a client may take to send a request's headers, and then its body.
    public var requestTimeout: Duration = .seconds(10)
    /// A connection with no request in flight is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// The admin API's bearer token; `nil` turns the API off (every request gets 401).
    public var adminToken: String?

    public init(
        host: String, port: Int, feedsDirectory: URL, formats: [FeedFormat], siteTitle: String, siteDescription: String?,
        siteURL: String, language: String, publicURL: String, newsletters: [Newsletter]
    ) {
        self.host = host
        self.port = port
        self.feedsDirectory = feedsDirectory
        self.formats = formats
        self.siteTitle = siteTitle
        self.siteDescription = siteDescription
        self.siteURL = siteURL
        self.language = language
        self.publicURL = publicURL
        self.newsletters = newsletters
    }
}
