/// The byte classes of RFC 3986 that front matter checks need, on UTF-8 bytes (no regular
/// expression per value).
enum URISyntax {
    static func isAlpha(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// `unreserved` (RFC 3986 §2.3): letters, digits, `-._~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// `sub-delims` (RFC 3986 §2.2): `!$&'()*+,;=`.
    static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x24, 0x26...0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }

    /// `pchar` without `%` (RFC 3986 §3.3): unreserved, sub-delims, `:` and `@`.
    static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelimiter(byte) || byte == 0x3A || byte == 0x40
    }

    /// The length of the scheme that starts `bytes` (RFC 3986 §3.1: a letter, then letters,
    /// digits, `+`, `-`, `.`) when a `:` follows it; `nil` otherwise.
    static func schemeLength(_ bytes: some Collection<UInt8>) -> Int? {
        guard let first = bytes.first, isAlpha(first) else { return nil }
        var length = 0
        for byte in bytes {
            if byte == 0x3A { return length }
            guard isAlpha(byte) || isDigit(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E else { return nil }
            length += 1
        }
        return nil
    }

    /// Whether every `%` in `bytes` starts a `%XX` escape.
    static func hasValidEscapes(_ bytes: some Collection<UInt8>) -> Bool {
        var pendingHex = 0
        for byte in bytes {
            if pendingHex > 0 {
                guard isHexDigit(byte) else { return false }
                pendingHex -= 1
            } else if byte == 0x25 {
                pendingHex = 2
            }
        }
        return pendingHex == 0
    }
}
