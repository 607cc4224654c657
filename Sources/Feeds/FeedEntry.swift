import Foundation
import Posts
import XMLWriting

/// One post as every feed format sees it: ids and URLs resolved, Markdown rendered.
public struct FeedEntry: Sendable, Hashable {
    /// Never changes when the post is edited (see `FeedSite.entryID(of:)`).
    public var id: String
    public var url: String
    public var title: String
    public var published: Date
    public var updated: Date
    public var author: Author
    public var tags: [String]
    /// HTML with absolute links: the whole post or its excerpt, per `FeedOptions.content`.
    public var contentHTML: String
    /// `contentHTML` escaped once for XML, shared by every Atom and RSS feed that lists the post.
    public var escapedContentHTML: XMLEscapedText
    /// One line of plain text.
    public var summary: String
    /// Absolute URL of the post's image, if it has one.
    public var image: String?
    /// The post's language when it differs from the site's.
    public var language: String?
}
