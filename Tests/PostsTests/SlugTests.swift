import Foundation
import Testing
@testable import Posts

@Suite struct SlugTests {
    @Test(arguments: [
        ("Élus & Entreprises", "elus-entreprises"),
        ("L’œuvre commune", "l-oeuvre-commune"),
        ("  Fête   de la musique !  ", "fete-de-la-musique"),
        ("Écologie", "ecologie"),
        ("Straße", "strasse"),
        ("C++ & Swift 6", "c-swift-6"),
        ("«\u{A0}Vie de quartier\u{A0}»", "vie-de-quartier"),
        ("日本", ""),
        ("---", ""),
    ])
    func slugs(input: String, expected: String) {
        #expect(Slug.make(input) == expected)
    }

    @Test func scalarsThatAreNeitherLettersNorDigitsSeparateWordsAsTheirDecompositionWould() {
        // The fast path for them must agree with canonical decomposition, for every assigned
        // scalar past the precomputed Latin table.
        for value in UInt32(0x250)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned,
                !scalar.properties.isAlphabetic, scalar.properties.numericType == nil
            else { continue }
            let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first!
            let isASCIILetterOrDigit = base.value < 0x80 && (base.properties.isAlphabetic || base.properties.numericType != nil)
            #expect(!isASCIILetterOrDigit, "U+\(String(value, radix: 16)) decomposes to \(base)")
            #expect(Slug.make("a\(scalar)b") == "a-b", "U+\(String(value, radix: 16))")
        }
    }

    @Test func longNamesAreCutAtAWordBoundary() {
        let slug = Slug.make(String(repeating: "Conseil municipal extraordinaire ", count: 20))
        #expect(slug.utf8.count <= Slug.maximumLength)
        #expect(slug.hasSuffix("extraordinaire") || slug.hasSuffix("municipal") || slug.hasSuffix("conseil"))
        #expect(!slug.hasSuffix("-"))
    }
}

@Suite struct LanguageTagTests {
    @Test(arguments: [("fr", true), ("fr-CA", true), ("FR-be", true), ("Fr", true), ("fra", false), ("en", false), ("fy", false), ("", false), ("f", false), ("frr", false)])
    func frenchIsRecognisedByItsPrimarySubtag(tag: String, french: Bool) {
        #expect(LanguageTag.isFrench(tag) == french)
    }
}
