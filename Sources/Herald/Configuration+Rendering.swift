import MarkdownRendering

extension Configuration {
    /// What renders the posts' Markdown for this configuration, for feeds, digests and checks alike.
    public func markdownRenderer() -> any MarkdownRenderingEngine {
        MarkdownRenderer()
    }
}
