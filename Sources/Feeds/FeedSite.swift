import CivilCalendar
import Foundation
import Posts

/// What feeds need to know about the site: its identity, where its pages and feeds live, and
/// which time zone its dates are written in.
public struct FeedSite: Sendable {
    public var title: String
    public var description: String?
    /// The site's home page, absolute, ending with `/`.
    public var url: String
    /// BCP 47 language of the posts (`fr`).
    public var language: String
    public var timeZone: TimeZone
    /// The author of posts that name none, and of the site feed.
    public var author: Author
    /// A post's URL relative to `url`, with `{slug}`, `{year}`, `{month}`, `{day}` placeholders.
    public var permalink: String
    /// Where the `feeds/` folder is served, absolute, ending with `/`.
    public var feedsURL: String
    /// A tag's page relative to `url`, with a `{slug}` placeholder.
    public var tagPermalink: String
    /// An author's page relative to `url`, with a `{slug}` placeholder.
    public var authorPermalink: String

    public init(
        title: String, description: String? = nil, url: String, language: String, timeZone: TimeZone,
        author: Author, permalink: String = "posts/{slug}/", feedsURL: String? = nil,
        tagPermalink: String = "tags/{slug}/", authorPermalink: String = "authors/{slug}/"
    ) {
        let base = url.hasSuffix("/") ? url : url + "/"
        self.title = title
        self.description = description
        self.url = base
        self.urlHost = URL(string: base)?.host ?? "localhost"
        self.language = language
        self.timeZone = timeZone
        self.author = author
        self.permalink = permalink
        self.feedsURL = feedsURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? base + "feeds/"
        self.tagPermalink = tagPermalink
        self.authorPermalink = authorPermalink
    }

    /// The host part of `url`, for `tag:` ids (parsed once: ids are made for every post).
    public var host: String { urlHost }

    private var urlHost: String

    /// The absolute URL of `post`, from the permalink pattern.
    public func url(of post: Post) -> String {
        let civil = CivilTime(post.date, offsetSeconds: timeZone.secondsFromGMT(for: post.date))
        var path = permalink
        path = path.replacingOccurrences(of: "{slug}", with: post.slug)
        path = path.replacingOccurrences(of: "{year}", with: String(civil.year))
        path = path.replacingOccurrences(of: "{month}", with: FeedDates.twoDigits(civil.month))
        path = path.replacingOccurrences(of: "{day}", with: FeedDates.twoDigits(civil.day))
        return url + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
    }

    func pageURL(_ pattern: String, slug: String) -> String {
        let path = pattern.replacingOccurrences(of: "{slug}", with: slug)
        return url + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
    }

    /// The entry id of `post`: its front matter `id`, else a `tag:` URI (RFC 4151) from the
    /// site's host, the day of first publication and the slug, which no edit changes.
    public func entryID(of post: Post) -> String {
        if let id = post.explicitID { return id }
        let civil = CivilTime(post.date, offsetSeconds: timeZone.secondsFromGMT(for: post.date))
        return "tag:\(host),\(civil.year)-\(FeedDates.twoDigits(civil.month))-\(FeedDates.twoDigits(civil.day)):\(post.slug)"
    }
}
