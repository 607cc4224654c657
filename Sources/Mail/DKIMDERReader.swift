/// Just enough DER to walk PKCS#1 and PKCS#8 private keys.
struct DKIMDERReader {
    var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Reads the next element, which must have `tag`, and returns a reader over its contents.
    mutating func read(tag: UInt8, what: String) throws(DKIMError) -> DKIMDERReader {
        guard let found = bytes.first else { throw .malformedKey("the key ends before its \(what)") }
        guard found == tag else { throw .malformedKey("unexpected DER element where the \(what) should be") }
        var index = bytes.startIndex + 1
        guard index < bytes.endIndex else { throw .malformedKey("the key ends inside its \(what)") }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 4, index + count <= bytes.endIndex else {
                throw .malformedKey("bad DER length in the \(what)")
            }
            length = 0
            for byte in bytes[index..<index + count] { length = length << 8 | Int(byte) }
            index += count
        }
        guard length <= bytes.endIndex - index else { throw .malformedKey("the key ends inside its \(what)") }
        let contents = bytes[index..<index + length]
        bytes = bytes[(index + length)...]
        return DKIMDERReader(contents)
    }
}
