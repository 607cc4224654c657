import Feeds
import Foundation
import PostgresStore
import Posts
import SMTPTransport
import Scheduling

/// The section-by-section rules of config.json.
struct ConfigurationParser {
    /// The folder of config.json: relative paths resolve against it.
    let base: URL
    /// Where systemd's credentials are found (`CREDENTIALS_DIRECTORY`).
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return base.appendingPathComponent(path).standardizedFileURL
    }

    func site(_ reader: inout ConfigReader) throws(ConfigurationError) -> FeedSite {
        let title = try reader.requiredString("title", hint: "the site's name, shown as the feed title")
        let description = try reader.string("description")
        let url = try reader.requiredString("url", hint: "the site's home page, such as \"https://example.org/\"")
        guard Self.isAbsoluteHTTPURL(url) else {
            throw reader.error("url", "expected an absolute http(s) URL such as \"https://example.org/\", found \"\(url)\"")
        }
        guard !url.contains("?"), !url.contains("#") else {
            throw reader.error("url", "the site's URL cannot have a query or a fragment (post URLs are built from it), found \"\(url)\"")
        }
        let language = try reader.string("language", default: "en")
        guard LanguageTag.isValid(language) else {
            throw reader.error("language", "expected a language tag such as \"fr\" or \"en-GB\", found \"\(language)\"")
        }
        let zoneName = try reader.string("timeZone", default: "UTC")
        guard let timeZone = TimeZone(identifier: zoneName) else {
            throw reader.error("timeZone", "unknown time zone \"\(zoneName)\"; use an IANA name such as \"Europe/Paris\"")
        }
        var authorReader = try reader.object("author")
        let author = Author(
            name: try authorReader.string("name") ?? title,
            email: try authorReader.string("email"),
            uri: try authorReader.string("uri"))
        if let email = author.email, !Author.isPlausibleEmail(email) {
            throw authorReader.error("email", "expected an address such as \"news@example.org\", found \"\(email)\"")
        }
        try authorReader.finish()
        let permalink = try Self.pattern(
            &reader, "permalink", default: "posts/{slug}/", placeholders: ["slug", "year", "month", "day"])
        let tagPermalink = try Self.pattern(&reader, "tagPermalink", default: "tags/{slug}/")
        let authorPermalink = try Self.pattern(&reader, "authorPermalink", default: "authors/{slug}/")
        try reader.finish()
        return FeedSite(
            title: title, description: description, url: url, language: language, timeZone: timeZone,
            author: author, permalink: permalink, tagPermalink: tagPermalink, authorPermalink: authorPermalink)
    }

    private static func pattern(
        _ reader: inout ConfigReader, _ key: String, default fallback: String, placeholders: Set<String> = ["slug"]
    ) throws(ConfigurationError) -> String {
        let value = try reader.string(key, default: fallback)
        let allowed = placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ")
        guard value.contains("{slug}") else {
            throw reader.error(key, "must contain {slug} (placeholders allowed here: \(allowed)), found \"\(value)\"")
        }
        // A path relative to site.url: no scheme, no host, no query; only URL-safe characters.
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}"), placeholders.contains(String(rest[rest.index(after: open)..<close])) else {
                throw reader.error(key, "unknown placeholder in \"\(value)\"; allowed here: \(allowed)")
            }
            rest = rest[rest.index(after: close)...]
        }
        let literal = value.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
        let safe = literal.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-._~/".unicodeScalars.contains($0)) }
        guard safe, !value.contains("//"), !value.contains(":") else {
            throw reader.error(key, "expected a path relative to site.url using letters, digits, - . _ ~ / and placeholders, such as \"\(fallback)\", found \"\(value)\"")
        }
        return value
    }

    func feeds(_ reader: inout ConfigReader) throws(ConfigurationError) -> (URL, FeedOptions, String?) {
        let directory = resolve(try reader.string("directory", default: "feeds"))
        var formats = Set(FeedFormat.allCases)
        if let names = try reader.strings("formats") {
            formats = []
            for name in names {
                guard let format = FeedFormat(rawValue: name) else {
                    throw reader.error("formats", "unknown format \"\(name)\"; expected some of \"atom\", \"rss\", \"json\"")
                }
                formats.insert(format)
            }
            if formats.isEmpty { throw reader.error("formats", "must name at least one of \"atom\", \"rss\", \"json\"") }
        }
        let limit = try reader.integer("limit", in: 1...10_000, default: 50)
        let byTag = try reader.bool("byTag", default: true)
        let byAuthor = try reader.bool("byAuthor", default: true)
        let contentName = try reader.string("content", default: "full")
        guard let content = PostContent(rawValue: contentName) else {
            throw reader.error("content", "expected \"full\" or \"excerpt\", found \"\(contentName)\"")
        }
        let url = try reader.string("url")
        if let url, !Self.isAbsoluteHTTPURL(url) {
            throw reader.error("url", "expected the absolute URL the feeds folder is served at, found \"\(url)\"")
        }
        try reader.finish()
        return (directory, FeedOptions(formats: formats, limit: limit, byTag: byTag, byAuthor: byAuthor, content: content), url)
    }

    func mail(_ reader: inout ConfigReader) throws(ConfigurationError) -> MailSettings {
        let from = try reader.requiredString("from", hint: "the sender, such as \"Herald <news@example.org>\"")
        try Self.rejectLineBreaks(from, key: "from", in: reader)
        var transportReader = try reader.object("transport")
        let kind = try transportReader.string("kind", default: "maildir")
        let transport: MailSettings.Transport
        switch kind {
        case "maildir":
            transport = .maildir(directory: resolve(try transportReader.string("directory", default: "var/outbox")))
        case "smtp":
            let url = try transportReader.requiredString("url", hint: "such as \"smtp://mail.example.org:587\"")
            // No credentials in the URL (libcurl would use them), no path (it would become the
            // EHLO name): scheme, host and port only.
            if let problem = SMTPSettings.problem(withURL: url) { throw transportReader.error("url", problem) }
            let tlsName = try transportReader.string("tls", default: url.hasPrefix("smtps://") ? "implicit" : "starttls")
            guard let tls = SMTPSettings.TLS(rawValue: tlsName) else {
                throw transportReader.error("tls", "expected \"starttls\", \"implicit\" or \"none\", found \"\(tlsName)\"")
            }
            let username = try transportReader.string("username")
            let passwordFile = try transportReader.string("passwordFile")
            if tls == .none && (username != nil || passwordFile != nil) {
                // Postfix's noplaintext: credentials never travel in clear.
                throw transportReader.error(
                    "tls", "\"none\" sends everything in clear, and credentials are never sent that way; "
                        + "use \"starttls\" or \"implicit\", or remove username and passwordFile for a relay that needs none")
            }
            let smtp = MailSettings.SMTP(
                url: url, tls: tls, username: username,
                passwordFile: passwordFile.map(resolve),
                caFile: try transportReader.string("caFile").map(resolve),
                concurrency: try transportReader.integer("concurrency", in: 1...64, default: 4),
                maxPerSecond: try transportReader.number("maxPerSecond", in: 0...100_000, default: 0),
                connectTimeoutSeconds: try transportReader.number("connectTimeout", in: 1...600, default: 15),
                timeoutSeconds: try transportReader.number("timeout", in: 1...3600, default: 120))
            transport = .smtp(smtp)
        default:
            throw transportReader.error("kind", "expected \"maildir\" or \"smtp\", found \"\(kind)\"")
        }
        try transportReader.finish()
        var dkim: MailSettings.DKIM?
        if reader.has("dkim") {
            var dkimReader = try reader.object("dkim")
            dkim = MailSettings.DKIM(
                domain: try dkimReader.requiredString("domain", hint: "the signing domain, such as \"example.org\""),
                selector: try dkimReader.requiredString("selector", hint: "the DNS selector, such as \"herald\""),
                privateKeyFile: try dkimKeyFile(&dkimReader))
            try dkimReader.finish()
        }
        try reader.finish()
        return MailSettings(from: from, transport: transport, dkim: dkim)
    }

    /// `dkim.privateKeyFile`, else systemd's credential `dkim.key` (`LoadCredential=`).
    private func dkimKeyFile(_ reader: inout ConfigReader) throws(ConfigurationError) -> URL {
        if let path = try reader.string("privateKeyFile") {
            guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw reader.error("privateKeyFile", "must not be empty; a PEM private key file")
            }
            return resolve(path)
        }
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            return URL(fileURLWithPath: credentials).appendingPathComponent("dkim.key")
        }
        throw reader.error(
            "privateKeyFile",
            "missing; a PEM private key file (or, under systemd, the credential dkim.key: LoadCredential=dkim.key:/etc/herald/dkim.key)")
    }

    func newsletters(_ readers: [ConfigReader]) throws(ConfigurationError) -> [NewsletterSettings] {
        var seen = Set<String>()
        var result: [NewsletterSettings] = []
        for var reader in readers {
            let id = try reader.requiredString("id", hint: "a short name such as \"weekly\"")
            guard Slug.make(id) == id else {
                throw reader.error("id", "use lowercase letters, digits and '-' only (such as \"\(Slug.make(id))\"), found \"\(id)\"")
            }
            guard seen.insert(id).inserted else { throw reader.error("id", "\"\(id)\" is used by another newsletter") }
            let title = try reader.requiredString("title", hint: "the newsletter's name, used in the subject")
            try Self.rejectLineBreaks(title, key: "title", in: reader)
            var schedule: CronExpression?
            if let text = try reader.string("schedule") {
                do throws(CronExpressionError) {
                    schedule = try CronExpression(text)
                } catch {
                    // The column is within the schedule's text: quote it so it can be counted.
                    throw reader.error("schedule", "\(error) (in \"\(text)\")")
                }
            }
            var timeZone: TimeZone?
            if let zoneName = try reader.string("timeZone") {
                guard let zone = TimeZone(identifier: zoneName) else {
                    throw reader.error("timeZone", "unknown time zone \"\(zoneName)\"; use an IANA name such as \"Europe/Paris\"")
                }
                timeZone = zone
            }
            let tags = try reader.strings("tags") ?? []
            let authors = try reader.strings("authors") ?? []
            let subject = try reader.string("subject")
            let contentName = try reader.string("content", default: "excerpt")
            guard let content = PostContent(rawValue: contentName) else {
                throw reader.error("content", "expected \"excerpt\" or \"full\", found \"\(contentName)\"")
            }
            let maxPosts = try reader.integer("maxPosts", in: 1...1000, default: 50)
            let htmlTemplate = try reader.string("htmlTemplate").map(resolve)
            let textTemplate = try reader.string("textTemplate").map(resolve)
            let catchUpHours = try reader.number("catchUpHours", in: 0...720, default: 24)
            try reader.finish()
            result.append(NewsletterSettings(
                id: id, title: title, schedule: schedule, timeZone: timeZone, tags: tags, authors: authors,
                subject: subject, content: content, maxPosts: maxPosts, htmlTemplate: htmlTemplate, textTemplate: textTemplate,
                catchUp: .seconds(catchUpHours * 3600)))
        }
        return result
    }

    /// `store`: `path` (SQLite), or `url` (`sqlite:PATH` or `postgres://USER@HOST:PORT/DB`) with,
    /// for PostgreSQL, `passwordFile`, `tls`, `caFile`, `poolSize` and `handoverDirectory`.
    func store(_ reader: inout ConfigReader) throws(ConfigurationError) -> StoreSettings {
        let path = try reader.string("path")
        let url = try reader.string("url")
        let postgresKeys = ["passwordFile", "tls", "caFile", "poolSize", "handoverDirectory"]
        guard let url else {
            for key in postgresKeys where reader.has(key) {
                throw reader.error(key, "only for a PostgreSQL store (store.url \"postgres://…\")")
            }
            return .sqlite(resolve(path ?? "var/herald.sqlite"))
        }
        if path != nil {
            throw reader.error("path", "give store.path or store.url, not both")
        }
        var settings: PostgresStoreSettings
        switch StoreSettings.parse(url: url, resolve: resolve) {
        case .success(.sqlite(let file)):
            for key in postgresKeys where reader.has(key) {
                throw reader.error(key, "only for a PostgreSQL store (store.url \"postgres://…\")")
            }
            return .sqlite(file)
        case .success(.postgres(let parsed, _)):
            settings = parsed
        case .failure(let problem):
            throw reader.error("url", problem.description)
        }
        let tls = try reader.string("tls", default: "disable")
        guard let mode = PostgresStoreSettings.TLSMode(rawValue: tls) else {
            throw reader.error("tls", "expected \"disable\" or \"verify-full\", found \"\(tls)\"")
        }
        settings.tls = mode
        settings.caFile = try reader.string("caFile").map(resolve)
        if settings.caFile != nil && mode == .disable { throw reader.error("caFile", "needs store.tls \"verify-full\"") }
        settings.poolSize = try reader.integer("poolSize", in: 1...100, default: 8)
        // Beside config.json by default, like every other path: the daemon and a command run
        // from a shell must find the same folder.
        settings.handoverDirectory = resolve(try reader.string("handoverDirectory", default: "var/handover"))
        return .postgres(settings, passwordFile: try reader.string("passwordFile").map(resolve))
    }

    func http(_ reader: inout ConfigReader) throws(ConfigurationError) -> (HTTPSettings, String?) {
        let text = try reader.string("listen", default: "127.0.0.1:8080")
        let publicURL = try reader.string("publicURL")
        if let publicURL, !Self.isAbsoluteHTTPURL(publicURL) {
            throw reader.error("publicURL", "expected the absolute URL Herald's pages are reached at, such as \"https://example.org/herald/\", found \"\(publicURL)\"")
        }
        let feedMaxAge = try reader.integer("feedMaxAge", in: 0...604_800, default: 300)
        let confirmHours = try reader.integer("confirmHours", in: 1...720, default: 48)
        let subscribePerHour = try reader.integer("subscribePerHour", in: 1...100_000, default: 20)
        let trustProxy = try reader.bool("trustProxy", default: false)
        let adminTokenFile = try reader.string("adminTokenFile").map(resolve)
        try reader.finish()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else {
            throw reader.error("listen", "expected \"HOST:PORT\" such as \"127.0.0.1:8080\", found \"\(text)\"")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw reader.error("listen", "missing host in \"\(text)\"; such as \"127.0.0.1:8080\"") }
        let settings = HTTPSettings(
            listen: HTTPListen(host: host, port: port), feedMaxAge: feedMaxAge, confirmHours: confirmHours,
            subscribePerHour: subscribePerHour, trustProxy: trustProxy, adminTokenFile: adminTokenFile)
        return (settings, publicURL)
    }

    /// Values that end up in mail headers must not carry line breaks or NULs (header injection).
    static func rejectLineBreaks(_ value: String, key: String, in reader: ConfigReader) throws(ConfigurationError) {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\u{0}" }) {
            throw reader.error(key, "must not contain a line break or a NUL character (it becomes a mail header)")
        }
    }

    static func isAbsoluteHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return false
        }
        return scheme == "http" || scheme == "https"
    }

}
