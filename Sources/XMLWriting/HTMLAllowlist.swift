/// What `HTMLSanitizer` lets through: the elements, attributes and URL schemes of post content
/// that a feed reader or a mail client can show without running anything. Modelled on the
/// defaults of bleach and DOMPurify for user content, plus what cmark-gfm itself writes
/// (tables, task lists, footnotes). The README lists the same tables.
///
/// Everything else is removed: the tags of an element not listed (its text stays), or the whole
/// element with its content for the ones in `removedWithContent`, every attribute not listed
/// (so every `on…` handler and `style`), and every URL whose scheme is not listed.
public enum HTMLAllowlist {
    /// Elements kept with the attributes in `globalAttributes` and `attributes[element]`.
    public static let elements: Set<String> = [
        // Text
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark",
        "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
        // Blocks
        "address", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "summary", "ul",
        // Tables
        "caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        // Media
        "audio", "img", "picture", "source", "track", "video",
        // Task lists (cmark-gfm's `tasklist`): only `type="checkbox"`.
        "input",
    ]

    /// Elements written without an end tag (`<br />`).
    static let voidElements: Set<String> = ["br", "col", "hr", "img", "input", "source", "track", "wbr"]

    /// Elements removed together with everything inside them: scripts and styles, frames and
    /// plug-ins (whose content is a fallback), form fields, the document head, and SVG and
    /// MathML (foreign content with its own scripting and parsing rules).
    ///
    /// Void elements that are not allowed (`embed`, `base`, `meta`, `link`, `param`, `frame`…)
    /// must not be listed here: libxml2 2.9 follows HTML 4, does not know some of them as
    /// empty (`embed`), and would report the rest of the document as their content. Being
    /// void, they are removed whole anyway.
    public static let removedWithContent: Set<String> = [
        "applet", "frameset", "head", "iframe", "math", "noembed", "noframes", "noscript", "object", "plaintext", "script",
        "select", "style", "svg", "template", "textarea", "title", "xmp",
    ]

    /// Attributes allowed on every element kept. The `data-footnote…` ones are cmark-gfm's
    /// footnote markers.
    public static let globalAttributes: Set<String> = [
        "aria-label", "class", "data-footnote-backref", "data-footnote-ref", "data-footnotes", "dir", "id", "lang", "title",
    ]

    /// Attributes allowed on one element only.
    public static let attributes: [String: Set<String>] = [
        "a": ["href", "hreflang", "rel"],
        "audio": ["controls", "loop", "muted", "preload", "src"],
        "blockquote": ["cite"],
        "col": ["span"],
        "colgroup": ["span"],
        "data": ["value"],
        "del": ["cite", "datetime"],
        "details": ["open"],
        "img": ["alt", "height", "src", "width"],
        "input": ["checked", "disabled", "type"],
        "ins": ["cite", "datetime"],
        "li": ["value"],
        "ol": ["reversed", "start", "type"],
        "q": ["cite"],
        "source": ["media", "src", "type"],
        "td": ["align", "colspan", "rowspan"],
        "th": ["align", "colspan", "rowspan", "scope"],
        "time": ["datetime"],
        "track": ["default", "kind", "label", "src", "srclang"],
        "video": ["controls", "height", "loop", "muted", "playsinline", "poster", "preload", "src", "width"],
    ]

    /// Attributes whose value is a URL, checked with `allowsURL(_:asImage:)`.
    public static let urlAttributes: Set<String> = ["cite", "href", "poster", "src"]

    /// URL schemes allowed anywhere; a reference without a scheme (relative) is allowed too.
    public static let schemes: Set<String> = ["ftp", "ftps", "http", "https", "mailto", "sms", "tel", "xmpp"]

    /// Media types allowed in `data:` URLs, only as an image's `src` (never SVG, which can
    /// carry scripts).
    public static let imageDataTypes: Set<String> = ["image/avif", "image/gif", "image/jpeg", "image/png", "image/webp"]

    /// Whether `url` may appear in a link or an embed: a relative reference, a scheme in
    /// `schemes`, or (with `asImage`) a `data:` URL of one of `imageDataTypes`.
    ///
    /// The scheme is read as a browser reads it (WHATWG URL): leading and trailing C0 controls
    /// and spaces are ignored, and so are tabs and line breaks anywhere; to err on the safe
    /// side, every other control character and space is ignored as well, so `java\u{1}script:`
    /// counts as `javascript:`. Letter case does not matter. `url` is the decoded value
    /// (entities already replaced, as an HTML parser and cmark both hand it over).
    public static func allowsURL(_ url: String, asImage: Bool = false) -> Bool {
        var scheme: [UInt8] = []
        var afterColon: String.Index?
        let bytes = url.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            if byte <= 0x20 || byte == 0x7F { continue }
            if byte == UInt8(ascii: ":") {
                afterColon = index
                break
            }
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isSchemeCharacter = isLetter || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            // A first character that cannot start a scheme, or a later one that cannot be in
            // one (`/`, `?`, `#`, `%`…), before any colon: a relative reference.
            guard isSchemeCharacter, isLetter || !scheme.isEmpty else { return true }
            scheme.append(byte | (isLetter ? 0x20 : 0))
        }
        guard let afterColon, !scheme.isEmpty else { return true }
        let name = String(decoding: scheme, as: UTF8.self)
        if schemes.contains(name) { return true }
        guard asImage, name == "data" else { return false }
        // data:[<media type>][;base64],<data>: the media type ends at `;` or `,`.
        let mediaType = bytes[afterColon...].prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") }
        let normalized = String(decoding: mediaType.filter { $0 > 0x20 && $0 != 0x7F }, as: UTF8.self).lowercased()
        return imageDataTypes.contains(normalized)
    }
}
