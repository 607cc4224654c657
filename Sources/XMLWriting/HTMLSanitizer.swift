internal import CLibXML2

/// Removes active content from an HTML fragment (a post's body) before it leaves Herald in a
/// feed or a message, keeping only what `HTMLAllowlist` lists.
///
/// The fragment is read with libxml2's HTML parser, the one browsers' rules were long tested
/// against, in push mode with SAX callbacks (no tree is built, so memory stays near the size of
/// the output), with `HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING`: no network,
/// no external entities, no error output. The parser decodes entities, lowercases names, closes
/// what the author left open and tells apart what a browser would; the sanitiser then writes a
/// new fragment from those events alone: allowed start and end tags, allowed attributes with
/// their values escaped (`&`, `<`, `>`, `"`), and text escaped the same way. Nothing the author
/// wrote is copied through as markup, so no spelling of `<script>` or `onload=` can survive.
/// Comments, CDATA sections, processing instructions and doctypes are dropped.
///
/// Characters are kept as they are (UTF-8, no entities for non-ASCII), so « », ’, œ and
/// no-break spaces come out byte for byte; `&nbsp;` written by the author comes out as the
/// U+00A0 it stands for.
///
/// Linear in practice, but libxml2 2.9 checks duplicate attributes of one tag in quadratic
/// time: callers that take untrusted input bound the time it may take (see MarkdownRendering).
public struct HTMLSanitizer: Sendable {
    /// Applied to every URL attribute before it is checked (e.g. making it absolute).
    public typealias URLRewriter = @Sendable (String) -> String

    private let rewriteURL: URLRewriter?

    /// - Parameter rewriteURL: applied to the decoded value of every `href`, `src`, `poster` and
    ///   `cite` before `HTMLAllowlist.allowsURL` checks it.
    public init(rewritingURLsWith rewriteURL: URLRewriter? = nil) {
        self.rewriteURL = rewriteURL
    }

    /// Bytes handed to the parser at a time.
    static let chunkSize = 64 * 1024

    /// `html` with only allowed elements, attributes and URLs.
    public func sanitize(_ html: String) throws(HTMLSanitizerError) -> String {
        XMLLibrary.ensureInitialized
        let output = SanitizedOutput(rewriteURL: rewriteURL, capacity: html.utf8.count)
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let context, let name else { return }
            SanitizedOutput.from(context).startElement(name, attributes)
        }
        handler.endElement = { context, _ in
            guard let context else { return }
            SanitizedOutput.from(context).endElement()
        }
        handler.characters = { context, characters, length in
            guard let context, let characters else { return }
            SanitizedOutput.from(context).text(characters, Int(length))
        }
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        // comment, processingInstruction, internalSubset, reference… stay NULL: dropped.

        let stopped: Bool = withExtendedLifetime(output) {
            let context = Unmanaged.passUnretained(output).toOpaque()
            // The handler is copied into the parser's context.
            guard let parser = htmlCreatePushParserCtxt(&handler, context, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else {
                return true
            }
            defer { htmlFreeParserCtxt(parser) }
            let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NODEFDTD.rawValue
            _ = htmlCtxtUseOptions(parser, Int32(options))
            // Without an open element, libxml2 wraps leading text in an implied <p>; inside an
            // explicit <body> (which is not written out) text stays where it is.
            _ = htmlParseChunk(parser, "<body>", 6, 0)
            var text = html
            text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    var start = 0
                    while start < chars.count, parser.pointee.disableSAX == 0 {
                        let count = min(Self.chunkSize, chars.count - start)
                        _ = htmlParseChunk(parser, chars.baseAddress! + start, Int32(count), 0)
                        start += count
                    }
                }
            }
            _ = htmlParseChunk(parser, nil, 0, 1)
            return parser.pointee.disableSAX != 0
        }
        if stopped { throw .parserStopped }
        return output.finish()
    }
}

/// Why a fragment could not be sanitised; nothing of it should be published.
public enum HTMLSanitizerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libxml2 could not allocate its parser, or gave up on the input part way.
    case parserStopped

    public var description: String {
        switch self {
        case .parserStopped: return "libxml2's HTML parser stopped before the end of the post's HTML"
        }
    }
}

/// The fragment being written, fed by the SAX callbacks of one `sanitize` call (one thread).
private final class SanitizedOutput {
    /// What to do at the end of each element libxml2 opened.
    enum Close {
        case endTag([UInt8])
        case nothing
        /// The end of an element removed with its content.
        case endOfRemoved
    }

    private var bytes: [UInt8] = []
    private var closes: [Close] = []
    /// How many elements removed with their content are open; text and tags inside are dropped.
    private var removedDepth = 0
    private let rewriteURL: HTMLSanitizer.URLRewriter?

    init(rewriteURL: HTMLSanitizer.URLRewriter?, capacity: Int) {
        self.rewriteURL = rewriteURL
        bytes.reserveCapacity(capacity + capacity / 16 + 64)
    }

    static func from(_ context: UnsafeMutableRawPointer) -> SanitizedOutput {
        Unmanaged<SanitizedOutput>.fromOpaque(context).takeUnretainedValue()
    }

    func startElement(_ cName: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        if removedDepth > 0 {
            closes.append(.nothing)
            return
        }
        let name = String(cString: cName)
        if HTMLAllowlist.removedWithContent.contains(name) {
            removedDepth += 1
            closes.append(.endOfRemoved)
            return
        }
        guard HTMLAllowlist.elements.contains(name) else {
            closes.append(.nothing)
            return
        }
        let pairs = Self.attributePairs(attributes)
        if name == "input", pairs.first(where: { $0.name == "type" })?.value?.lowercased() != "checkbox" {
            closes.append(.nothing)
            return
        }
        let allowed = HTMLAllowlist.attributes[name] ?? []
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        for (attribute, value) in pairs
        where !attribute.hasPrefix("on") && (HTMLAllowlist.globalAttributes.contains(attribute) || allowed.contains(attribute)) {
            var value = value ?? ""
            if HTMLAllowlist.urlAttributes.contains(attribute) {
                if let rewriteURL { value = rewriteURL(value) }
                guard HTMLAllowlist.allowsURL(value, asImage: name == "img" && attribute == "src") else { continue }
            }
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: attribute.utf8)
            bytes.append(contentsOf: "=\"".utf8)
            appendEscaped(value.utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        if HTMLAllowlist.voidElements.contains(name) {
            bytes.append(contentsOf: " />".utf8)
            closes.append(.nothing)
        } else {
            bytes.append(UInt8(ascii: ">"))
            closes.append(.endTag(Array("</\(name)>".utf8)))
        }
    }

    func endElement() {
        guard let close = closes.popLast() else { return }
        switch close {
        case .endTag(let tag): bytes.append(contentsOf: tag)
        case .nothing: break
        case .endOfRemoved: removedDepth -= 1
        }
    }

    func text(_ characters: UnsafePointer<xmlChar>, _ length: Int) {
        guard removedDepth == 0 else { return }
        appendEscaped(UnsafeBufferPointer(start: characters, count: length))
    }

    /// The fragment, with anything libxml2 left open closed.
    func finish() -> String {
        while !closes.isEmpty { endElement() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `&`, `<`, `>` and `"` as entities (as cmark writes text), every other byte as it is.
    private func appendEscaped(_ source: some Sequence<UInt8>) {
        HTMLEscaping.append(source, quotes: .double, to: &bytes)
    }

    /// libxml2's NULL-terminated `name, value, name, value…` array; a value is NULL for an
    /// attribute written without one (`<input disabled>`).
    private static func attributePairs(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> [(name: String, value: String?)] {
        guard let attributes else { return [] }
        var pairs: [(name: String, value: String?)] = []
        var index = 0
        while let name = attributes[index] {
            pairs.append((String(cString: name), attributes[index + 1].map { String(cString: $0) }))
            index += 2
        }
        return pairs
    }
}
