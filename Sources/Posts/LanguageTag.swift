/// BCP 47 language tags, as accepted in config.json and in front matter.
public enum LanguageTag {
    /// Whether `text` is a well-formed language tag (RFC 5646 §2.1, case-insensitive):
    ///
    ///     language    2–3 letters (with up to three 3-letter extlang subtags), or 4–8 letters
    ///     -script     4 letters                       (optional)
    ///     -region     2 letters or 3 digits           (optional)
    ///     -variant    5–8 letters or digits, or a digit and 3 more   (any number)
    ///     -extension  a singleton other than x, then subtags of 2–8  (any number)
    ///     -x-private  subtags of 1–8 letters or digits               (optional, last)
    ///
    /// A private-use tag (`x-…`) and the grandfathered tags (`i-klingon`, `en-GB-oed`…) are
    /// well-formed too. Whether the subtags are registered is not checked.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 256, bytes.allSatisfy({ isAlphaNumeric($0) || $0 == 0x2D }) else {
            return false
        }
        let lowered = String(decoding: bytes.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        if irregular.contains(lowered) { return true }
        let subtags = bytes.split(separator: 0x2D, omittingEmptySubsequences: false)
        var index = 0
        func next(_ matches: (ArraySlice<UInt8>) -> Bool) -> Bool {
            guard index < subtags.count, matches(subtags[index]) else { return false }
            index += 1
            return true
        }
        if next({ isSingleton($0, "x") }) { return privateUse(subtags[index...]) }
        // language
        guard let language = subtags.first, language.allSatisfy(isLetter), (2...8).contains(language.count) else {
            return false
        }
        index = 1
        var extlangs = 0
        while language.count <= 3, extlangs < 3, next({ $0.count == 3 && $0.allSatisfy(isLetter) }) { extlangs += 1 }
        _ = next { $0.count == 4 && $0.allSatisfy(isLetter) }  // script
        _ = next { ($0.count == 2 && $0.allSatisfy(isLetter)) || ($0.count == 3 && $0.allSatisfy(isDigit)) }  // region
        while next(isVariant) {}
        // extensions
        while index < subtags.count, subtags[index].count == 1, !isSingleton(subtags[index], "x") {
            index += 1
            guard next({ (2...8).contains($0.count) }) else { return false }
            while next({ (2...8).contains($0.count) }) {}
        }
        if index < subtags.count, isSingleton(subtags[index], "x") { return privateUse(subtags[(index + 1)...]) }
        return index == subtags.count
    }

    /// `1*("-" (1*8alphanum))` after an `x`: at least one subtag, each 1–8 long.
    private static func privateUse(_ subtags: ArraySlice<ArraySlice<UInt8>>) -> Bool {
        !subtags.isEmpty && subtags.allSatisfy { (1...8).contains($0.count) }
    }

    private static func isVariant(_ subtag: ArraySlice<UInt8>) -> Bool {
        (5...8).contains(subtag.count) || (subtag.count == 4 && subtag.first.map(isDigit) == true)
    }

    private static func isSingleton(_ subtag: ArraySlice<UInt8>, _ letter: Character) -> Bool {
        subtag.count == 1 && subtag.first.map { $0 | 0x20 } == letter.asciiValue
    }

    /// Tags registered before RFC 4646 that do not follow its grammar (RFC 5646 §2.2.8); the
    /// "regular" grandfathered tags (`zh-min-nan`…) follow it and need no list.
    private static let irregular: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo", "i-navajo",
        "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
    ]

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }

    private static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte)
    }
}
