/// The person a post, or the whole site, is attributed to.
public struct Author: Sendable, Hashable, Codable {
    public var name: String
    public var email: String?
    public var uri: String?

    public init(name: String, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }

    /// Whether `text` is an e-mail address that every feed reader and validator accepts: an
    /// RFC 5322 `addr-spec` whose local part is dot-separated runs of letters, digits and
    /// `_ - + '` (at most 64 bytes), and whose domain has two or more labels of letters, digits
    /// and inner `-` (at most 63 bytes each, 253 in all). No quoted local part, no address
    /// literal, no non-ASCII address: an `<email>` element is no place for them.
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), (1...253).contains(domain.count) else { return false }
        let localOK = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { URISyntax.isAlpha($0) || URISyntax.isDigit($0) || "_-+'".utf8.contains($0) }
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let domainOK = labels.count >= 2 && labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                return false
            }
            return label.allSatisfy { URISyntax.isAlpha($0) || URISyntax.isDigit($0) || $0 == UInt8(ascii: "-") }
        }
        return localOK && domainOK
    }
}
