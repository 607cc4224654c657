import Foundation
import Testing
import TestSupport

/// Posts that try to break the build or the feeds: each is reported by file name, the
/// others are still published, and every feed stays readable.
@Suite struct HostilePostsTests {
    @Test func hostilePostsAreReportedAndFeedsStayValid() throws {
        let site = try SiteFixture()
        let outside = try TemporaryDirectory(prefix: "herald-outside")
        defer {
            site.remove()
            outside.remove()
        }
        try site.post("good.md", "---\ntitle: Bon billet\ndate: 2026-01-01\ntags: [Ok]\n---\nTout va bien.\n")
        // Control characters, U+FFFE/U+FFFF and C1 in title and body; `]]>` in the body.
        try site.post(
            "controls.md",
            "---\ntitle: \"Titre\\x01 avec\\x1F «\\u00A0contrôles\\u00A0» \\uFFFE fin\"\ndate: 2026-01-02\ntags: [Ok]\n---\n"
                + "Texte \u{1}\u{8}\u{B}\u{C}\u{1B}[31m rouge \u{FFFE}\u{FFFF}\u{85} et ]]> puis <![CDATA[ x ]]> & fin.\n")
        try site.folder.write(Data([0x2D, 0x2D, 0x2D, 0x0A]) + Data("title: Mauvais\ndate: 2026-01-03\n---\nCaf".utf8) + Data([0xE9, 0x0A]), to: "posts/latin1.md")
        try site.post("list.md", "---\n- title\n- date\n---\nBody\n")
        try site.post("notitle.md", "---\ndate: 2026-01-04\n---\nBody\n")
        try site.post("baddate.md", "---\ntitle: Date\ndate: le 3 mars\n---\nBody\n")
        let paragraph = String(repeating: "Une très longue phrase «\u{A0}répétée\u{A0}» & encore. ", count: 40) + "\n\n"
        try site.post("huge.md", "---\ntitle: Énorme\ndate: 2026-01-05\n---\n" + String(repeating: paragraph, count: 5_300_000 / paragraph.utf8.count))
        let secret = try outside.write("---\ntitle: Secret\ndate: 2026-01-06\n---\nNe pas publier.\n", to: "secret.md")
        try FileManager.default.createSymbolicLink(
            atPath: site.folder.url.appendingPathComponent("posts/escape.md").path, withDestinationPath: secret.path)

        let result = try site.build()
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").map(String.init)
        for (file, message) in [
            ("posts/latin1.md:5:4", "invalid UTF-8"),
            ("posts/list.md:2:1", "must be a YAML mapping"),
            ("posts/notitle.md:2:1", "missing 'title'"),
            ("posts/baddate.md:3:7", "date: cannot read 'le 3 mars'"),
            ("posts/escape.md:1:1", "outside the posts folder"),
        ] {
            #expect(errors.contains { $0.hasPrefix(file + ": error: ") && $0.contains(message) }, "\(file) in \(errors)")
        }
        #expect(errors.contains { $0.hasPrefix("posts/controls.md:2:8: warning: title: control characters removed") })
        #expect(result.stdout.contains("3 posts published"))

        let files = site.feedFiles()
        let conformance = try FeedReaders.conformance(files)
        #expect(conformance.passed, "\(conformance.output)")
        let parsed = try FeedReaders.feedparser(files)
        #expect(parsed.allSatisfy { !$0.bozo }, "\(parsed.filter(\.bozo).map { "\($0.file): \($0.bozoException ?? "")" })")
        let atom = try #require(parsed.first { $0.file.hasSuffix("/feeds/atom.xml") })
        #expect(Set(atom.entryTitles) == ["Bon billet", "Titre avec «\u{A0}contrôles\u{A0}»  fin", "Énorme"])
        #expect(!atom.entryTitles.contains("Secret"))
        let atomText = try String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atomText.contains("et ]]&gt; puis"))
        #expect(!atomText.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }
}
