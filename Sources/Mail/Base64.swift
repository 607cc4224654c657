/// Base64 (RFC 4648): the one encoder for DKIM values, RFC 2047 `B` encoded-words and the
/// base64url of link tokens. Written directly over bytes: Foundation's version goes through
/// `Data` and `String` and, for base64url, three `replacingOccurrences`.
public enum Base64 {
    public enum Alphabet: Sendable {
        /// `+` and `/`, padded with `=` (RFC 4648 §4).
        case standard
        /// `-` and `_`, without padding (RFC 4648 §5): safe in URLs and file names.
        case url
    }

    /// Appends the encoding of `bytes` to `output`.
    public static func append<Bytes: Collection<UInt8>>(_ bytes: Bytes, alphabet: Alphabet = .standard, to output: inout [UInt8]) {
        // One loop over contiguous bytes: a generic one reaches each byte through the
        // collection's witness table when called from another module (1.4% of a digest send).
        if bytes.withContiguousStorageIfAvailable({ append(buffer: $0, alphabet: alphabet, to: &output) }) == nil {
            Array(bytes).withUnsafeBufferPointer { append(buffer: $0, alphabet: alphabet, to: &output) }
        }
    }

    private static func append(buffer bytes: UnsafeBufferPointer<UInt8>, alphabet: Alphabet, to output: inout [UInt8]) {
        let table: StaticString = alphabet == .standard
            ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        let padded = alphabet == .standard
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        table.withUTF8Buffer { table in
            var iterator = bytes.makeIterator()
            while let first = iterator.next() {
                let second = iterator.next()
                let third = second == nil ? nil : iterator.next()
                let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
                output.append(table[Int(group >> 18 & 63)])
                output.append(table[Int(group >> 12 & 63)])
                if second != nil {
                    output.append(table[Int(group >> 6 & 63)])
                } else if padded {
                    output.append(UInt8(ascii: "="))
                }
                if third != nil {
                    output.append(table[Int(group & 63)])
                } else if padded {
                    output.append(UInt8(ascii: "="))
                }
            }
        }
    }

    /// The encoding of `bytes`, as bytes.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes, alphabet: Alphabet = .standard) -> [UInt8] {
        var output: [UInt8] = []
        append(bytes, alphabet: alphabet, to: &output)
        return output
    }

    /// The encoding of `bytes`, as text.
    public static func string<Bytes: Collection<UInt8>>(_ bytes: Bytes, alphabet: Alphabet = .standard) -> String {
        String(decoding: encode(bytes, alphabet: alphabet), as: UTF8.self)
    }
}
