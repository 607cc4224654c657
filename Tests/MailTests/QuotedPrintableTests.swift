import Foundation
import Testing
import TestSupport
import Mail

@Suite struct QuotedPrintableTests {
    private func encoded(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(text), as: UTF8.self)
    }

    @Test func encodesWhatMustBeEncoded() {
        #expect(encoded("") == "")
        #expect(encoded("Hello, world!") == "Hello, world!")
        #expect(encoded("a=b") == "a=3Db")
        #expect(encoded("é œ ’ €") == "=C3=A9 =C5=93 =E2=80=99 =E2=82=AC")
        #expect(encoded("\u{1F600}") == "=F0=9F=98=80")
        #expect(encoded("bell\u{7}del\u{7F}nul\u{0}") == "bell=07del=7Fnul=00")
        #expect(encoded("tab\tinside") == "tab\tinside")
    }

    @Test func encodesWhitespaceThatWouldEndALine() {
        #expect(encoded("a \nb\t\r\nc  ") == "a=20\r\nb=09\r\nc =20")
        #expect(encoded(" ") == "=20")
    }

    @Test func normalisesEveryLineEndingToCRLF() {
        #expect(encoded("a\nb\r\nc\rd\n\ne\r\r") == "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\n")
    }

    @Test func protectsLineStartsWithDotAndFromSpace() {
        #expect(encoded(".\n.hidden\nFrom me\nFrom:x\na From b\nFromage") == "=2E\r\n=2Ehidden\r\n=46rom me\r\nFrom:x\r\na From b\r\nFromage")
    }

    @Test func breaksLongLinesSoftlyWithinSeventySixCharacters() {
        let line = String(repeating: "abcdefghij", count: 30)
        let output = encoded(line)
        let lines = output.components(separatedBy: "\r\n")
        #expect(lines.count == 4)
        #expect(lines.dropLast().allSatisfy { $0.count == 76 && $0.hasSuffix("=") })
        #expect(output.replacingOccurrences(of: "=\r\n", with: "") == line)
        // The last character before a hard break may use the 76th column.
        #expect(encoded(String(repeating: "x", count: 76) + "\n") == String(repeating: "x", count: 76) + "\r\n")
        #expect(encoded(String(repeating: "x", count: 77) + "\n") == String(repeating: "x", count: 75) + "=\r\nxx\r\n")
    }

    @Test func neverSplitsAnEscape() {
        for prefix in 0..<6 {
            let text = String(repeating: "a", count: prefix) + String(repeating: "é=", count: 80)
            let output = QuotedPrintable.encode(text)
            #expect(QuotedPrintableRules.violations(output).isEmpty, "\(QuotedPrintableRules.violations(output))")
        }
    }

    /// A seeded mix of everything the encoder treats specially, decoded by Python's `quopri`
    /// (what `email` uses for bodies) and compared byte for byte with the input, whose line
    /// endings the encoder turns into CRLF.
    @Test func pythonQuopriDecodesRandomTextBackToTheInput() throws {
        var random = SeededGenerator(seed: 0x5EED_2045)
        let pieces: [String] = [
            "a", "Z", "0", "~", " ", "  ", "\t", "=", "==", "=3D", "=\n", "=_", "_", "?", ".", "\n.", "\n.\n",
            "From ", "\nFrom ", "\r", "\n", "\r\n", "\r\r\n", "é", "œ", "’", "«\u{A0}", "€", "\u{1F600}",
            "\u{0}", "\u{1}", "\u{7F}", "\u{85}", "\u{2028}", "\u{FEFF}", " \n", "\t\r\n",
            String(repeating: "x", count: 74), String(repeating: "y", count: 75), String(repeating: "z", count: 76),
            "word ", "mot-clé ", "<p class=\"x\">", "https://example.org/a?b=c&d=e",
        ]
        var texts: [String] = []
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0...120, using: &random) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
            texts.append(text)
        }
        texts.append(String(repeating: "é", count: 500))
        texts.append(String(repeating: "=", count: 500) + " ")

        let encodings = texts.map(QuotedPrintable.encode)
        for (text, encoding) in zip(texts, encodings) {
            let problems = QuotedPrintableRules.violations(encoding)
            #expect(problems.isEmpty, "\(problems) for \(text.debugDescription)")
        }
        let output = try PythonScript.decodeQuotedPrintable.run(on: encodings)
        let decoded = try JSONDecoder().decode([String].self, from: output)
        try #require(decoded.count == texts.count)
        for (text, hex) in zip(texts, decoded) {
            let expected = Array(MessageFixtures.withCRLFLineEndings(text).utf8)
            #expect(Self.bytes(fromHex: hex) == expected, "\(text.debugDescription)")
        }
    }

    private static func bytes(fromHex hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for digit in hex.utf8 {
            let value = digit <= 0x39 ? digit - 0x30 : digit - 0x57
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}
