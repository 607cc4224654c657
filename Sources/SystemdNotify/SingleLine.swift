/// Text that must stay on one line (a journal line, a `STATUS=` value): nothing a user typed
/// may start a line of its own or hide in it.
public enum SingleLine {
    /// `text` with every control character (Unicode category Cc: U+0000–001F, U+007F–009F,
    /// line breaks included) replaced by a space. Text without any, the usual case, is returned
    /// as is after one pass over its bytes.
    public static func clean(_ text: String) -> String {
        guard hasControlCharacter(text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0.value) ? " " : $0 }))
    }

    private static func isControl(_ value: UInt32) -> Bool { value < 0x20 || (0x7F...0x9F).contains(value) }

    private static func hasControlCharacter(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            // U+0080–009F are C2 80–C2 9F in UTF-8.
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { return true }
            previous = byte
        }
        return false
    }
}
