/// What to render for one post.
public struct MarkdownSource: Sendable, Hashable {
    /// The Markdown body.
    public var body: String
    /// The Markdown before a `<!--more-->` marker, if any; otherwise the excerpt is the body's
    /// first paragraph.
    public var excerpt: String?
    /// Absolute URL that relative links and images resolve against (the post's own URL); `nil`
    /// leaves them as they are.
    public var baseURL: String?
    /// Whether to render the excerpt as HTML too (it is left empty otherwise; the plain-text
    /// excerpt is always made).
    public var wantsExcerptHTML: Bool

    public init(_ body: String, excerpt: String? = nil, baseURL: String? = nil, wantsExcerptHTML: Bool = true) {
        self.body = body
        self.excerpt = excerpt
        self.baseURL = baseURL
        self.wantsExcerptHTML = wantsExcerptHTML
    }
}
