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
        // Foundation re-encodes a whole reference (even its existing %XX escapes) when it holds
        // a character a URI may not: encode exactly those first.
        guard let resolved = URL(string: Self.percentEncodingDisallowed(reference), relativeTo: base) else { return reference }
        return resolved.absoluteString
    }

    /// `text` with every byte that RFC 3986 does not allow in a URI reference percent-encoded;
    /// `%` is kept, so existing escapes stay as they are.
    public static func percentEncodingDisallowed(_ text: String) -> String {
        guard text.utf8.contains(where: { !isAllowedInURI($0) }) else { return text }
        var result = ""
        for byte in text.utf8 {
            if isAllowedInURI(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    private static func isAllowedInURI(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
        }
    }

    private static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":") else { return false }
        let scheme = reference[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
