/// The one HTML escaper: for text Herald itself puts into HTML (feed summaries, "read more"
/// links, the per-recipient fields of a digest) and for the text and attribute values the
/// sanitiser writes back.
public enum HTMLEscaping {
    /// `&`, `<` and `>` as entities: text that is safe between HTML tags.
    public static func text(_ value: String) -> String {
        escaped(value, quotes: false)
    }

    /// Also `"` and `'` (as `&quot;` and `&#39;`, exactly as Mustache's `{{…}}` writes them):
    /// safe inside a quoted attribute value.
    public static func attribute(_ value: String) -> String {
        escaped(value, quotes: true)
    }

    /// Appends `value` escaped as `attribute(_:)` does, as UTF-8.
    public static func appendAttribute(_ value: String, to output: inout [UInt8]) {
        append(value, quotes: true, to: &output)
    }

    /// Which quote characters are escaped besides `&`, `<` and `>`.
    enum Quotes {
        case none
        /// `"` as `&quot;` (as cmark writes text and attribute values).
        case double
        /// `"` and `'` (as Mustache's `{{…}}` writes them).
        case both
    }

    /// Appends `source` with `&`, `<`, `>` and the `quotes` as entities, every other byte as it is.
    static func append(_ source: some Sequence<UInt8>, quotes: Quotes, to output: inout [UInt8]) {
        for byte in source {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where quotes != .none: output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'") where quotes == .both: output.append(contentsOf: "&#39;".utf8)
            default: output.append(byte)
            }
        }
    }

    private static func escaped(_ value: String, quotes: Bool) -> String {
        guard value.utf8.contains(where: { needsEscape($0, quotes: quotes) }) else { return value }
        var output: [UInt8] = []
        append(value, quotes: quotes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8, quotes: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"): return true
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return quotes
        default: return false
        }
    }

    private static func append(_ value: String, quotes: Bool, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + value.utf8.count + 16)
        append(value.utf8, quotes: quotes ? .both : .none, to: &output)
    }
}
