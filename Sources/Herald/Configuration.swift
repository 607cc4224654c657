import Feeds
import Foundation
import PostgresStore
import Posts
import SMTPTransport
import Scheduling

/// Herald's configuration: one `config.json`, read strictly.
///
/// Relative paths resolve against the file's own folder. An unknown key, a value of the wrong
/// type or a bad value is a `ConfigurationError` naming its key path; nothing is guessed.
/// See README.md ("Configuration") for every key.
public struct Configuration: Sendable {
    /// The file this was read from.
    public var file: URL
    public var site: FeedSite
    public var postsDirectory: URL
    /// `posts.maxSize`: larger files are reported and not read (bytes).
    public var maxPostSize: Int
    /// `posts.renderBudget`: the longest one post's Markdown may take to render; a post that
    /// takes longer is left out with an error.
    public var renderBudget: Duration
    public var feedsDirectory: URL
    public var feeds: FeedOptions
    /// `store.path` or `store.url`: where subscribers, digests and deliveries are kept.
    public var store: StoreSettings
    /// The SQLite file, when the store is SQLite.
    public var storePath: URL? { store.sqlitePath }
    /// The secret that signs confirm and unsubscribe links; created on first use.
    public var tokenKeyFile: URL
    public var mail: MailSettings?
    public var newsletters: [NewsletterSettings]
    /// The `http` section.
    public var http: HTTPSettings
    /// `http.listen`: where the HTTP server binds.
    public var httpListen: HTTPListen { http.listen }
    /// The `delivery` section (all defaults when absent).
    public var delivery: DeliverySettings
    /// Where Herald's HTTP pages are reached from outside (links in mail), ending with `/`.
    public var publicURL: String
    /// `posts.debounce`: the daemon rebuilds once the posts folder has been quiet this long.
    public var watchDebounce: Duration = .milliseconds(200)
    /// `posts.rescanInterval`: the daemon compares the whole posts folder this often, even
    /// without events (a safety net for file systems inotify cannot see).
    public var rescanInterval: Duration = .seconds(300)

    /// Where a command finds config.json when `--config` is not given: `$HERALD_CONFIG`,
    /// then `./config.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["HERALD_CONFIG"], !path.isEmpty { return path }
        return "config.json"
    }

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read (permissions?)" : "does not exist"
            throw ConfigurationError(
                file: path, keyPath: "",
                message: "\(reason); pass --config FILE or set HERALD_CONFIG (looked for \(url.path))")
        }
        return try parse(data, file: url, displayName: path)
    }

    /// Reads configuration from the bytes of a config.json that lives at `file`; `environment`
    /// gives systemd's `CREDENTIALS_DIRECTORY`.
    public static func parse(
        _ data: Data, file: URL, displayName: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        do {
            return try parseUnlocated(data, file: file, displayName: displayName, environment: environment)
        } catch {
            guard !error.keyPath.isEmpty else { throw error }
            var located = error
            (located.line, located.column) = JSONKeyLocator([UInt8](data)).position(of: error.keyPath)
            throw located
        }
    }

    private static func parseUnlocated(_ data: Data, file: URL, displayName: String, environment: [String: String]) throws(ConfigurationError) -> Configuration {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            let detail = Self.describe(error)
            let (line, column) = Self.position(in: detail)
            throw ConfigurationError(file: displayName, keyPath: "", message: "not valid JSON: \(detail)", line: line, column: column)
        }
        var reader = try ConfigReader(file: displayName, path: "", value: root)
        let base = file.deletingLastPathComponent()
        let parser = ConfigurationParser(base: base, environment: environment)
        var siteReader = try reader.object("site")
        let site = try parser.site(&siteReader)
        var postsReader = try reader.object("posts")
        let posts = parser.resolve(try postsReader.string("directory", default: "posts"))
        let maxPostSize = try postsReader.integer("maxSize", in: 1024...(64 << 20), default: 4 << 20)
        let renderBudget = try postsReader.number("renderBudget", in: 0.05...60, default: 2)
        let debounce = try postsReader.number("debounce", in: 0.01...60, default: 0.2)
        let rescanInterval = try postsReader.number("rescanInterval", in: 10...86_400, default: 300)
        try postsReader.finish()
        var feedsReader = try reader.object("feeds")
        let (feedsDirectory, feeds, feedsURL) = try parser.feeds(&feedsReader)
        var storeReader = try reader.object("store")
        let store = try parser.store(&storeReader)
        let tokenKey = try storeReader.string("tokenKeyFile").map(parser.resolve)
            ?? (store.sqlitePath?.deletingLastPathComponent() ?? parser.resolve("var")).appendingPathComponent("token.key")
        try storeReader.finish()
        var mail: MailSettings?
        if reader.has("mail") {
            var mailReader = try reader.object("mail")
            mail = try parser.mail(&mailReader)
        }
        let newsletters = try parser.newsletters(try reader.objects("newsletters"))
        var delivery = DeliverySettings()
        if reader.has("delivery") {
            var deliveryReader = try reader.object("delivery")
            delivery = try parser.delivery(&deliveryReader)
        }
        var httpReader = try reader.object("http")
        let (http, publicURL) = try parser.http(&httpReader)
        try reader.finish()

        var feedSite = site
        if let feedsURL { feedSite.feedsURL = feedsURL.hasSuffix("/") ? feedsURL : feedsURL + "/" }
        return Configuration(
            file: file, site: feedSite, postsDirectory: posts, maxPostSize: maxPostSize,
            renderBudget: .milliseconds(Int((renderBudget * 1000).rounded())), feedsDirectory: feedsDirectory, feeds: feeds,
            store: store, tokenKeyFile: tokenKey, mail: mail, newsletters: newsletters, http: http, delivery: delivery,
            publicURL: publicURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? site.url,
            watchDebounce: .milliseconds(Int((debounce * 1000).rounded())), rescanInterval: .seconds(rescanInterval))
    }

    /// The "line N, column M" that Foundation's JSON errors mention, else 1:1.
    private static func position(in detail: String) -> (Int, Int) {
        func number(after word: String) -> Int? {
            guard let range = detail.range(of: word) else { return nil }
            return Int(detail[range.upperBound...].prefix(while: \.isNumber))
        }
        return (number(after: "line ") ?? 1, number(after: "column ") ?? 1)
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return String(describing: error)
    }
}

/// The `mail` section. Used from the mail issue on; checked now so that a config written today
/// keeps working.
public struct MailSettings: Sendable {
    public var from: String
    public var transport: Transport
    public var dkim: DKIM?

    public enum Transport: Sendable {
        case maildir(directory: URL)
        case smtp(SMTP)
    }

    public struct SMTP: Sendable {
        public var url: String
        public var tls: SMTPSettings.TLS
        public var username: String?
        public var passwordFile: URL?
        /// Extra CA certificates (PEM) to trust, for a private relay.
        public var caFile: URL?
        public var concurrency: Int
        public var maxPerSecond: Double
        public var connectTimeoutSeconds: Double
        public var timeoutSeconds: Double
    }


    public struct DKIM: Sendable {
        public var domain: String
        public var selector: String
        public var privateKeyFile: URL
    }
}

/// One entry of `newsletters`.
public struct NewsletterSettings: Sendable {
    public var id: String
    public var title: String
    /// When digests are planned on their own; `nil` for a newsletter sent only on request.
    public var schedule: CronExpression?
    /// The zone the schedule's wall-clock times are read in; `nil` for `site.timeZone`.
    public var timeZone: TimeZone?
    public var tags: [String]
    public var authors: [String]
    /// A Mustache template for the subject; `nil` for the built-in one.
    public var subject: String?
    /// Whether each post comes as its excerpt or in full.
    public var content: PostContent
    /// The most posts one digest carries (the newest).
    public var maxPosts: Int
    /// Mustache files replacing the built-in HTML and text bodies.
    public var htmlTemplate: URL?
    public var textTemplate: URL?
    /// `catchUpHours`: a scheduled digest missed while the daemon was down is sent when it
    /// starts if it is at most this late, and skipped (with a log line) otherwise.
    public var catchUp: Duration = .seconds(24 * 3600)
}

/// Where the store is: an SQLite file, or a PostgreSQL database shared by several instances.
public enum StoreSettings: Sendable, Hashable {
    case sqlite(URL)
    /// The database, and the file its password is read from (else systemd's `store-password`
    /// credential, else none).
    case postgres(PostgresStoreSettings, passwordFile: URL?)

    var sqlitePath: URL? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// For messages: the file, or the URL without any secret.
    public var description: String {
        switch self {
        case .sqlite(let path): return path.path
        case .postgres(let settings, _): return settings.displayURL
        }
    }
}

/// The `http` section: the server's address and the knobs of its pages.
public struct HTTPSettings: Sendable, Hashable {
    /// `listen`: where the server binds.
    public var listen: HTTPListen
    /// `feedMaxAge`: `Cache-Control: max-age` of the feeds, in seconds.
    public var feedMaxAge: Int
    /// `confirmHours`: how long a confirmation link works.
    public var confirmHours: Int
    /// `subscribePerHour`: sign-ups one client address may make per hour.
    public var subscribePerHour: Int
    /// `trustProxy`: take the client address from `X-Forwarded-For` (behind a reverse proxy).
    public var trustProxy: Bool
    /// `adminTokenFile`: the admin API's bearer token; without it (and without systemd's
    /// `admin-token` credential) the admin API is off.
    public var adminTokenFile: URL?
}

/// `http.listen`: where the HTTP server binds.
public struct HTTPListen: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
