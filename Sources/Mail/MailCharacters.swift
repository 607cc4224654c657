/// Byte classes of RFC 5322, RFC 2045 and RFC 2047, tested on UTF-8 code units so that the
/// hot paths never build `Character`s.
enum MailCharacters {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let doubleQuote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let atSign: UInt8 = 0x40
    static let dot: UInt8 = 0x2E
    static let hyphen: UInt8 = 0x2D

    /// Upper-case hexadecimal digits, as RFC 2045 §6.7 requires for `=XX` escapes.
    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// CR, LF or NUL: the bytes that must never reach a header or an SMTP command.
    @inline(__always)
    static func isLineBreakOrNUL(_ byte: UInt8) -> Bool {
        byte == carriageReturn || byte == lineFeed || byte == 0
    }

    /// A letter or a digit.
    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `atext` (RFC 5322 §3.2.3): what an unquoted local part or atom is made of.
    static func isAtext(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Printable ASCII, space excluded (`VCHAR`).
    @inline(__always)
    static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E
    }

    /// Bytes that may appear as themselves in the encoded text of a `Q` encoded-word anywhere,
    /// including inside a phrase (RFC 2047 §5 (3)): letters, digits and `!*+-/`. Space is
    /// written `_`; everything else as `=XX`.
    @inline(__always)
    static func isQEncodingLiteral(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// Whether `byte` starts a UTF-8 sequence (is not a continuation byte `10xxxxxx`).
    @inline(__always)
    static func startsScalar(_ byte: UInt8) -> Bool {
        byte & 0xC0 != 0x80
    }
}
