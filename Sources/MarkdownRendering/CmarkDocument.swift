import CCmark
import Synchronization

/// One parsed cmark-gfm document. Owns the parser (whose extension list rendering needs) and
/// the node tree, and frees both. Confined to the thread that made it.
final class CmarkDocument {
    private let parser: OpaquePointer
    private let root: OpaquePointer
    private let options: Int32

    /// cmark-gfm 0.29.0.gfm.6 (Debian 12) keeps the table of "special" inline characters in a
    /// process-wide global, which every parse switches the extensions' characters on in and
    /// off again at the end of inline parsing (and the table extension does the same per row).
    /// Two parses at once make each other miss strikethrough, autolinks and tables, so parsing
    /// is serialised; rendering the parsed trees to HTML stays parallel.
    private static let parseLock = Mutex(())

    init(_ markdown: String, options: Int32) {
        self.options = options
        (parser, root) = Self.parseLock.withLock { _ in Self.parse(markdown, options: options) }
    }

    private static func parse(_ markdown: String, options: Int32) -> (OpaquePointer, OpaquePointer) {
        let parser: OpaquePointer = cmark_parser_new(options)
        for name in MarkdownRenderer.extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        return (parser, cmark_parser_finish(parser))
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    func html() -> String { html(of: root) }

    func html(of node: OpaquePointer) -> String {
        Self.take(cmark_render_html(node, options, cmark_parser_get_syntax_extensions(parser)))
    }

    func plainText() -> String { plainText(of: root) }

    func plainText(of node: OpaquePointer) -> String {
        Self.take(cmark_render_plaintext(node, options, 0))
    }

    func firstParagraph() -> OpaquePointer? {
        var child = cmark_node_first_child(root)
        while let node = child {
            if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH { return node }
            child = cmark_node_next(node)
        }
        return nil
    }

    /// Makes the destination of every link and image, and the `href`/`src` attributes in raw
    /// HTML, absolute.
    func rewriteURLs(with resolver: URLResolver?) {
        guard let resolver else { return }
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let node = cmark_iter_get_node(iterator)
            else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                guard let url = cmark_node_get_url(node) else { continue }
                let original = String(cString: url)
                let resolved = resolver.resolve(original)
                if resolved != original { cmark_node_set_url(node, resolved) }
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                guard let literal = cmark_node_get_literal(node) else { continue }
                let original = String(cString: literal)
                let rewritten = resolver.resolveAttributes(inHTML: original)
                if rewritten != original { cmark_node_set_literal(node, rewritten) }
            default:
                continue
            }
        }
    }

    private static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { herald_cmark_free(pointer) }
        return String(cString: pointer)
    }
}
