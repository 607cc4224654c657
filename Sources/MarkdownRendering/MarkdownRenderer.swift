import CCmark

/// Renders Markdown (CommonMark + GitHub's extensions, through cmark-gfm) into HTML whose
/// links and images are absolute, and extracts an excerpt.
///
/// Raw HTML written by authors is kept (they are trusted), minus the tags GitHub's
/// `tagfilter` extension disables (`<script>`, `<iframe>`, `<style>`…). Typography is left
/// exactly as typed: no "smart" quotes, which would turn French « » into English ones.
///
/// Thread-safe: each call has its own cmark parser; parsing itself is serialised (cmark-gfm
/// 0.29 shares a global table between parsers, see `CmarkDocument`), rendering is not.
public struct MarkdownRenderer: Sendable {
    /// GitHub's extensions, in the order GitHub applies them.
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    public init() {
        Self.registerExtensions
    }

    /// Registers cmark-gfm's extensions once per process. cmark's registry is a plain global
    /// list: a `static let` makes the first use thread-safe.
    private static let registerExtensions: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()

    /// Renders `markdown`.
    /// - Parameters:
    ///   - markdown: the body.
    ///   - excerptMarkdown: the Markdown before a `<!--more-->` marker, if any; otherwise the
    ///     excerpt is the first paragraph.
    ///   - baseURL: absolute URL that relative links and images resolve against (the post's
    ///     own URL); `nil` leaves them as they are.
    ///   - includeExcerptHTML: whether to render the excerpt as HTML too (it is left empty otherwise;
    ///     the plain-text excerpt is always made).
    public func render(
        _ markdown: String, excerptMarkdown: String? = nil, baseURL: String? = nil, excerptHTML includeExcerptHTML: Bool = true
    ) -> RenderedMarkdown {
        render(
            markdown, excerptMarkdown: excerptMarkdown, resolver: baseURL.flatMap(URLResolver.init(base:)),
            excerptHTML: includeExcerptHTML)
    }

    /// Renders `markdown`, resolving relative references with `resolver` (for callers that
    /// resolve other URLs of the post with the same resolver).
    public func render(
        _ markdown: String, excerptMarkdown: String? = nil, resolver: URLResolver?, excerptHTML includeExcerptHTML: Bool = true
    ) -> RenderedMarkdown {
        let document = CmarkDocument(markdown, options: Self.options)
        document.rewriteURLs(with: resolver)
        let html = document.html()
        let excerptHTML: String
        let excerptText: String
        if let excerptMarkdown {
            let excerpt = CmarkDocument(excerptMarkdown, options: Self.options)
            excerpt.rewriteURLs(with: resolver)
            excerptHTML = includeExcerptHTML ? excerpt.html() : ""
            excerptText = excerpt.plainText()
        } else if let paragraph = document.firstParagraph() {
            excerptHTML = includeExcerptHTML ? document.html(of: paragraph) : ""
            excerptText = document.plainText(of: paragraph)
        } else {
            excerptHTML = ""
            excerptText = ""
        }
        return RenderedMarkdown(
            html: html, excerptHTML: excerptHTML, excerptText: Self.collapsingWhitespace(excerptText))
    }

    static let options: Int32 = herald_cmark_opt_unsafe | herald_cmark_opt_github_pre_lang | herald_cmark_opt_footnotes

    /// One line of text: runs of white space (but no-break spaces, which are typography)
    /// become one space.
    static func collapsingWhitespace(_ text: String) -> String {
        PlainText.oneLine(text) { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
    }
}

/// Small transformations of plain text that leaves Herald (summaries, subjects).
public enum PlainText {
    /// `text` on one line: each run of scalars for which `isBreak` holds becomes one space, and
    /// none is left at either end.
    public static func oneLine(_ text: String, breakingAt isBreak: (Unicode.Scalar) -> Bool) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isBreak(scalar) {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }
}

/// What `MarkdownRenderer.render` produces for one post.
public struct RenderedMarkdown: Sendable, Hashable {
    /// The whole body as HTML.
    public var html: String
    /// The excerpt (text before `<!--more-->`, else the first paragraph) as HTML.
    public var excerptHTML: String
    /// The same excerpt as one line of plain text.
    public var excerptText: String

    public init(html: String, excerptHTML: String, excerptText: String) {
        self.html = html
        self.excerptHTML = excerptHTML
        self.excerptText = excerptText
    }
}
