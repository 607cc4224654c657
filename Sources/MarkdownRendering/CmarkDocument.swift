internal import CCmark
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import XMLWriting

/// One parsed cmark-gfm document. Owns the parser (whose extension list rendering needs) and
/// the node tree, and frees both. Confined to the thread that made it.
final class CmarkDocument {
    private let parser: OpaquePointer
    private let root: OpaquePointer
    private let options: Int32

    /// cmark-gfm 0.29.0.gfm.6 (Debian 12) keeps two tables of "special" inline characters in
    /// process-wide globals (`SPECIAL_CHARS` and `SKIP_CHARS` in inlines.c, the only mutable
    /// globals a parse touches): at the start of the inline pass of every document,
    /// `cmark_manage_extensions_special_characters` switches the extensions' characters on
    /// (`~` for strikethrough, `:` and `w` for autolinks), and at its end switches them off again.
    /// A parse that ends while another is in its inline pass makes that one miss strikethrough,
    /// autolinks and emphasis next to `~`. The switching happens inside `cmark_parser_finish`, so
    /// no one-time warm-up can make it safe: parses in one process are serialised. A process
    /// renders one post at a time where the time a post may take is bounded (`MarkdownWorkers`);
    /// this lock only matters where several threads share `MarkdownRenderer` (tests, tools).
    private static let parseLock = Mutex(())

    convenience init(_ markdown: String, options: Int32) throws(MarkdownRenderingError) {
        var text = markdown
        let parsed = text.withUTF8 { Self.parse($0, options: options) }
        try self.init(parsed, options: options)
    }

    /// Parses `utf8` (a window of a larger text: see `MarkdownRenderer.renderBody`).
    convenience init(utf8: UnsafeBufferPointer<UInt8>, options: Int32) throws(MarkdownRenderingError) {
        try self.init(Self.parse(utf8, options: options), options: options)
    }

    private init(_ parsed: Result<(OpaquePointer, OpaquePointer), MarkdownRenderingError>, options: Int32) throws(MarkdownRenderingError) {
        self.options = options
        switch parsed {
        case .success(let pair): (parser, root) = pair
        case .failure(let error): throw error
        }
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>, options: Int32) -> Result<(OpaquePointer, OpaquePointer), MarkdownRenderingError> {
        // The lock's closure may only capture what can be sent: the text's address and size
        // (the caller's buffer outlives the call, and is only read).
        let address = UInt(bitPattern: utf8.baseAddress)
        let count = utf8.count
        return parseLock.withLock { _ in
            CmarkDocument.parseUnlocked(UnsafeBufferPointer(start: UnsafePointer(bitPattern: address), count: count), options: options)
        }
    }

    private static func parseUnlocked(_ utf8: UnsafeBufferPointer<UInt8>, options: Int32) -> Result<(OpaquePointer, OpaquePointer), MarkdownRenderingError> {
        guard let parser = cmark_parser_new(options) else { return .failure(.cmark("cmark-gfm could not create a parser")) }
        for name in MarkdownRenderer.extensionNames {
            guard let syntaxExtension = cmark_find_syntax_extension(name),
                cmark_parser_attach_syntax_extension(parser, syntaxExtension) != 0
            else {
                cmark_parser_free(parser)
                return .failure(.cmark("cmark-gfm has no '\(name)' extension"))
            }
        }
        utf8.withMemoryRebound(to: CChar.self) { chars in
            cmark_parser_feed(parser, chars.baseAddress, chars.count)
        }
        guard let root = cmark_parser_finish(parser) else {
            cmark_parser_free(parser)
            return .failure(.cmark("cmark-gfm returned no document"))
        }
        return .success((parser, root))
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    func html() throws(MarkdownRenderingError) -> String { try html(of: root) }

    /// The whole document as HTML, as UTF-8 bytes (no `String` to validate and convert).
    func htmlBytes() throws(MarkdownRenderingError) -> [UInt8] {
        guard let pointer = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser)) else {
            throw .cmark("cmark-gfm could not render the document")
        }
        defer { herald_cmark_free(pointer) }
        let bytes = UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self)
        return Array(UnsafeBufferPointer(start: bytes, count: strlen(pointer)))
    }

    /// Frees the last top-level block, which text after this window may still continue, and
    /// returns the line (1-based) it started on; `nil`, and nothing removed, when no block would
    /// be left. The blocks before it are closed: cmark's block parser reads line by line and
    /// closes a block for good before it opens a sibling. Blocks before it that start on that
    /// line or later, or on no line (0), go too: a table that interrupts a paragraph keeps the
    /// paragraph's first line, and the lines before its header become a paragraph with no line.
    func removeLastBlocks() -> Int? {
        guard var last = cmark_node_last_child(root) else { return nil }
        let line = cmark_node_get_start_line(last)
        var removed: [OpaquePointer] = []
        while true {
            removed.append(last)
            guard let previous = cmark_node_previous(last) else { return nil }
            let start = cmark_node_get_start_line(previous)
            if start != 0 && start < line { break }
            last = previous
        }
        for node in removed {
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        return Int(line)
    }

    func html(of node: OpaquePointer) throws(MarkdownRenderingError) -> String {
        try Self.take(cmark_render_html(node, options, cmark_parser_get_syntax_extensions(parser)))
    }

    func plainText() throws(MarkdownRenderingError) -> String { try plainText(of: root) }

    /// The text of `node` and its descendants: text, code and code blocks as written, a line
    /// break between blocks and for every line break, no raw HTML. What cmark's plain-text
    /// renderer gives, without its cost: `cmark_render_plaintext` is quadratic in how deeply
    /// inlines nest (`*a **a ` × 10,000 … took 14 s, the parse 0.3 s).
    func plainText(of node: OpaquePointer) throws(MarkdownRenderingError) -> String {
        guard let iterator = cmark_iter_new(node) else { throw .cmark("cmark-gfm could not walk the document") }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let current = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(current)
            if event == CMARK_EVENT_EXIT {
                if type.rawValue & Self.typeMask == Self.blockType { text += "\n" }
                continue
            }
            switch type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                if let literal = cmark_node_get_literal(current) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += "\n"
            default:
                continue
            }
        }
        return text
    }

    /// `CMARK_NODE_TYPE_MASK` and `CMARK_NODE_TYPE_BLOCK` (macros, which Swift does not import).
    private static let typeMask: UInt32 = 0xC000
    private static let blockType: UInt32 = 0x8000

    func firstParagraph() -> OpaquePointer? {
        var child = cmark_node_first_child(root)
        while let node = child {
            if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH { return node }
            child = cmark_node_next(node)
        }
        return nil
    }

    /// Makes the destination of every link and image absolute, and empties the ones
    /// `HTMLAllowlist.allowsURL` refuses (`javascript:`…), as cmark's own safe mode would:
    /// Herald renders with `CMARK_OPT_UNSAFE` to keep authors' raw HTML, which turns that check
    /// off. Returns whether the document holds raw HTML (which then needs `HTMLSanitizer`).
    func prepareLinks(resolvingWith resolver: URLResolver?) throws(MarkdownRenderingError) -> Bool {
        guard let iterator = cmark_iter_new(root) else { throw .cmark("cmark-gfm could not walk the document") }
        defer { cmark_iter_free(iterator) }
        var hasRawHTML = false
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let node = cmark_iter_get_node(iterator)
            else { continue }
            let type = cmark_node_get_type(node)
            switch type {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                guard let url = cmark_node_get_url(node) else { continue }
                let original = String(cString: url)
                var destination = resolver?.resolve(original) ?? original
                if !HTMLAllowlist.allowsURL(destination, asImage: type == CMARK_NODE_IMAGE) { destination = "" }
                if destination != original, cmark_node_set_url(node, destination) == 0 {
                    throw .cmark("cmark-gfm refused to change the destination of a link")
                }
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                hasRawHTML = true
            default:
                continue
            }
        }
        return hasRawHTML
    }

    private static func take(_ pointer: UnsafeMutablePointer<CChar>?) throws(MarkdownRenderingError) -> String {
        guard let pointer else { throw .cmark("cmark-gfm could not render the document") }
        defer { herald_cmark_free(pointer) }
        return String(cString: pointer)
    }
}
