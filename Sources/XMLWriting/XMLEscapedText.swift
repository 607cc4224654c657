/// Character data already sanitised (`XMLCharacters`) and escaped, ready to be written into
/// any number of documents.
public struct XMLEscapedText: Sendable, Hashable {
    /// The escaped UTF-8 bytes, without a terminating NUL.
    let bytes: [UInt8]

    /// Sanitises and escapes `text` once, as libxml2's `xmlEncodeSpecialChars` does (`<`, `>`,
    /// `&`, `"` and CR as references), into one buffer of the exact size: the HTML of a large
    /// post is held once, not also in libxml2's growing copy.
    public init(_ text: String) {
        var clean = XMLCharacters.sanitized(text)
        bytes = clean.withUTF8 { source in
            var count = source.count
            for byte in source {
                switch byte {
                case UInt8(ascii: "<"), UInt8(ascii: ">"): count += 3
                case UInt8(ascii: "&"), UInt8(ascii: "\r"): count += 4
                case UInt8(ascii: "\""): count += 5
                default: break
                }
            }
            return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                func put(_ reference: StaticString) {
                    reference.withUTF8Buffer { for byte in $0 { buffer[initialized] = byte; initialized += 1 } }
                }
                for byte in source {
                    switch byte {
                    case UInt8(ascii: "<"): put("&lt;")
                    case UInt8(ascii: ">"): put("&gt;")
                    case UInt8(ascii: "&"): put("&amp;")
                    case UInt8(ascii: "\""): put("&quot;")
                    case UInt8(ascii: "\r"): put("&#13;")
                    default:
                        buffer[initialized] = byte
                        initialized += 1
                    }
                }
            }
        }
    }

    /// The size of the escaped text, in bytes.
    public var count: Int { bytes.count }
}
