internal import CCmark
import XMLWriting

/// Renders Markdown (CommonMark + GitHub's extensions, through cmark-gfm) into HTML whose
/// links and images are absolute and that carries no active content, and extracts an excerpt.
///
/// Raw HTML written by authors is kept (they need embeds), minus the tags GitHub's
/// `tagfilter` extension disables (`<script>`, `<iframe>`, `<style>`…), and then only what
/// `HTMLSanitizer` allows: a document with raw HTML goes through libxml2's HTML parser and an
/// allowlist. A document without (most posts) needs no HTML parser: cmark writes its markup
/// itself and escapes text, and the destinations of links and images are checked on cmark's
/// nodes (`javascript:` and the like are emptied). Typography is left exactly as typed: no
/// "smart" quotes, which would turn French « » into English ones.
///
/// In-process and unbounded in time: cmark-gfm 0.29 is super-linear on some inputs, so
/// untrusted posts go through `MarkdownWorkers`, which runs this renderer in child processes
/// under a time budget. Thread-safe: each call has its own cmark parser; parsing itself is
/// serialised (see `CmarkDocument`), rendering is not.
public struct MarkdownRenderer: MarkdownRenderingEngine {
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

    /// Renders `source`.
    public func render(_ source: MarkdownSource) throws(MarkdownRenderingError) -> RenderedMarkdown {
        let resolver = source.baseURL.flatMap(URLResolver.init(base:))
        var rewrite: HTMLSanitizer.URLRewriter?
        if let resolver { rewrite = { resolver.resolve($0) } }
        let sanitizer = HTMLSanitizer(rewritingURLsWith: rewrite)
        func clean(_ html: String, hasRawHTML: Bool) throws(MarkdownRenderingError) -> String {
            guard hasRawHTML else { return html }
            do throws(HTMLSanitizerError) {
                return try sanitizer.sanitize(html)
            } catch {
                throw .sanitizer(error)
            }
        }
        let body = try Self.renderBody(
            source.body, resolvingWith: resolver, firstParagraph: source.excerpt == nil, paragraphHTML: source.wantsExcerptHTML)
        let excerptHTML: String
        let excerptText: String
        if let excerptMarkdown = source.excerpt {
            let excerpt = try CmarkDocument(excerptMarkdown, options: Self.options)
            let excerptHasRawHTML = try excerpt.prepareLinks(resolvingWith: resolver)
            excerptHTML = source.wantsExcerptHTML ? try clean(excerpt.html(), hasRawHTML: excerptHasRawHTML) : ""
            excerptText = try excerpt.plainText()
        } else if let paragraph = body.firstParagraph {
            excerptHTML = source.wantsExcerptHTML ? try clean(paragraph.html, hasRawHTML: body.hasRawHTML) : ""
            excerptText = paragraph.text
        } else {
            excerptHTML = ""
            excerptText = ""
        }
        let html = try clean(body.html, hasRawHTML: body.hasRawHTML)
        let input = source.body.utf8.count + (source.excerpt?.utf8.count ?? 0) + (source.baseURL?.utf8.count ?? 0)
        let output = html.utf8.count + excerptHTML.utf8.count + excerptText.utf8.count
        let limit = WorkerMessage.replyLimit(forInput: input)
        guard output <= limit else { throw .outputTooLarge(bytes: output, limit: limit) }
        return RenderedMarkdown(html: html, excerptHTML: excerptHTML, excerptText: Self.collapsingWhitespace(excerptText))
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
        // Runs of kept text are copied whole as UTF-8 (appending scalar by scalar to a
        // `UnicodeScalarView` was a third of a renderer's time).
        let scalars = text.unicodeScalars
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var runStart: String.Index?
        func endRun(at end: String.Index) {
            guard let start = runStart else { return }
            if !result.isEmpty { result.append(0x20) }
            result.append(contentsOf: text.utf8[start..<end])
            runStart = nil
        }
        var index = scalars.startIndex
        while index != scalars.endIndex {
            if isBreak(scalars[index]) {
                endRun(at: index)
            } else if runStart == nil {
                runStart = index
            }
            scalars.formIndex(after: &index)
        }
        endRun(at: scalars.endIndex)
        return String(decoding: result, as: UTF8.self)
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
