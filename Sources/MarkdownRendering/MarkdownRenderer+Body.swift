/// A post's body rendered a window of text at a time, so that one cmark tree never holds more
/// than a window of it.
///
/// Why. cmark-gfm's tree is large next to the text: a node is about 170 bytes, and prose with
/// emphasis and links makes one every twenty bytes or so. A 10 MB post made a 110 MB tree, 11x
/// its size, and the renderer's peak was that tree plus the text and the HTML. Rendered in
/// windows of `windowSize`, the tree is a few megabytes whatever the size of the post.
///
/// How, and why it gives the HTML of one parse. The window is parsed on its own; the last of
/// its top-level blocks may go on past the window (a paragraph, a list, a fenced block cut in
/// two), so it is removed (with the paragraph a table split off, see
/// `CmarkDocument.removeLastBlocks`), and the next window starts at the line where it started.
/// Every other top-level block was closed by cmark's block parser, which reads line by line and
/// closes a block before it opens a sibling, so text after the window cannot change it; and the
/// HTML of a document is that of its top-level blocks one after the other. A window with one
/// top-level block is parsed again twice as large (a huge list or code block ends as one parse).
/// What the whole document shares cannot be windowed: link reference definitions and footnotes
/// (`[label]: …`, `[^note]: …`, each with a `]:`), so a body with `]:` anywhere is parsed in one
/// piece; nor may a window start on a byte order mark, which cmark skips at the start of a
/// document only.
extension MarkdownRenderer {
    /// Bytes of Markdown per window (more for a window that ends in its first block).
    static let windowSize = 256 * 1024

    /// The body's HTML and what the excerpt needs from it.
    struct RenderedBody {
        /// Not yet sanitised.
        var html: String
        /// Whether any window held raw HTML.
        var hasRawHTML: Bool
        /// The first top-level paragraph's HTML (when asked for) and text, when `firstParagraph`.
        var firstParagraph: (html: String, text: String)?
    }

    /// Renders `body` window by window; `windowSize` is a parameter for tests.
    static func renderBody(
        _ body: String, resolvingWith resolver: URLResolver?, firstParagraph: Bool, paragraphHTML: Bool,
        windowSize: Int = MarkdownRenderer.windowSize
    ) throws(MarkdownRenderingError) -> RenderedBody {
        var text = body
        return try text.withUTF8 { all in
            Result { () throws(MarkdownRenderingError) in
                try renderWindows(of: all, resolvingWith: resolver, firstParagraph: firstParagraph, paragraphHTML: paragraphHTML, windowSize: windowSize)
            }
        }.get()
    }

    private static func renderWindows(
        of all: UnsafeBufferPointer<UInt8>, resolvingWith resolver: URLResolver?, firstParagraph wantsParagraph: Bool,
        paragraphHTML: Bool, windowSize: Int
    ) throws(MarkdownRenderingError) -> RenderedBody {
        let windowed = !all.containsReferenceDefinitionMark
        var chunks: [[UInt8]] = []
        var hasRawHTML = false
        var paragraph: (html: String, text: String)?
        var start = 0
        var size = windowSize
        repeat {
            var end = all.count
            if windowed, all.count - start > 2 * size, let cut = all.lineEnd(after: start + size) { end = cut }
            let document = try CmarkDocument(utf8: UnsafeBufferPointer(rebasing: all[start..<end]), options: options)
            var next = end
            if end < all.count {
                guard let line = document.removeLastBlocks(), let offset = all.offset(ofLine: line, from: start),
                    offset > start, !all.hasByteOrderMark(at: offset)
                else {
                    size *= 2
                    continue
                }
                next = offset
            }
            hasRawHTML = try document.prepareLinks(resolvingWith: resolver) || hasRawHTML
            if wantsParagraph, paragraph == nil, let node = document.firstParagraph() {
                paragraph = (paragraphHTML ? try document.html(of: node) : "", try document.plainText(of: node))
            }
            chunks.append(try document.htmlBytes())
            start = next
            size = windowSize
        } while start < all.count
        return RenderedBody(html: String(joining: chunks), hasRawHTML: hasRawHTML, firstParagraph: paragraph)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether `]:` occurs: every link reference or footnote definition has one.
    fileprivate var containsReferenceDefinitionMark: Bool {
        var index = startIndex
        while index + 1 < endIndex {
            if self[index] == UInt8(ascii: "]") && self[index + 1] == UInt8(ascii: ":") { return true }
            index += 1
        }
        return false
    }

    /// The index after the first `\n` at or after `position`.
    fileprivate func lineEnd(after position: Int) -> Int? {
        var index = position
        while index < endIndex {
            if self[index] == UInt8(ascii: "\n") { return index + 1 }
            index += 1
        }
        return nil
    }

    /// Where line `line` (1-based, counted as cmark counts them: `\n`, `\r\n` and `\r` end a
    /// line) starts, counting from `start`.
    fileprivate func offset(ofLine line: Int, from start: Int) -> Int? {
        var index = start
        var current = 1
        while current < line {
            guard index < endIndex else { return nil }
            let byte = self[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                current += 1
            } else if byte == UInt8(ascii: "\r") {
                if index < endIndex && self[index] == UInt8(ascii: "\n") { index += 1 }
                current += 1
            }
        }
        return index
    }

    fileprivate func hasByteOrderMark(at offset: Int) -> Bool {
        offset + 3 <= endIndex && self[offset] == 0xEF && self[offset + 1] == 0xBB && self[offset + 2] == 0xBF
    }
}

extension String {
    /// The UTF-8 `chunks` one after the other, copied once into a string of the exact size.
    fileprivate init(joining chunks: [[UInt8]]) {
        let count = chunks.reduce(0) { $0 + $1.count }
        self.init(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for chunk in chunks {
                _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + chunk.count]).initialize(from: chunk)
                offset += chunk.count
            }
            return count
        }
    }
}
