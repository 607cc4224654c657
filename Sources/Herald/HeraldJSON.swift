import Foundation

/// Herald's JSON output, the same for `--json` on the command line and for the admin API:
/// pretty, keys sorted, dates in ISO 8601.
public enum HeraldJSON {
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }
}
