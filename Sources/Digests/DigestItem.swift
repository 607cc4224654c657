import Foundation

/// One post as a digest shows it: everything resolved (absolute URL, rendered HTML).
public struct DigestItem: Sendable, Hashable, Codable {
    public var title: String
    /// Absolute URL of the post.
    public var url: String
    public var date: Date
    public var authorName: String
    public var tags: [String]
    /// HTML with absolute links: the excerpt or the whole post, per the newsletter.
    public var html: String
    /// The same as one paragraph of plain text (the summary or the excerpt).
    public var text: String

    public init(title: String, url: String, date: Date, authorName: String, tags: [String], html: String, text: String) {
        self.title = title
        self.url = url
        self.date = date
        self.authorName = authorName
        self.tags = tags
        self.html = html
        self.text = text
    }
}
