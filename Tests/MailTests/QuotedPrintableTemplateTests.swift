import Testing
import TestSupport
@testable import Mail

@Suite struct QuotedPrintableTemplateTests {
    /// Pieces that stress the encoder's line rules: long lines, spaces before breaks, `.` and
    /// `From ` at a line start, CR, CRLF, accents cut at the 76th column.
    static let alphabet: [String] = [
        "a", "é", "œ", "’", " ", "\t", "\n", "\r\n", "\r", ".", "From ", "=", "x", "😀",
        String(repeating: "mot ", count: 20), String(repeating: "é", count: 30), "« ", " »",
    ]

    static func text(_ generator: inout SeededGenerator, pieces: Int) -> [UInt8] {
        var text = ""
        for _ in 0..<pieces { text += alphabet.randomElement(using: &generator)! }
        return Array(text.utf8)
    }

    @Test func fillingEncodesAsTheWholeTextWould() {
        var generator = SeededGenerator(seed: 2026_12_01)
        for round in 0..<2_000 {
            var segments: [QuotedPrintableTemplate.Segment] = []
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                if Bool.random(using: &generator) {
                    segments.append(.text(Self.text(&generator, pieces: Int.random(in: 0...12, using: &generator))))
                } else {
                    segments.append(.slot(Int.random(in: 0...2, using: &generator)))
                }
            }
            let values = (0...2).map { _ in Self.text(&generator, pieces: Int.random(in: 0...4, using: &generator)) }
            let template = QuotedPrintableTemplate(segments)
            var whole: [UInt8] = []
            for segment in segments {
                switch segment {
                case .text(let bytes): whole += bytes
                case .slot(let slot): whole += values[slot]
                }
            }
            let expected = QuotedPrintable.encode(bytes: whole)
            #expect(template.encoded { values[$0] } == expected, "round \(round): \(String(decoding: whole, as: UTF8.self).debugDescription)")
        }
    }

    @Test func onlyLinesWithASlotAreLeftToFill() {
        let fixed = Array("Bonjour,\nVoici la lettre «\u{A0}Élus\u{A0}».\n".utf8)
        let template = QuotedPrintableTemplate([.text(fixed), .slot(0), .text(Array(" !\nFin.".utf8))])
        let filled = template.fill { _ in Array("Zoé".utf8) }
        #expect(String(decoding: filled.encoded, as: UTF8.self)
            == "Bonjour,\r\nVoici la lettre =C2=AB=C2=A0=C3=89lus=C2=A0=C2=BB.\r\nZo=C3=A9 !\r\nFin.")
    }
}
