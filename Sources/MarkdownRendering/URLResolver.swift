import Foundation

/// Resolves relative references against a post's absolute URL (RFC 3986 §5).
///
/// Feeds and mail leave the site: a reader or a mail client has no base URL to resolve
/// `images/a.jpg` against, so every reference is made absolute before it leaves.
public struct URLResolver: Sendable {
    private let base: URL

    /// `nil` unless `base` is an absolute URL with a scheme and a host.
    public init?(base: String) {
        guard let url = URL(string: base), url.scheme != nil, url.host != nil else { return nil }
        self.base = url
    }

    /// `reference` made absolute; unchanged if it already has a scheme (`https:`, `mailto:`) or
    /// cannot be parsed.
    public func resolve(_ reference: String) -> String {
        if reference.isEmpty || Self.hasScheme(reference) { return reference }
        guard let resolved = URL(string: reference, relativeTo: base) else { return reference }
        return resolved.absoluteString
    }

    /// Resolves the values of `href="…"`, `src="…"` and `poster="…"` attributes in a fragment
    /// of raw HTML, quoted with `"` or `'`.
    public func resolveAttributes(inHTML html: String) -> String {
        guard html.contains("href") || html.contains("src") || html.contains("poster") else { return html }
        var output = ""
        var rest = Substring(html)
        while let match = Self.nextAttribute(in: rest) {
            output += rest[..<match.valueRange.lowerBound]
            output += resolve(String(rest[match.valueRange]))
            rest = rest[match.valueRange.upperBound...]
        }
        output += rest
        return output
    }

    private static func nextAttribute(in text: Substring) -> (name: Substring, valueRange: Range<String.Index>)? {
        var searchStart = text.startIndex
        while searchStart < text.endIndex {
            guard let equals = text[searchStart...].firstIndex(of: "=") else { return nil }
            let before = text[..<equals].reversed().drop(while: { $0 == " " })
            let name = String(before.prefix(while: { $0.isLetter }).reversed()).lowercased()
            var quoteIndex = text.index(after: equals)
            while quoteIndex < text.endIndex, text[quoteIndex] == " " { quoteIndex = text.index(after: quoteIndex) }
            searchStart = text.index(after: equals)
            guard ["href", "src", "poster"].contains(name), quoteIndex < text.endIndex else { continue }
            let quote = text[quoteIndex]
            guard quote == "\"" || quote == "'" else { continue }
            let valueStart = text.index(after: quoteIndex)
            guard let valueEnd = text[valueStart...].firstIndex(of: quote) else { return nil }
            return (Substring(name), valueStart..<valueEnd)
        }
        return nil
    }

    private static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":") else { return false }
        let scheme = reference[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}
