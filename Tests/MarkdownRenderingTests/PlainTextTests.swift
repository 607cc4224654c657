import Testing
import TestSupport
@testable import MarkdownRendering

@Suite struct PlainTextTests {
    static func isBreak(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\n" || scalar == "\t" }

    @Test(arguments: [
        ("", ""),
        ("   ", ""),
        ("  Fête \n de\t\tla   musique  ", "Fête de la musique"),
        ("«\u{A0}Vie de quartier\u{A0}»", "«\u{A0}Vie de quartier\u{A0}»"),
        ("e \u{301}t\u{E9}", "e \u{301}t\u{E9}"),
        ("L’œuvre\ncommune", "L’œuvre commune"),
    ])
    func runsOfBreaksBecomeOneSpace(input: String, expected: String) {
        #expect(PlainText.oneLine(input, breakingAt: Self.isBreak) == expected)
    }

    @Test func agreesWithSplittingOnBreaks() {
        var generator = SeededGenerator(seed: 2026_12_01)
        let alphabet: [Unicode.Scalar] = [" ", "\n", "\t", "a", "é", "\u{301}", "œ", "\u{A0}", "’", "😀"]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
            let string = String(text)
            let words = string.unicodeScalars.split(whereSeparator: Self.isBreak).map { String(String.UnicodeScalarView($0)) }
            #expect(PlainText.oneLine(string, breakingAt: Self.isBreak) == words.joined(separator: " "), "\(Array(string.unicodeScalars))")
        }
    }
}
