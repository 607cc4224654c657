import Foundation

/// URL- and file-name-safe names for posts, tags and authors.
///
/// Lowercase ASCII letters and digits; diacritics are folded (`É` → `e`, `œ` → `oe`) and every run
/// of other characters becomes one `-`, trimmed at both ends: `"Élus & Entreprises"` →
/// `"elus-entreprises"`.
public enum Slug {
    /// The slug of `text`; empty when `text` has no letter or digit at all.
    public static func make(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingDash = false
        func append(_ ascii: String) {
            if pendingDash && !result.isEmpty { result.append("-") }
            pendingDash = false
            result.append(ascii)
        }
        for scalar in text.unicodeScalars {
            if let folded = fold(scalar) {
                append(folded)
            } else {
                pendingDash = true
            }
        }
        return result
    }

    /// The ASCII letters or digits `scalar` stands for, or `nil` for a separator.
    private static func fold(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A: return String(scalar)
        case 0x41...0x5A: return String(Unicode.Scalar(scalar.value + 0x20)!)
        case 0...0x7F: return nil
        default: break
        }
        if let special = ligatures[scalar] { return special }
        // Canonical decomposition: keep the base letter, drop the combining marks.
        let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = decomposed.first, base.value < 0x80, base != scalar else { return nil }
        return fold(base)
    }

    private static let ligatures: [Unicode.Scalar: String] = [
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d",
        "ı": "i",
    ]
}
