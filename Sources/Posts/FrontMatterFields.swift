import Foundation
import Yams

/// The front matter keys of one post, read and checked one by one.
struct FrontMatterFields {
    var context: Context
    let firstLine: Int
    let dates: PostDate

    var title: String?
    var sawTitle = false
    var date: Date?
    var sawDate = false
    var updated: Date?
    var author: Author?
    var tags: [String] = []
    var summary: String?
    var draft = false
    var slug: String?
    var id: String?
    var language: String?
    var image: String?

    init(context: Context, firstLine: Int, dates: PostDate) {
        self.context = context
        self.firstLine = firstLine
        self.dates = dates
    }

    /// Every key Herald reads; anything else is a warning (a typo, most of the time).
    static let knownKeys: Set<String> = [
        "title", "date", "updated", "author", "tags", "summary", "draft", "slug", "id", "lang", "image",
    ]

    mutating func read(_ mapping: Node.Mapping) {
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                context.warning(at: keyNode, firstLine, "front matter key is not a string; it is ignored")
                continue
            }
            switch key {
            case "title":
                sawTitle = true
                title = requiredText(value, key: key)
            case "date":
                sawDate = true
                date = instant(value, key: key)
            case "updated": updated = instant(value, key: key)
            case "author": author = readAuthor(value)
            case "tags": tags = readTags(value)
            case "summary": summary = optionalText(value, key: key)
            case "draft": draft = flag(value, key: key)
            case "slug":
                if let text = optionalText(value, key: key) {
                    let made = Slug.make(text)
                    if made.isEmpty {
                        context.error(at: value, firstLine, "slug: '\(text)' has no letter or digit")
                    } else {
                        slug = made
                    }
                }
            case "id":
                if let text = optionalText(value, key: key) {
                    if Self.isAbsoluteIRI(text) {
                        id = text
                    } else {
                        context.error(
                            at: value, firstLine,
                            "id: '\(text)' is not an absolute IRI; use a tag: URI such as 'tag:example.org,2026-01-31:my-post'")
                    }
                }
            case "lang":
                if let text = optionalText(value, key: key) {
                    if LanguageTag.isValid(text) {
                        language = text
                    } else {
                        context.error(at: value, firstLine, "lang: '\(text)' is not a language tag such as 'fr' or 'fr-CA'")
                    }
                }
            case "image": image = webReference(value, key: key)
            default:
                context.warning(
                    at: keyNode, firstLine,
                    "unknown front matter key '\(key)' is ignored (known keys: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
        if let updated, let date, updated < date {
            context.warning(firstLine, 1, "'updated' is before 'date'; the post's date is used instead")
            self.updated = nil
        }
    }

    // MARK: - Value readers

    private mutating func scalarString(_ node: Node, key: String) -> String? {
        if node.null != nil {
            context.error(at: node, firstLine, "\(key): must not be empty (found a YAML null)")
            return nil
        }
        guard case .scalar(let scalar) = node else {
            context.error(at: node, firstLine, "\(key): expected text, found a \(Self.kind(of: node))")
            return nil
        }
        return scalar.string
    }

    private mutating func requiredText(_ node: Node, key: String) -> String? {
        guard let raw = scalarString(node, key: key) else { return nil }
        let cleaned = cleanInlineText(raw, node: node, key: key)
        if cleaned.isEmpty {
            context.error(at: node, firstLine, "\(key): must not be empty")
            return nil
        }
        return cleaned
    }

    private mutating func optionalText(_ node: Node, key: String) -> String? {
        if node.null != nil { return nil }
        guard let raw = scalarString(node, key: key) else { return nil }
        let cleaned = cleanInlineText(raw, node: node, key: key)
        return cleaned.isEmpty ? nil : cleaned
    }

    /// One-line text: line breaks and tabs become spaces, other control characters are dropped
    /// (with a warning), surrounding white space is trimmed. No-break spaces are kept as typed.
    private mutating func cleanInlineText(_ raw: String, node: Node, key: String) -> String {
        if Self.isCleanInlineText(raw) { return raw }
        var removed = false
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: scalars.append(" ")
            case 0x00...0x1F, 0x7F, 0x80...0x9F, 0xFFFE, 0xFFFF:
                removed = true
            default: scalars.append(scalar)
            }
        }
        if removed {
            context.warning(at: node, firstLine, "\(key): control characters removed")
        }
        return String(scalars).trimmingCharacters(in: .whitespaces)
    }

    /// A URL that will be made absolute against the post's: an http(s) URL or a relative
    /// reference. Other schemes (`javascript:`, `data:`) are dropped with a warning.
    private mutating func webReference(_ node: Node, key: String) -> String? {
        guard let text = optionalText(node, key: key) else { return nil }
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/"), !text[..<colon].contains("?"),
            !text[..<colon].contains("#")
        {
            let scheme = text[..<colon].lowercased()
            guard scheme == "http" || scheme == "https" else {
                context.warning(at: node, firstLine, "\(key): only http(s) URLs and relative paths are allowed, found '\(scheme):'; it is ignored")
                return nil
            }
        }
        return text
    }

    private mutating func instant(_ node: Node, key: String) -> Date? {
        guard let text = scalarString(node, key: key) else { return nil }
        guard let parsed = dates.parse(text) else {
            context.error(
                at: node, firstLine,
                "\(key): cannot read '\(text)' as a date; write YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or add a zone such as +01:00")
            return nil
        }
        return parsed
    }

    private mutating func flag(_ node: Node, key: String) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        context.error(at: node, firstLine, "\(key): expected true or false")
        return false
    }

    private mutating func readAuthor(_ node: Node) -> Author? {
        if case .mapping(let mapping) = node {
            var name: String?
            var email: String?
            var uri: String?
            for (keyNode, value) in mapping {
                switch keyNode.string {
                case "name": name = optionalText(value, key: "author.name")
                case "email":
                    email = optionalText(value, key: "author.email")
                    if let address = email, !Author.isPlausibleEmail(address) {
                        context.warning(at: value, firstLine, "author.email: '\(address)' is not an e-mail address; it is ignored")
                        email = nil
                    }
                case "uri", "url": uri = webReference(value, key: "author.uri")
                default:
                    context.warning(at: keyNode, firstLine, "unknown key 'author.\(keyNode.string ?? "?")' is ignored")
                }
            }
            guard let name else {
                context.error(at: node, firstLine, "author: a mapping needs 'name'")
                return nil
            }
            return Author(name: name, email: email, uri: uri)
        }
        return optionalText(node, key: "author").map { Author(name: $0) }
    }

    private mutating func readTags(_ node: Node) -> [String] {
        var items: [(String, Node)] = []
        switch node {
        case .scalar:
            if let text = optionalText(node, key: "tags") { items.append((text, node)) }
        case .sequence(let sequence):
            for element in sequence {
                if let text = optionalText(element, key: "tags") { items.append((text, element)) }
            }
        default:
            context.error(at: node, firstLine, "tags: expected a list such as [Culture, Fête] or one tag")
        }
        var seen = Set<String>()
        var tags: [String] = []
        for (tag, element) in items {
            let slug = Slug.make(tag)
            if slug.isEmpty {
                context.warning(at: element, firstLine, "tags: '\(tag)' has no letter or digit; it is ignored")
            } else if seen.insert(slug).inserted {
                tags.append(tag)
            }
        }
        return tags
    }

    // MARK: - Checks


    /// The common case, checked on bytes: no control character, no DEL, no C1 control, no
    /// U+FFFE/U+FFFF, and no ASCII white space at either end.
    static func isCleanInlineText(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20 else { return false }
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return false }
            if beforePrevious == 0xEF && previous == 0xBF && byte >= 0xBE { return false }
            beforePrevious = previous
            previous = byte
        }
        return true
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar: return "scalar"
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .alias: return "alias"
        }
    }

    /// `scheme:rest`, with an RFC 3986 scheme and no white space.
    static func isAbsoluteIRI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
            text.index(after: colon) != text.endIndex
        else { return false }
        let scheme = text[..<colon].utf8
        guard let first = scheme.first, (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) else {
            return false
        }
        let schemeOK = scheme.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2B || byte == 0x2D || byte == 0x2E
        }
        return schemeOK && !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
    }
}
