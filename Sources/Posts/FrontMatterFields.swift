import Foundation
import Yams

/// The front matter keys of one post, read and checked one by one.
struct FrontMatterFields {
    var context: Context
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

    init(context: Context, dates: PostDate) {
        self.context = context
        self.dates = dates
    }

    /// Every key Herald reads; anything else is a warning (a typo, most of the time).
    static let knownKeys: Set<String> = [
        "title", "date", "updated", "author", "tags", "summary", "draft", "slug", "id", "lang", "image",
    ]

    mutating func read(_ mapping: Node.Mapping) {
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                context.warning(at: keyNode, "front matter key is not a string; it is ignored")
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
                        context.error(at: value, "slug: \(DiagnosticText.quoted(text)) has no letter or digit")
                    } else {
                        slug = made
                    }
                }
            case "id":
                if let text = optionalText(value, key: key) {
                    if let problem = EntryID.problem(text) {
                        context.error(at: value, "id: \(DiagnosticText.quoted(text)) \(problem)")
                    } else {
                        id = text
                    }
                }
            case "lang":
                if let text = optionalText(value, key: key) {
                    if LanguageTag.isValid(text) {
                        language = text
                    } else {
                        context.error(
                            at: value, "lang: \(DiagnosticText.quoted(text)) is not a BCP 47 language tag such as 'fr' or 'fr-CA'")
                    }
                }
            case "image": image = webReference(value, key: key)
            default:
                context.warning(
                    at: keyNode,
                    "unknown front matter key \(DiagnosticText.quoted(key)) is ignored (known keys: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
        if let updated, let date, updated < date {
            context.warning(context.locator?.firstLine ?? 1, 1, "'updated' is before 'date'; the post's date is used instead")
            self.updated = nil
        }
    }

    // MARK: - Value readers

    private mutating func scalarString(_ node: Node, key: String) -> String? {
        if node.null != nil {
            context.error(at: node, "\(key): must not be empty (found a YAML null)")
            return nil
        }
        guard case .scalar(let scalar) = node else {
            context.error(at: node, "\(key): expected text, found a \(Self.kind(of: node))")
            return nil
        }
        return scalar.string
    }

    private mutating func requiredText(_ node: Node, key: String) -> String? {
        guard let raw = scalarString(node, key: key) else { return nil }
        let cleaned = cleanInlineText(raw, node: node, key: key)
        if cleaned.isEmpty {
            context.error(at: node, "\(key): must not be empty")
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

    /// One-line text: line breaks (U+2028 and U+2029 too) and tabs become spaces, other control
    /// characters are dropped
    /// (with a warning), surrounding white space is trimmed. No-break spaces are kept as typed.
    private mutating func cleanInlineText(_ raw: String, node: Node, key: String) -> String {
        if Self.isCleanInlineText(raw) { return raw }
        var removed = false
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: scalars.append(" ")
            case 0x00...0x1F, 0x7F, 0x80...0x9F, 0xFFFE, 0xFFFF:
                removed = true
            default: scalars.append(scalar)
            }
        }
        if removed {
            context.warning(at: node, "\(key): control characters removed")
        }
        return String(scalars).trimmingCharacters(in: .whitespaces)
    }

    /// A URL that will be made absolute against the post's: an http(s) URL or a relative
    /// reference. Other schemes (`javascript:`, `data:`) are dropped with a warning, and so is a
    /// reference that no percent-encoding can make a URI: a `%` that starts no `%XX` escape, a
    /// second `#`, `[` or `]` outside an IPv6 host, an http(s) URL without a host. Spaces and
    /// non-ASCII characters are fine: they are percent-encoded when written.
    private mutating func webReference(_ node: Node, key: String) -> String? {
        guard let text = optionalText(node, key: key) else { return nil }
        if let problem = Self.webReferenceProblem(text) {
            context.warning(at: node, "\(key): \(DiagnosticText.quoted(text)) \(problem); it is ignored")
            return nil
        }
        return text
    }

    static func webReferenceProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var rest = bytes[...]
        if let length = URISyntax.schemeLength(bytes) {
            let scheme = String(decoding: bytes[..<length], as: UTF8.self).lowercased()
            guard scheme == "http" || scheme == "https" else {
                return "is not an http(s) URL or a relative path (found '\(scheme):')"
            }
            rest = bytes[(length + 1)...]
            guard rest.starts(with: Array("//".utf8)), let host = rest.dropFirst(2).first, host != UInt8(ascii: "/") else {
                return "has no host after \(scheme)://"
            }
            rest = rest.dropFirst(2)
            if host == UInt8(ascii: "["), let close = rest.firstIndex(of: UInt8(ascii: "]")),
                rest[(rest.startIndex + 1)..<close].allSatisfy({ URISyntax.isHexDigit($0) || $0 == UInt8(ascii: ":") })
            {
                rest = rest[(close + 1)...]
            }
        }
        guard URISyntax.hasValidEscapes(rest) else { return "has a '%' that does not start an escape such as %20" }
        guard !rest.contains(UInt8(ascii: "[")), !rest.contains(UInt8(ascii: "]")) else {
            return "has '[' or ']' outside an IPv6 host; write them as %5B and %5D"
        }
        guard rest.count(where: { $0 == UInt8(ascii: "#") }) <= 1 else { return "has more than one '#'" }
        return nil
    }

    private mutating func instant(_ node: Node, key: String) -> Date? {
        guard let text = scalarString(node, key: key) else { return nil }
        switch dates.read(text) {
        case .success(let date):
            return date
        case .failure(.unreadable):
            context.error(
                at: node,
                "\(key): cannot read \(DiagnosticText.quoted(text)) as a date; write YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or add a zone such as +01:00")
        case .failure(.yearOutOfRange):
            context.error(
                at: node,
                "\(key): \(DiagnosticText.quoted(text)) is outside the years 0001–9999 (in UTC or in the site's time zone), which feeds cannot write")
        }
        return nil
    }

    private mutating func flag(_ node: Node, key: String) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        context.error(at: node, "\(key): expected true or false")
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
                        context.warning(
                            at: value,
                            "author.email: \(DiagnosticText.quoted(address)) is not an e-mail address such as name@example.org; it is ignored")
                        email = nil
                    }
                case "uri", "url": uri = webReference(value, key: "author.uri")
                default:
                    context.warning(at: keyNode, "unknown key \(DiagnosticText.quoted("author." + (keyNode.string ?? "?"))) is ignored")
                }
            }
            guard let name else {
                context.error(at: node, "author: a mapping needs 'name'")
                return nil
            }
            warnIfNoAuthorFeed(name, at: node)
            return Author(name: name, email: email, uri: uri)
        }
        guard let name = optionalText(node, key: "author") else { return nil }
        warnIfNoAuthorFeed(name, at: node)
        return Author(name: name)
    }

    /// Author feeds are named after the slug of the name (see `Slug`): a name without a letter
    /// or digit has none, and its posts are only in the site and tag feeds.
    private mutating func warnIfNoAuthorFeed(_ name: String, at node: Node) {
        if Slug.make(name).isEmpty {
            context.warning(at: node, "author: \(DiagnosticText.quoted(name)) has no letter or digit, so no author feed is made for it")
        }
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
            context.error(at: node, "tags: expected a list such as [Culture, Fête] or one tag")
        }
        var seen = Set<String>()
        var tags: [String] = []
        for (tag, element) in items {
            let slug = Slug.make(tag)
            if slug.isEmpty {
                context.warning(at: element, "tags: \(DiagnosticText.quoted(tag)) has no letter or digit; it is ignored")
            } else if seen.insert(slug).inserted {
                tags.append(tag)
            }
        }
        return tags
    }

    // MARK: - Checks


    /// The common case, checked on bytes: no control character, no DEL, no C1 control, no
    /// U+FFFE/U+FFFF, no U+2028/U+2029, and no ASCII white space at either end.
    static func isCleanInlineText(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20 else { return false }
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return false }
            if beforePrevious == 0xEF && previous == 0xBF && byte >= 0xBE { return false }
            if beforePrevious == 0xE2 && previous == 0x80 && (byte == 0xA8 || byte == 0xA9) { return false }
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
}
