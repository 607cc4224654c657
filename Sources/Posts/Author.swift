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

    /// Whether `text` is shaped like `local@domain.tld`, without white space, control
    /// characters or brackets: enough to keep a typo out of a feed's `<email>`.
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || "<>\"".unicodeScalars.contains($0) }
    }
}
