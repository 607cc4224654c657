import CivilCalendar

/// Checks the `id` of a post, which feeds write verbatim (Atom `id`, RSS `guid`, JSON Feed
/// `id`) and readers compare character by character. Accepted, so that feed validators accept
/// the feed too:
///
/// - `tag:` URIs per RFC 4151: `tag:AUTHORITY,DATE:SPECIFIC[#FRAGMENT]`, with a lowercase
///   domain name or e-mail address, a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date that exists, and
///   URI path characters after it;
/// - `urn:uuid:` followed by a UUID (`8-4-4-4-12` hexadecimal digits); other `urn:` names with
///   a namespace identifier of 2–32 letters, digits or `-` and URN characters after it;
/// - any other absolute URI: a scheme, then URI characters only (`http`, `https` and `ftp`
///   need a host after `//`).
///
/// Ids are ASCII: a URI, the subset of IRIs that every reader and validator reads alike.
/// Every `%` starts a `%XX` escape.
public enum EntryID {
    /// Why `text` cannot be used as an entry id, as a phrase that completes
    /// "id: '…' " (`is not …`); `nil` when it can.
    public static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let schemeLength = URISyntax.schemeLength(bytes), schemeLength < bytes.count - 1 else {
            return "is not an absolute URI; use a tag: URI such as 'tag:example.org,2026-01-31:my-post'"
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "must be ASCII without spaces; percent-encode other characters (%C3%A9 for é)"
        }
        guard URISyntax.hasValidEscapes(bytes) else { return "has a '%' that does not start an escape such as %20" }
        let scheme = String(decoding: bytes[..<schemeLength], as: UTF8.self).lowercased()
        let rest = bytes[(schemeLength + 1)...]
        switch scheme {
        case "tag":
            return isTagURI(bytes) ? nil
                : "is not a tag: URI (RFC 4151) such as 'tag:example.org,2026-01-31:my-post' (lowercase domain, a real date)"
        case "urn":
            return urnProblem(rest)
        default:
            return genericProblem(scheme: scheme, rest)
        }
    }

    // MARK: - tag: (RFC 4151)

    private static func isTagURI(_ bytes: [UInt8]) -> Bool {
        // Lowercase `tag:`, as validators compare it.
        guard bytes.starts(with: Array("tag:".utf8)) else { return false }
        let rest = bytes[4...]
        guard let comma = rest.firstIndex(of: UInt8(ascii: ",")) else { return false }
        let authority = rest[..<comma]
        let afterComma = rest[(comma + 1)...]
        guard let colon = afterComma.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let date = afterComma[..<colon]
        let specific = afterComma[(colon + 1)...]
        guard isAuthority(authority), isTagDate(date) else { return false }
        var sawHash = false
        for byte in specific {
            if byte == 0x23 {
                if sawHash { return false }
                sawHash = true
            } else if !(URISyntax.isPathCharacter(byte) || byte == 0x2F || byte == 0x3F || byte == 0x25) {
                return false
            }
        }
        return true
    }

    /// `DNSname` or `emailAddress`, lowercase.
    private static func isAuthority(_ bytes: ArraySlice<UInt8>) -> Bool {
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let local = bytes[..<at]
            guard !local.isEmpty,
                local.allSatisfy({ isLowerAlphaNumeric($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F })
            else { return false }
            return isDNSName(bytes[(at + 1)...])
        }
        return isDNSName(bytes)
    }

    /// `DNScomp *( "." DNScomp )`, `DNScomp = alphaNum [*(alphaNum / "-") alphaNum]`, lowercase.
    private static func isDNSName(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last, isLowerAlphaNumeric(first), isLowerAlphaNumeric(last)
            else { return false }
            return label.allSatisfy { isLowerAlphaNumeric($0) || $0 == 0x2D }
        }
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, naming a real month or day.
    private static func isTagDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4,
            parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ $0.allSatisfy(URISyntax.isDigit) })
        else { return false }
        let numbers = parts.map { $0.reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return CivilTime(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count > 2 ? numbers[2] : 1)
            .isValid
    }

    private static func isLowerAlphaNumeric(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || URISyntax.isDigit(byte)
    }

    // MARK: - urn:

    private static func urnProblem(_ rest: ArraySlice<UInt8>) -> String? {
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")) else {
            return "is not a URN such as 'urn:uuid:…' (urn:NAMESPACE:NAME)"
        }
        let namespace = rest[..<colon]
        let name = rest[(colon + 1)...]
        if String(decoding: namespace, as: UTF8.self).lowercased() == "uuid" {
            return isUUID(name) ? nil : "is not a urn:uuid: followed by a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"
        }
        guard (2...32).contains(namespace.count), let first = namespace.first,
            URISyntax.isAlpha(first) || URISyntax.isDigit(first),
            namespace.allSatisfy({ URISyntax.isAlpha($0) || URISyntax.isDigit($0) || $0 == 0x2D }),
            !name.isEmpty,
            name.allSatisfy({ byte in
                URISyntax.isAlpha(byte) || URISyntax.isDigit(byte) || byte == 0x25
                    || "()+,.:=@;$_!*'-".utf8.contains(byte)
            })
        else {
            return "is not a URN such as 'urn:uuid:…' (urn:NAMESPACE:NAME, without '/', '?', '#' or '~')"
        }
        return nil
    }

    private static func isUUID(_ bytes: ArraySlice<UInt8>) -> Bool {
        let groups = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(URISyntax.isHexDigit) }
    }

    // MARK: - Other schemes

    private static func genericProblem(scheme: String, _ rest: ArraySlice<UInt8>) -> String? {
        var body = rest
        var sawHash = false
        if body.starts(with: Array("//".utf8)) {
            body = body.dropFirst(2)
            if body.first == UInt8(ascii: "[") {
                // An IPv6 literal host.
                guard let close = body.firstIndex(of: UInt8(ascii: "]")),
                    body[body.index(after: body.startIndex)..<close].allSatisfy({ URISyntax.isHexDigit($0) || $0 == 0x3A })
                else { return "has a '[' that does not start an IPv6 host; write it as %5B" }
                body = body[(close + 1)...]
            } else if ["http", "https", "ftp"].contains(scheme), body.first == nil || body.first == 0x2F {
                return "has no host after \(scheme)://"
            }
        } else if ["http", "https", "ftp"].contains(scheme) {
            return "is not a \(scheme):// URL with a host"
        }
        for byte in body {
            if byte == 0x23 {
                if sawHash { return "has more than one '#'" }
                sawHash = true
            } else if !(URISyntax.isPathCharacter(byte) || byte == 0x2F || byte == 0x3F || byte == 0x25) {
                return "has the character '\(Character(Unicode.Scalar(byte)))', which a URI may not hold; percent-encode it"
            }
        }
        return nil
    }
}
