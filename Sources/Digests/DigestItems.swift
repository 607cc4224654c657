import MarkdownRendering
import Posts

/// Turns the posts a digest carries into `DigestItem`s: absolute URLs, HTML rendered for mail
/// (the excerpt or the whole post), a plain-text summary.
public struct DigestItems: Sendable {
    public var permalinks: Permalinks
    /// Stands in for posts that name no author.
    public var siteAuthor: Author
    public var content: PostContent

    public init(permalinks: Permalinks, siteAuthor: Author, content: PostContent) {
        self.permalinks = permalinks
        self.siteAuthor = siteAuthor
        self.content = content
    }

    /// One item per post, in the order given.
    public func make(_ posts: [Post]) -> [DigestItem] {
        let renderer = MarkdownRenderer()
        return posts.map { post in
            let url = permalinks.url(of: post)
            let rendered = renderer.render(
                post.body, excerptMarkdown: post.excerptMarkdown, baseURL: url, excerptHTML: content == .excerpt)
            return DigestItem(
                title: post.title, url: url, date: post.date, authorName: (post.author ?? siteAuthor).name,
                tags: post.tags, html: content == .full ? rendered.html : rendered.excerptHTML,
                text: post.summary ?? rendered.excerptText)
        }
    }
}
