import MarkdownRendering
import Posts

/// Turns the posts a digest carries into `DigestItem`s: absolute URLs, HTML rendered for mail
/// (the excerpt or the whole post), a plain-text summary.
public struct DigestItems: Sendable {
    public var permalinks: Permalinks
    /// Stands in for posts that name no author.
    public var siteAuthor: Author
    public var content: PostContent
    /// Renders the posts' Markdown (`MarkdownWorkers` bounds the time one post may take).
    public var renderer: any MarkdownRenderingEngine

    public init(permalinks: Permalinks, siteAuthor: Author, content: PostContent, renderer: any MarkdownRenderingEngine) {
        self.permalinks = permalinks
        self.siteAuthor = siteAuthor
        self.content = content
        self.renderer = renderer
    }

    /// One item per post, in the order given, but for the posts whose Markdown could not be
    /// rendered: those are left out and named (by path) in `rejected`.
    public func make(_ posts: [Post]) -> (items: [DigestItem], rejected: [RenderingFailure]) {
        var items: [DigestItem] = []
        var rejected: [RenderingFailure] = []
        let urls = posts.map(permalinks.url(of:))
        let renderings = renderer.render(zip(posts, urls).map { post, url in
            MarkdownSource(post.body, excerpt: post.excerptMarkdown, baseURL: url, wantsExcerptHTML: content == .excerpt)
        })
        for ((post, url), rendering) in zip(zip(posts, urls), renderings) {
            let rendered: RenderedMarkdown
            switch rendering {
            case .success(let value): rendered = value
            case .failure(let error):
                rejected.append(RenderingFailure(name: post.path, error: error))
                continue
            }
            items.append(DigestItem(
                title: post.title, url: url, date: post.date, authorName: (post.author ?? siteAuthor).name,
                tags: post.tags, html: content == .full ? rendered.html : rendered.excerptHTML,
                text: post.summary ?? rendered.excerptText))
        }
        return (items, rejected)
    }
}
