import Foundation

/// What every message of one digest is made from, fixed when the digest is planned and kept in
/// the store: a retry days later, or in another process, sends the same posts with the same
/// date and subject.
public struct DigestContent: Sendable, Hashable, Codable {
    /// The posts, newest first, rendered for mail.
    public var items: [DigestItem]
    /// The date the digest shows (its planning time).
    public var date: Date

    public init(items: [DigestItem], date: Date) {
        self.items = items
        self.date = date
    }

    /// The bytes the store keeps.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, dates and arrays cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Reads what `encoded()` wrote; `nil` when the bytes are not a digest's content.
    public static func decode(_ data: Data) -> DigestContent? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try? decoder.decode(DigestContent.self, from: data)
    }
}
