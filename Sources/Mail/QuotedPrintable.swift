/// The quoted-printable content transfer encoding (RFC 2045 §6.7), for UTF-8 text bodies.
///
/// - Every line ending of the input (`\n`, `\r\n` or a lone `\r`) becomes a hard CRLF.
/// - Encoded lines are at most 76 characters; longer ones end in a soft break (`=` CRLF),
///   never inside an `=XX` escape.
/// - `=`, control characters, DEL, every byte of a non-ASCII character, and a space or tab
///   that would end a line are written `=XX` (upper-case hex).
/// - For robustness in transit, a `.` that starts a line is written `=2E` (a lone `.` line
///   ends an SMTP transaction when nobody dot-stuffs it) and the `F` of a line-initial
///   `From ` is written `=46` (mbox files rewrite such lines to `>From `).
///
/// The output never contains `=_`: every `=` is followed by two hex digits or by CRLF. That
/// is why a MIME boundary starting with `=_` can never occur inside an encoded body.
public enum QuotedPrintable {
    /// Encodes `text` (as UTF-8). The result ends without a line break unless `text` ends
    /// with one.
    public static func encode(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8Buffer(encode(buffer:))
    }

    /// Encodes UTF-8 `bytes`; see `encode(_:)`.
    static func encode(bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer(encode(buffer:))
    }

    private static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maximumEncodedLength(of: input.count)) { buffer, initializedCount in
            initializedCount = encode(input, into: UnsafeMutableRawPointer(buffer.baseAddress))
        }
    }

    /// The longest encoded line, soft break `=` included (RFC 2045 §6.7 (5)).
    public static let maximumLineLength = 76

    /// The most bytes that encoding `length` bytes of UTF-8 can write: every byte as `=XX`
    /// (or a lone CR or LF as CRLF), a 3-octet soft break per 73 octets of output, and one
    /// spare byte (escapes are stored four bytes at a time).
    static func maximumEncodedLength(of length: Int) -> Int {
        length * 3 + (length * 3 / 73 + 2) * 3 + 1
    }

    /// Encodes `input` into `out`, which has room for `maximumEncodedLength(of: input.count)`
    /// bytes, and returns the number of bytes written: the message is built in one buffer.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableRawPointer?) -> Int {
        guard let inputBytes = UnsafeRawPointer(input.baseAddress), let out, !input.isEmpty else { return 0 }
        return byteClasses.withUnsafeBufferPointer { classes in
            escapes.withUnsafeBufferPointer { escapes in
                encode(input, inputBytes, into: out, classes: classes, escapes: escapes)
            }
        }
    }

    /// How the byte loop treats each byte value.
    private enum ByteClass: UInt8 {
        /// Printable ASCII but `=`, `.` and `F`: always written as itself.
        case literal
        /// `.` and `F`: escaped at the start of a line (see the type's documentation).
        case literalExceptAtLineStart
        /// Space and tab: escaped before a line break or at the end.
        case whitespace
        /// `=`, controls, DEL, non-ASCII: always `=XX`.
        case escaped
        case carriageReturn
        case lineFeed

        var isLineBreak: Bool { self == .carriageReturn || self == .lineFeed }
    }

    private static let byteClasses: [ByteClass] = (0...255).map { value in
        switch UInt8(value) {
        case MailCharacters.carriageReturn: return .carriageReturn
        case MailCharacters.lineFeed: return .lineFeed
        case MailCharacters.space, MailCharacters.tab: return .whitespace
        case UInt8(ascii: "."), UInt8(ascii: "F"): return .literalExceptAtLineStart
        case UInt8(ascii: "="): return .escaped
        case 0x21...0x7E: return .literal
        default: return .escaped
        }
    }

    /// `=XX` for every byte value, as the first three bytes (little-endian) of a word that
    /// the loop stores in one go.
    private static let escapes: [UInt32] = (0...255).map { value in
        func hex(_ nibble: Int) -> UInt32 { UInt32(nibble < 10 ? 0x30 + nibble : 0x37 + nibble) }  // 0-9, A-F
        return 0x3D | hex(value >> 4) << 8 | hex(value & 0x0F) << 16
    }

    /// The byte loop.
    private static func encode(
        _ input: UnsafeBufferPointer<UInt8>, _ inputBytes: UnsafeRawPointer, into out: UnsafeMutableRawPointer,
        classes: UnsafeBufferPointer<ByteClass>, escapes: UnsafeBufferPointer<UInt32>
    ) -> Int {
        let count = input.count
        var index = 0
        var written = 0
        var column = 0  // characters on the current output line
        var tryWords = true  // whether the next bytes may be plain text (not right after a failed try)

        @inline(__always) func writeEscape(_ byte: UInt8) {
            out.storeBytes(of: escapes[Int(byte)], toByteOffset: written, as: UInt32.self)
            written &+= 3
            column &+= 3
        }
        @inline(__always) func writeLiteral(_ byte: UInt8) {
            out.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
            written &+= 1
            column &+= 1
        }
        @inline(__always) func writeBreak(soft: Bool) {
            if soft {
                out.storeBytes(of: UInt8(ascii: "="), toByteOffset: written, as: UInt8.self)
                written &+= 1
            }
            out.storeBytes(of: MailCharacters.carriageReturn, toByteOffset: written, as: UInt8.self)
            out.storeBytes(of: MailCharacters.lineFeed, toByteOffset: written &+ 1, as: UInt8.self)
            written &+= 2
            column = 0
        }

        while index < count {
            // Fastest path: eight bytes at a time while they are all printable ASCII or
            // spaces (prose between its accents and line breaks), copied as one word.
            if tryWords {
                while column <= 67, index &+ 8 <= count {
                    let word = inputBytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    guard isPlainText(word) else { break }
                    // A space ending the word escapes if a line break or the end follows;
                    // `.` and `F` starting a line may escape.
                    if input[index &+ 7] == MailCharacters.space,
                       index &+ 8 == count || classes[Int(input[index &+ 8])].isLineBreak {
                        break
                    }
                    if column == 0, classes[Int(input[index])] == .literalExceptAtLineStart { break }
                    out.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                    index &+= 8
                    written &+= 8
                    column &+= 8
                }
                tryWords = false
                if index >= count { break }
            }

            let byte = input[index]
            let byteClass = classes[Int(byte)]

            // Fast paths, for a character that fits on the line with room left for a soft
            // break: most of a body.
            if column < 75 {
                switch byteClass {
                case .literal:
                    writeLiteral(byte)
                    index &+= 1
                    continue
                case .literalExceptAtLineStart where column > 0:
                    writeLiteral(byte)
                    index &+= 1
                    continue
                case .whitespace where index &+ 1 < count && !classes[Int(input[index &+ 1])].isLineBreak:
                    writeLiteral(byte)
                    index &+= 1
                    continue
                case .escaped where column <= 72:
                    // A whole UTF-8 sequence at once when it fits (the input is valid UTF-8).
                    let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                    if length > 1, column &+ 3 &* length <= 75, index &+ length <= count {
                        for offset in 0..<length { writeEscape(input[index &+ offset]) }
                        index &+= length
                    } else {
                        writeEscape(byte)
                        index &+= 1
                    }
                    tryWords = true
                    continue
                default:
                    break
                }
            }
            tryWords = true

            // Hard line breaks: CRLF, LF or a lone CR all become CRLF.
            if byteClass.isLineBreak {
                writeBreak(soft: false)
                index &+= (byteClass == .carriageReturn && index &+ 1 < count
                    && input[index &+ 1] == MailCharacters.lineFeed) ? 2 : 1
                continue
            }

            let nextIndex = index &+ 1
            let endsLine = nextIndex == count || classes[Int(input[nextIndex])].isLineBreak
            var escaped = mustEscape(byteClass, endsLine: endsLine, input: input, index: index, column: column)
            // Keep room for the soft break `=`, except for the last character before a hard
            // break, which may use the 76th column. At the very end of the input there is no
            // hard break: the caller may add a soft one there.
            let lastBeforeHardBreak = endsLine && nextIndex < count
            if column &+ (escaped ? 3 : 1) > (lastBeforeHardBreak ? 76 : 75) {
                writeBreak(soft: true)
                // The character now starts a line, where `.` and `From ` are escaped.
                escaped = mustEscape(byteClass, endsLine: endsLine, input: input, index: index, column: 0)
            }
            if escaped { writeEscape(byte) } else { writeLiteral(byte) }
            index &+= 1
        }
        return written
    }

    /// Whether the eight bytes of `word` are all `0x20`–`0x7E` but `=` (SWAR: the "has a
    /// byte less than / more than / equal to" bit tricks of Bit Twiddling Hacks).
    @inline(__always)
    private static func isPlainText(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let hasLessThanSpace = (word &- ones &* 0x20) & ~word & highBits
        let hasMoreThanTilde = ((word &+ ones &* (127 - 0x7E)) | word) & highBits
        let equalsSign = word ^ (ones &* 0x3D)
        let hasEqualsSign = (equalsSign &- ones) & ~equalsSign & highBits
        return hasLessThanSpace | hasMoreThanTilde | hasEqualsSign == 0
    }

    /// Whether a byte of class `byteClass`, at `column` of the output line, must be written
    /// `=XX`.
    @inline(__always)
    private static func mustEscape(
        _ byteClass: ByteClass, endsLine: Bool, input: UnsafeBufferPointer<UInt8>, index: Int, column: Int
    ) -> Bool {
        switch byteClass {
        case .literal:
            return false
        case .whitespace:
            return endsLine
        case .literalExceptAtLineStart:
            guard column == 0 else { return false }
            return input[index] == UInt8(ascii: ".") || startsWithFromSpace(input, at: index)
        case .escaped, .carriageReturn, .lineFeed:
            return true
        }
    }

    private static func startsWithFromSpace(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 4 < input.count
            && input[index + 1] == UInt8(ascii: "r") && input[index + 2] == UInt8(ascii: "o")
            && input[index + 3] == UInt8(ascii: "m") && input[index + 4] == MailCharacters.space
    }
}
