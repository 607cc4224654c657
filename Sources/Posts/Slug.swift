import Foundation

/// URL- and file-name-safe names for posts, tags and authors.
///
/// Lowercase ASCII letters and digits; diacritics are folded (`É` → `e`, `œ` → `oe`) and every run
/// of other characters becomes one `-`, trimmed at both ends: `"Élus & Entreprises"` →
/// `"elus-entreprises"`.
public enum Slug {
    /// The slug of `text`; empty when `text` has no letter or digit at all.
    public static func make(_ text: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func append(_ byte: UInt8) {
            if pendingDash && !result.isEmpty { result.append(UInt8(ascii: "-")) }
            pendingDash = false
            result.append(byte)
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case 0x30...0x39, 0x61...0x7A: append(byte)
                case 0x41...0x5A: append(byte + 0x20)
                default: pendingDash = true
                }
            } else if let folded = fold(scalar) {
                for byte in folded.utf8 { append(byte) }
            } else {
                pendingDash = true
            }
        }
        if result.count > maximumLength {
            // Folder and file names are limited to 255 bytes; cut at a word boundary.
            result.removeSubrange(maximumLength...)
            if let dash = result.lastIndex(of: UInt8(ascii: "-")), dash > maximumLength / 2 {
                result.removeSubrange(dash...)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The longest slug, in bytes: well under the 255-byte limit on a file or folder name.
    public static let maximumLength = 100

    /// The lowercase ASCII letters or digits a non-ASCII `scalar` stands for, or `nil` for a separator.
    private static func fold(_ scalar: Unicode.Scalar) -> String? {
        if scalar.value < 0x250 { return latinTable[Int(scalar.value) - 0x80] }
        // Only letters and digits can decompose to an ASCII letter or digit: punctuation,
        // symbols and marks (’ “ … € — French titles are full of them) are separators without
        // Foundation's decomposition.
        guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { return nil }
        return decompose(scalar)
    }

    /// `fold` precomputed for U+0080–U+024F (Latin-1 Supplement, Latin Extended-A and -B),
    /// where nearly every non-ASCII letter of a European title falls.
    private static let latinTable: [String?] = (0x80..<0x250).map { decompose(Unicode.Scalar($0)!) }

    private static func decompose(_ scalar: Unicode.Scalar) -> String? {
        if let special = ligatures[scalar] { return special }
        // Canonical decomposition: keep the base letter, drop the combining marks.
        let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = decomposed.first, base.value < 0x80, base != scalar else { return nil }
        let byte = UInt8(base.value)
        switch byte {
        case 0x30...0x39, 0x61...0x7A: return String(UnicodeScalar(byte))
        case 0x41...0x5A: return String(UnicodeScalar(byte + 0x20))
        default: return nil
        }
    }

    private static let ligatures: [Unicode.Scalar: String] = [
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d",
        "ı": "i",
    ]
}
