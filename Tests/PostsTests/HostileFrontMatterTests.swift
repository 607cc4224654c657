import Foundation
import Testing
@testable import Posts

/// Front matter written to hurt: aliases that expand exponentially, control characters,
/// line separators YAML and editors count differently, duplicate keys. Each is refused or
/// reported at its own position, quickly, in one line of text.
@Suite struct HostileFrontMatterTests {
    let parser = PostParser(timeZone: TimeZone(identifier: "Europe/Paris")!)

    func parse(_ text: String, path: String = "post.md") -> PostParser.Outcome {
        parser.parse(Array(text.utf8), path: path, displayPath: "posts/" + path)
    }

    func parse(bytes: [UInt8], path: String = "post.md") -> PostParser.Outcome {
        parser.parse(bytes, path: path, displayPath: "posts/" + path)
    }

    /// `a0: &a0 [lol × 9]`, `aN: &aN [*aN-1 × 9]` up to `a8`, then `*a8` as a mapping key:
    /// composing it hashed 9⁹ scalars (39 s before aliases were refused).
    static func billionLaughs(levels: Int = 8, width: Int = 9) -> String {
        var yaml = "title: Rires\ndate: 2026-01-01\n"
        yaml += "a0: &a0 [" + Array(repeating: "lol", count: width).joined(separator: ", ") + "]\n"
        for level in stride(from: 1, through: levels, by: 1) {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: width).joined(separator: ", ") + "]\n"
        }
        return "---\n" + yaml + "? *a\(levels)\n: boom\n---\nCorps.\n"
    }

    @Test func billionLaughsIsRefusedQuicklyAtItsFirstAnchor() {
        let text = Self.billionLaughs()
        #expect(text.utf8.count < 600)
        let start = ContinuousClock.now
        let outcome = parse(text)
        let elapsed = ContinuousClock.now - start
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.map(\.description) == [
            "posts/post.md:4:5: error: \(FrontMatterYAML.anchorMessage)"
        ])
        // Not a benchmark: before the fix this took 39 s; anything super-linear is far above 1 s.
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }

    @Test func anAliasWithoutAnAnchorIsRefusedWhereItIsWritten() {
        let outcome = parse("---\ntitle: Titre\ndate: 2026-01-01\nsummary: *resume\n---\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.map(\.description) == ["posts/post.md:4:10: error: \(FrontMatterYAML.anchorMessage)"])
    }

    @Test func anchorsAndAliasesAnywhereAreRefused() {
        let cases: [(String, String)] = [
            ("author: &moi {name: Zoé}\n", "4:9"),
            ("tags: [a, &t b, *t]\n", "4:11"),
            ("extra:\n  - &x un\n  - *x\n", "5:5"),
            ("x: {? &k [a] : 1}\n", "4:7"),
            ("base: &b {name: Zoé}\nauthor:\n  <<: *b\n", "4:7"),
        ]
        for (yaml, position) in cases {
            let outcome = parse("---\ntitle: T\ndate: 2026-01-01\n" + yaml + "---\n")
            #expect(outcome.post == nil, "\(yaml)")
            #expect(
                outcome.diagnostics.map(\.description) == ["posts/post.md:\(position): error: \(FrontMatterYAML.anchorMessage)"],
                "\(yaml)")
        }
    }

    @Test func ampersandsAndStarsInTextAreText() throws {
        let outcome = parse("""
            ---
            title: Tom &Jerry, un *très* bon film
            summary: "&amp; *gras*"
            tags: [R&D, a*b]
            date: 2026-01-01
            # un commentaire avec *etoile et &esperluette
            ---
            Corps.
            """)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let post = try #require(outcome.post)
        #expect(post.title == "Tom &Jerry, un *très* bon film")
        #expect(post.summary == "&amp; *gras*")
        #expect(post.tags == ["R&D", "a*b"])
    }

    @Test func aDuplicateKeyIsReportedWhereItIsWrittenAgain() {
        let top = parse("---\ntitle: A\ndate: 2026-01-01\ntitle: B\n---\n")
        #expect(top.post == nil)
        #expect(top.diagnostics.map(\.description) == [
            "posts/post.md:4:1: error: duplicate key 'title' in front matter; it is first written on line 2"
        ])
        let nested = parse("---\ntitle: A\ndate: 2026-01-01\nauthor:\n  name: Zoé\n  email: z@example.org\n  name: Léa\n---\n")
        #expect(nested.diagnostics.map { "\($0.line):\($0.column)" } == ["7:3"])
        let flow = parse("---\ntitle: A\ndate: 2026-01-01\nauthor: {name: Zoé, name: Léa}\n---\n")
        #expect(flow.diagnostics.map { "\($0.line):\($0.column)" } == ["4:21"])
        let quoted = parse("---\ntitle: A\n\"date\": 2026-01-01\ndate: 2026-01-02\n---\n")
        #expect(quoted.diagnostics.map { "\($0.line):\($0.column)" } == ["4:1"])
        let thrice = parse("---\ntitle: A\ntitle: B\ndate: 2026-01-01\ntitle: C\n---\n")
        #expect(thrice.diagnostics.map { "\($0.line):\($0.column)" } == ["3:1"])
    }

    @Test func aRawControlCharacterIsReportedOnceAtItsPositionWithoutBeingEchoed() {
        let outcome = parse("---\ntitle: Bon\u{1B}[31m rouge\ndate: 2026-01-01\n---\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.count == 1)
        let diagnostic = outcome.diagnostics[0]
        #expect((diagnostic.line, diagnostic.column) == (2, 11))
        #expect(diagnostic.message.contains("U+001B"))
        #expect(!diagnostic.description.unicodeScalars.contains { $0.value < 0x20 })

        let inKey = parse("---\ntitle: T\nda\u{7}te: 2026-01-01\n---\n")
        #expect(inKey.diagnostics.map { "\($0.line):\($0.column)" } == ["3:3"])
        #expect(inKey.diagnostics.first?.message.contains("U+0007") == true)
    }

    @Test func nextLineIsNotALineBreak() {
        // libyaml reads U+0085 as a line break (YAML 1.1); no editor does.
        let outcome = parse("---\ntitle: Un\u{85}deux\ndate: 2026-01-01\nzz: 1\n---\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.map { "\($0.line):\($0.column)" } == ["2:10"])
        #expect(outcome.diagnostics.first?.message.contains("U+0085") == true)
    }

    @Test func lineSeparatorsKeepFileLineNumbers() throws {
        // libyaml counts U+2028 as a line break; the diagnostics count file lines.
        let outcome = parse("---\ntitle: \"Un\u{2028}deux\"\ndate: 2026-01-01\ninconnu: 1\n---\n")
        let post = try #require(outcome.post)
        #expect(post.title == "Un deux")
        #expect(outcome.diagnostics.map { "\($0.line):\($0.column)" } == ["4:1"])

        let sameLine = parse("---\ntitle: \"Un\u{2028}deux\" \nsummary: [\u{2029}a, b: c: d]\ndate: 2026-01-01\n---\n")
        #expect(sameLine.post == nil)
        let diagnostic = try #require(sameLine.diagnostics.first)
        #expect(diagnostic.line == 3, "\(sameLine.diagnostics)")
        #expect(diagnostic.column > 11, "\(sameLine.diagnostics)")
    }

    @Test func linesAreCountedAcrossLFCRLFAndLoneCR() {
        let mixed = parse(bytes: Array("---\r\ntitle: T\rdate: 2026-01-01\ninconnu: x\r\n---\r\n".utf8))
        #expect(mixed.diagnostics.map { "\($0.line):\($0.column)" } == ["4:1"])
        let invalid = parse(bytes: Array("---\rtitle: T\rdate: 2026-01-01\r\n---\r\nab".utf8) + [0xC3, 0x28])
        #expect(invalid.diagnostics.map(\.description) == ["posts/post.md:5:3: error: invalid UTF-8; save the file as UTF-8"])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let flow = parse("---\ntitle: T\ndate: 2026-01-01\nx: " + String(repeating: "[", count: 5_000) + "\n---\n")
        #expect(flow.post == nil)
        #expect(flow.diagnostics.count == 1)
        let block = parse("---\ntitle: T\ndate: 2026-01-01\nx: " + String(repeating: "- ", count: 5_000) + "a\n---\n")
        #expect(block.post == nil)
        #expect(block.diagnostics.count == 1)
    }

    @Test func hugeValuesAreQuotedShortened() throws {
        let key = String(repeating: "k", count: 100_000)
        let outcome = parse("---\ntitle: T\ndate: 2026-01-01\n? \(key)\n: 1\n---\n")
        #expect(outcome.post != nil)
        let warning = try #require(outcome.diagnostics.first)
        #expect(warning.description.utf8.count < 400)
        #expect(warning.message.contains("'" + String(repeating: "k", count: 60) + "…'"))
    }
}
