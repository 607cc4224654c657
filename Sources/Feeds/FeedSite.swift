import Foundation
import Posts

/// What feeds need to know about the site: its identity, where its pages and feeds live, and
/// which time zone its dates are written in.
public struct FeedSite: Sendable {
    public var title: String
    public var description: String?
    /// BCP 47 language of the posts (`fr`).
    public var language: String
    /// The author of posts that name none, and of the site feed.
    public var author: Author
    /// Posts' URLs and entry ids.
    public var permalinks: Permalinks
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
        self.title = title
        self.description = description
        self.permalinks = Permalinks(siteURL: url, timeZone: timeZone, postPattern: permalink)
        self.language = language
        self.author = author
        self.feedsURL = feedsURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? permalinks.siteURL + "feeds/"
        self.tagPermalink = tagPermalink
        self.authorPermalink = authorPermalink
    }

    /// The site's home page, absolute, ending with `/`.
    public var url: String { permalinks.siteURL }
    /// The host part of `url`.
    public var host: String { permalinks.host }
    public var timeZone: TimeZone { permalinks.timeZone }
}
