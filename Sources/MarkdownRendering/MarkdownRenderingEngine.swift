import XMLWriting

/// Something that renders a post's Markdown: `MarkdownRenderer` in the calling process, or
/// `MarkdownWorkers` in child processes under a time budget.
public protocol MarkdownRenderingEngine: Sendable {
    /// The body as HTML with absolute links and no active content, and its excerpt.
    func render(_ source: MarkdownSource) throws(MarkdownRenderingError) -> RenderedMarkdown
}

/// Why a post's Markdown could not be rendered. The post is left out of every output; the
/// description is the message of the diagnostic that names it.
public enum MarkdownRenderingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// cmark-gfm failed (no parser, no document): out of memory, or a broken installation.
    case cmark(String)
    /// The HTML could not be sanitised.
    case sanitizer(HTMLSanitizerError)

    public var description: String {
        switch self {
        case .cmark(let reason): return "cannot render the Markdown: \(reason)"
        case .sanitizer(let error): return "cannot sanitise the HTML: \(error)"
        }
    }
}

/// A post whose Markdown could not be rendered, named as the caller knows it (its path).
public struct RenderingFailure: Sendable, Hashable {
    public var name: String
    public var error: MarkdownRenderingError

    public init(name: String, error: MarkdownRenderingError) {
        self.name = name
        self.error = error
    }
}
