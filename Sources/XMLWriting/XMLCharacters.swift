/// The XML 1.0 character sanitiser.
///
/// XML 1.0 (§2.2) allows only `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]`; a single other character makes a whole feed unreadable. Swift strings
/// cannot hold surrogates, so what is left to remove is the C0 controls (but tab, LF, CR),
/// U+FFFE and U+FFFF. The C1 controls (U+0080–U+009F) are legal but "discouraged" (§2.2) and
/// flagged by feed validators, so they go too. U+007F (DEL) is likewise removed.
public enum XMLCharacters {
    /// `text` without the characters XML 1.0 forbids or discourages; the same string (no copy)
    /// when there is nothing to remove, which is nearly always.
    public static func sanitized(_ text: String) -> String {
        guard needsSanitizing(text) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Whether `scalar` may appear in Herald's XML output.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// A byte scan for the UTF-8 forms of the disallowed characters: bytes < 0x20 (but tab,
    /// LF, CR), 0x7F, `C2 80`–`C2 9F`, and `EF BF BE`/`EF BF BF`.
    private static func needsSanitizing(_ text: String) -> Bool {
        var utf8 = text.utf8
        if let result = utf8.withContiguousStorageIfAvailable(scan) { return result }
        var copy = text
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        return utf8.withContiguousStorageIfAvailable(scan) ?? true
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 {
                if byte != 0x09 && byte != 0x0A && byte != 0x0D { return true }
            } else if byte == 0x7F {
                return true
            } else if byte == 0xC2, index + 1 < count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F {
                return true
            } else if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                return true
            }
            index += 1
        }
        return false
    }
}
