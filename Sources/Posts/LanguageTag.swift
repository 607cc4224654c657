/// BCP 47 language tags, as accepted in config.json and in front matter.
public enum LanguageTag {
    /// Whether `text` is shaped like a BCP 47 tag: subtags of 1–8 ASCII letters or digits joined
    /// by `-`, the first one letters only (`fr`, `fr-CA`, `zh-Hant-TW`).
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.utf8.allSatisfy(isLetter) else { return false }
        return parts.allSatisfy { part in
            (1...8).contains(part.utf8.count) && part.utf8.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
