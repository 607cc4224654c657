/// Makes text that came from a user (file names, keys, values) safe to print in a diagnostic
/// line: one line, no terminal control sequences, no way to forge a `FILE:LINE:COL:` prefix.
///
/// C-style escapes: `\t`, `\n`, `\r`, `\\`, `\xHH` for the other ASCII controls and DEL, and
/// `\uHHHH` for C1 controls, line and paragraph separators, bidirectional formatting
/// characters, U+FEFF and the non-characters U+FFFE/U+FFFF. In a file name, `:` is written
/// `\x3a` as well, so the first `:` of a diagnostic always ends the file name.
public enum DiagnosticText {
    /// `text` with every character that could break or disguise a diagnostic line escaped.
    public static func escaped(_ text: String) -> String {
        escaped(text, colon: false)
    }

    /// A file name for the `FILE` part of `FILE:LINE:COL:`: escaped like any text, and `:` too.
    public static func escapedFileName(_ name: String) -> String {
        escaped(name, colon: true)
    }

    /// `'value'`, shortened to its first `limit` characters (then `…`): a diagnostic quotes
    /// what it is about, not a whole hostile value.
    public static func quoted(_ value: String, limit: Int = 60) -> String {
        var scalars = value.unicodeScalars[...]
        var shortened = false
        if let cut = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
            cut != scalars.endIndex
        {
            scalars = scalars[..<cut]
            shortened = true
        }
        return "'" + String(String.UnicodeScalarView(scalars)) + (shortened ? "…'" : "'")
    }

    private static func escaped(_ text: String, colon: Bool) -> String {
        // The common case, checked on bytes: nothing to escape.
        if !text.utf8.contains(where: { needsLook($0, colon: colon) }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: result += "\\\\"
            case 0x09: result += "\\t"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x3A where colon: result += "\\x3a"
            case 0x00...0x1F, 0x7F: result += "\\x" + hex(scalar.value, digits: 2)
            case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF, 0xFFF9...0xFFFB,
                0xFFFE, 0xFFFF:
                result += "\\u" + hex(scalar.value, digits: 4)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `byte` may start something `escaped` rewrites: an ASCII control, DEL, `\`,
    /// `:` in file names, or the first byte of any non-ASCII character (looked at scalar by scalar).
    private static func needsLook(_ byte: UInt8, colon: Bool) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == 0x5C || (colon && byte == 0x3A) || byte == 0xC2 || byte == 0xD8
            || byte == 0xE2 || byte == 0xEF
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
