import Foundation
import Posts

/// One feed (the site's, a tag's or an author's) before it is written in any format.
public struct FeedDocument: Sendable, Hashable {
    /// Which posts a feed selects.
    public enum Scope: Sendable, Hashable {
        case site
        case tag(slug: String, name: String)
        case author(slug: String, name: String)
    }

    public var scope: Scope
    /// The feed folder relative to the `feeds/` directory: `""`, `tags/<slug>` or `authors/<slug>`.
    public var directory: String
    public var title: String
    public var subtitle: String?
    /// The page this feed mirrors (home, tag page, author page).
    public var homePageURL: String
    /// Absolute URL of the folder the feed files are served from, ending with `/`.
    public var feedBaseURL: String
    /// A permanent id for the feed itself.
    public var id: String
    /// From the content (the newest change among the entries), never from the clock.
    public var updated: Date
    public var language: String
    public var author: Author
    /// Newest first, at most `FeedOptions.limit`.
    public var entries: [FeedEntry]

    /// The absolute URL the file of `format` is served at.
    public func url(of format: FeedFormat) -> String { feedBaseURL + format.fileName }

    /// The path of the file of `format`, relative to the `feeds/` directory.
    public func path(of format: FeedFormat) -> String {
        directory.isEmpty ? format.fileName : directory + "/" + format.fileName
    }
}

extension FeedDocument {
    /// About how many bytes one file of this feed takes: its entries' escaped HTML and a little
    /// for everything else (enough to size buffers and bound the memory of publishing).
    var expectedSize: Int {
        entries.reduce(4096) { $0 + $1.escapedContentHTML.count + $1.summary.utf8.count + 1024 }
    }
}
