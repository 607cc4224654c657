import CivilCalendar
import Foundation

/// Where a site's posts live on the web, and the ids that name them for good: what feeds and
/// digests both need to link to a post.
///
/// `{slug}`, `{year}`, `{month}` and `{day}` in a pattern are replaced by the post's slug and by
/// its first publication date in the site's time zone.
public struct Permalinks: Sendable, Hashable {
    /// The site's home page, absolute, ending with `/`.
    public private(set) var siteURL: String
    /// The host part of `siteURL`, for `tag:` ids (parsed once: ids are made for every post).
    public private(set) var host: String
    /// Dates in URLs and ids are days in this zone.
    public var timeZone: TimeZone
    /// A post's URL relative to `siteURL` (`posts/{slug}/`).
    public var postPattern: String

    public init(siteURL: String, timeZone: TimeZone, postPattern: String = "posts/{slug}/") {
        let base = siteURL.hasSuffix("/") ? siteURL : siteURL + "/"
        self.siteURL = base
        // RFC 4151 wants the authority of a tag: URI in lowercase.
        self.host = URL(string: base)?.host?.lowercased() ?? "localhost"
        self.timeZone = timeZone
        self.postPattern = postPattern
    }

    /// The absolute URL of `post`.
    public func url(of post: Post) -> String {
        var civil: CivilTime?
        func date() -> CivilTime {
            if let civil { return civil }
            let day = day(of: post)
            civil = day
            return day
        }
        return absolute(Self.expand(postPattern) { name in
            switch name {
            case "slug": post.slug
            case "year": String(date().year)
            case "month": Self.twoDigits(date().month)
            case "day": Self.twoDigits(date().day)
            default: nil
            }
        })
    }

    /// The absolute URL of a page named by `slug` (a tag's or an author's) under `pattern`.
    public func page(_ pattern: String, slug: String) -> String {
        absolute(Self.expand(pattern) { $0 == "slug" ? slug : nil })
    }

    /// `pattern` with each `{name}` that `value` knows replaced, in one pass over its bytes
    /// (Foundation's `replacingOccurrences`, four times per post, was a tenth of a feed
    /// build's main thread); anything else, unknown names included, stays as written.
    static func expand(_ pattern: String, _ value: (Substring) -> String?) -> String {
        var result = ""
        result.reserveCapacity(pattern.utf8.count + 32)
        var rest = pattern[...]
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")) {
            let afterOpen = rest.utf8.index(after: open)
            guard let close = rest.utf8[afterOpen...].firstIndex(of: UInt8(ascii: "}")) else { break }
            guard let replacement = value(rest[afterOpen..<close]) else {
                // Not a name: keep the brace, look for one after it (`{a{slug}`).
                result += rest[..<afterOpen]
                rest = rest[afterOpen...]
                continue
            }
            result += rest[..<open]
            result += replacement
            rest = rest[rest.utf8.index(after: close)...]
        }
        result += rest
        return result
    }

    /// The entry id of `post`: its front matter `id`, else a `tag:` URI (RFC 4151) from the
    /// site's host, the day of first publication and the slug, which no edit changes.
    public func entryID(of post: Post) -> String {
        if let id = post.explicitID { return id }
        let civil = day(of: post)
        return "tag:\(host),\(civil.year)-\(Self.twoDigits(civil.month))-\(Self.twoDigits(civil.day)):\(post.slug)"
    }

    /// The prefix every generated entry id of this site starts with.
    public var generatedEntryIDPrefix: String { "tag:\(host)," }

    private func day(of post: Post) -> CivilTime {
        CivilTime(post.date, offsetSeconds: timeZone.secondsFromGMT(for: post.date))
    }

    private func absolute(_ path: String) -> String {
        siteURL + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
