import Foundation
import Testing
import TestSupport
@testable import Posts

/// A thousand generated hostile front matters (a seeded mix of control characters, odd
/// YAML, huge keys, deep nesting, aliases and odd dates): each parse ends quickly, and gives
/// a post or diagnostics that are one line of text each, located inside the file.
@Suite struct GeneratedHostileFrontMatterTests {
    let parser = PostParser(timeZone: TimeZone(identifier: "Europe/Paris")!)

    @Test func everyGeneratedFrontMatterIsParsedQuicklyIntoCleanDiagnostics() throws {
        var random = SeededGenerator(seed: 0x4845_5241_4C44)  // "HERALD"
        var posts = 0
        var rejected = 0
        let start = ContinuousClock.now
        for index in 0..<1_000 {
            let text = Self.hostilePost(&random)
            let path = "gen/\(index)\u{1B}[31m:1:1: error: x.md"
            let before = ContinuousClock.now
            let outcome = parser.parse(Array(text.utf8), path: path, displayPath: "posts/" + path)
            let elapsed = ContinuousClock.now - before
            // Not a benchmark: a super-linear input takes seconds, every other one milliseconds.
            #expect(elapsed < .milliseconds(500), "case \(index) took \(elapsed): \(text.debugDescription.prefix(300))")
            if outcome.post != nil { posts += 1 } else { rejected += 1 }
            #expect(outcome.post != nil || outcome.diagnostics.contains { $0.severity == .error }, "case \(index)")
            let lines = text.utf8.count(where: { $0 == 0x0A || $0 == 0x0D }) + 1
            for diagnostic in outcome.diagnostics {
                let printed = diagnostic.description
                #expect(!printed.unicodeScalars.contains(where: Self.isUnprintable), "case \(index): \(printed.debugDescription)")
                #expect(printed.hasPrefix("posts/gen/\(index)\\x1b[31m\\x3a1\\x3a1\\x3a error\\x3a x.md:"), "\(printed)")
                #expect((1...lines).contains(diagnostic.line) || diagnostic.line == 0, "case \(index): \(printed)")
                #expect(printed.utf8.count < 2_000, "case \(index): \(printed.prefix(200))")
            }
        }
        // The mix must exercise both outcomes, or it tests nothing.
        #expect(posts > 50 && rejected > 50, "\(posts) posts, \(rejected) rejected")
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    // MARK: - Generators

    static let controls: [String] = [
        "\u{0}", "\u{1}", "\u{7}", "\u{8}", "\u{B}", "\u{C}", "\u{1B}", "\u{1B}[2J", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}",
        "\u{2028}", "\u{2029}", "\u{202E}", "\u{FEFF}", "\u{FFFE}", "\u{FFFF}", "\r", "\r\n", "\t",
    ]

    static let yamlBits: [String] = [
        "[", "]", "{", "}", ",", ":", ": ", "? ", "- ", "!!binary ", "!t ", "!<tag:x> ", "|", ">-", "\"", "'", "\\",
        "%YAML 1.1\n", "--- ", "... ", "&a ", "*a ", "<<: *a", "#", " #c", "\n  ", "\n- ", "\n? ", "~", "null", "@", "`",
        "\"\\x1b\"", "\"\\u2028\"", "\"\\N\"", "\"\\0\"", "'it''s'",
    ]

    static let keys = ["title", "date", "updated", "author", "tags", "summary", "draft", "slug", "id", "lang", "image", "x"]

    static func hostilePost(_ random: inout SeededGenerator) -> String {
        var lines = ["title: Titre \(random.next() % 1000)", "date: 2026-01-0\(1 + random.next() % 9)"]
        switch random.next() % 8 {
        case 0:  // control characters in keys and values
            for _ in 0..<(1 + random.next() % 3) {
                let line = Int(random.next() % UInt64(lines.count))
                var characters = Array(lines[line])
                let at = Int(random.next() % UInt64(characters.count + 1))
                characters.insert(contentsOf: random.pick(controls), at: at)
                lines[line] = String(characters)
            }
        case 1:  // odd YAML
            var line = random.pick(keys) + ": "
            for _ in 0..<(1 + random.next() % 8) { line += random.pick(yamlBits) + (random.next() % 2 == 0 ? "v" : "") }
            lines.insert(line, at: Int(random.next() % 3))
        case 2:  // huge keys and values
            let size = 1_000 + Int(random.next() % 20_000)
            let filler = String(repeating: random.pick(["k", "é", "\u{1F600}", "\\t", " "]), count: size)
            lines.append(random.next() % 2 == 0 ? "? \"\(filler)\"\n: 1" : "\(random.pick(keys)): \"\(filler)\"")
        case 3:  // deep nesting
            let depth = 100 + Int(random.next() % 1_500)
            switch random.next() % 3 {
            case 0: lines.append("x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            case 1: lines.append("x: " + String(repeating: "- ", count: depth) + "a")
            default: lines.append("x: " + String(repeating: "{a: ", count: depth) + "b" + String(repeating: "}", count: depth))
            }
        case 4:  // anchors and aliases, billion-laughs shaped
            let width = 2 + Int(random.next() % 8)
            let levels = 2 + Int(random.next() % 8)
            lines.append("a0: &a0 [" + Array(repeating: "lol", count: width).joined(separator: ", ") + "]")
            for level in 1...levels {
                lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: width).joined(separator: ", ") + "]")
            }
            lines.append(random.next() % 2 == 0 ? "? *a\(levels)\n: boom" : "{*a\(levels): x}: y")
        case 5:  // odd dates
            let year = random.pick(["0000", "0001", "9999", "2026", "10000", "-001", "20 26"])
            let time = random.pick(["", " 12:00:60", "T23:59:59", "T24:00", " 00:00:00.9999999999", "T12:00-23:59", "T12:00+24:00"])
            lines[1] = "\(random.pick(["date", "updated"])): \(year)-\(random.pick(["01", "12", "13", "02"]))-\(random.pick(["31", "29", "01", "00"]))\(time)"
        case 6:  // values that reach the feeds
            lines.append(random.pick([
                "id: tag:Example.org,2026:x", "id: urn:uuid:nope", "id: https://ex.org/a b", "id: tag:example.org,2026-02-30:x",
                "lang: fr_FR", "lang: x", "lang: zh-Hant-TW", "author: {name: \"***\", email: a@b, uri: \"https:///\"}",
                "author: {name: Zoé, email: zoe@example.org, uri: https://zoe.example.org/}", "image: \"%zz\"", "tags: [\"\", \"—\"]",
            ]))
        default:  // duplicate keys, nested or not
            let key = random.pick(keys)
            lines.append("\(key): a")
            lines.append(random.next() % 2 == 0 ? "\(key): b" : "author: {name: a, name: b}")
        }
        lines.shuffle(using: &random)
        return "---\n" + lines.joined(separator: "\n") + "\n---\nCorps.\n"
    }
}
