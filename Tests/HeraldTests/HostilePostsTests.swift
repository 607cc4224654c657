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
        try site.post("huge.md", "---\ntitle: Énorme\ndate: 2026-01-05\n---\n" + String(repeating: paragraph, count: 3_900_000 / paragraph.utf8.count))
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

    /// The front matter side of the generated hostile posts: aliases that expanded for 39 s, a
    /// file name and control characters that forged or garbled diagnostics, values the feed
    /// validator refused. `check` reports each on one line, quickly; `build` publishes the
    /// rest in feeds that pass the conformance checker.
    @Test func hostileFrontMatterIsReportedOnOneLineAndNeverReachesTheFeeds() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("good.md", "---\ntitle: Bon billet\ndate: 2026-01-01\n---\nTout va bien.\n")
        var laughs = "---\ntitle: Rires\ndate: 2026-01-02\na0: &a0 [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]\n"
        for level in 1...8 {
            laughs += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        try site.post("laughs.md", laughs + "? *a8\n: boom\n---\nCorps.\n")
        try site.post("a:9:9: error: fake.md", "---\ndate: 2026-01-03\n---\nSans titre.\n")
        try site.post("esc.md", "---\ntitle: Bon\u{1B}[31m rouge\u{1B}[0m\ndate: 2026-01-04\n---\nCorps.\n")
        try site.post("dup.md", "---\ntitle: Un\ndate: 2026-01-05\ntitle: Deux\n---\nCorps.\n")
        try site.post("year.md", "---\ntitle: Fin des temps\ndate: 9999-12-31T23:59-23:59\n---\nCorps.\n")
        try site.post("leap.md", "---\ntitle: Seconde\ndate: 2026-06-30 12:00:60\n---\nCorps.\n")
        try site.post("id.md", "---\ntitle: Id\ndate: 2026-01-06\nid: urn:uuid:pas-un-uuid\n---\nCorps.\n")
        try site.post("lang.md", "---\ntitle: Langue\ndate: 2026-01-07\nlang: fr_FR\n---\nCorps.\n")
        try site.post("star.md", "---\ntitle: Étoile\ndate: 2026-01-08\nauthor: \"★\"\n---\nCorps.\n")
        try site.post(
            "values.md",
            "---\ntitle: Valeurs\ndate: 2026-01-09\nid: \"tag:amis.example.org,2026-01-09:valeurs\"\nlang: fr-CA\n"
                + "image: images/ma photo.jpg\n"
                + "author: {name: Zoé, email: zoe@example.org, uri: \"https://zoe.example.org/à propos\"}\n---\nCorps.\n")
        try site.post("mail.md", "---\ntitle: Courriel\ndate: 2026-01-10\nauthor: {name: Léa, email: \"lea@exa mple.org\"}\n---\nCorps.\n")

        let start = ContinuousClock.now
        let check = try site.herald("check", "--config", site.config)
        // Not a benchmark: the aliases alone took 39 s before they were refused.
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(check.status == 1)
        let lines = check.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (prefix, message) in [
            ("posts/laughs.md:4:5: error: ", "anchors (&name) and aliases (*name) are not allowed in front matter"),
            ("posts/a\\x3a9\\x3a9\\x3a error\\x3a fake.md:2:1: error: ", "missing 'title'"),
            ("posts/esc.md:2:11: error: ", "front matter contains the control character U+001B"),
            ("posts/dup.md:4:1: error: ", "duplicate key 'title' in front matter; it is first written on line 2"),
            ("posts/year.md:3:7: error: ", "date: '9999-12-31T23:59-23:59' is outside the years 0001–9999"),
            ("posts/leap.md:3:7: error: ", "date: cannot read '2026-06-30 12:00:60'"),
            ("posts/id.md:4:5: error: ", "id: 'urn:uuid:pas-un-uuid' is not a urn:uuid: followed by a UUID"),
            ("posts/lang.md:4:7: error: ", "lang: 'fr_FR' is not a BCP 47 language tag"),
            ("posts/star.md:4:9: warning: ", "author: '★' has no letter or digit, so no author feed is made for it"),
            ("posts/mail.md:4:28: warning: ", "author.email: 'lea@exa mple.org' is not an e-mail address"),
        ] {
            #expect(lines.contains { $0.hasPrefix(prefix) && $0.contains(message) }, "\(prefix)\(message) in \(lines)")
        }
        // One line each, and nothing a terminal would act on.
        #expect(!check.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(check.stdout.debugDescription)")
        #expect(!lines.contains { $0.hasPrefix("a:9:9") || $0.hasPrefix("posts/a:") })
        #expect(lines.last(where: { !$0.isEmpty })?.contains("4 posts accepted, 8 errors, 2 warnings") == true, "\(lines)")

        let build = try site.build()
        #expect(build.status == 1)
        #expect(build.stdout.contains("4 posts published"), "\(build.stdout)")
        let files = site.feedFiles()
        let conformance = try FeedReaders.conformance(files)
        #expect(conformance.passed, "\(conformance.output)")
        let atom = try String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atom.contains("<uri>https://zoe.example.org/%C3%A0%20propos</uri>"), "\(atom)")
        #expect(atom.contains("<id>tag:amis.example.org,2026-01-09:valeurs</id>"))
        let json = try String(contentsOf: site.feeds.appendingPathComponent("feed.json"), encoding: .utf8)
        #expect(json.contains("/images/ma%20photo.jpg"), "\(json)")
        // No author feed for a name without a letter or digit; the others have theirs.
        let authors = try FileManager.default.contentsOfDirectory(atPath: site.feeds.appendingPathComponent("authors").path)
        #expect(Set(authors) == ["le-bureau", "zoe", "lea"], "\(authors)")
    }

    /// Raw HTML and Markdown that try to run something: none of it reaches a feed or a digest,
    /// checked on Herald's own bytes (feedparser would sanitise what it reads).
    @Test func activeContentNeverLeavesHerald() throws {
        let site = try DigestPreviewTests.site(newsletterExtra: "\"content\": \"full\"")
        defer { site.remove() }
        let french = "«\u{A0}Élus & Associations\u{A0}» : l’œuvre commune"
        try site.post("2026/piege.md", """
            ---
            title: Piège
            date: 2026-06-01
            ---
            \(french) <span onclick="alert(1)">zorglub</span> <img src=x OnError=alert(1)> [lien](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)

            <div onmouseover="alert(1)"><a href="&#106;avascript:alert(1)">a</a><a href="java&#x09;script:alert(1)">b</a></div>

            <svg onload=alert(1)><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">m</mi></math>
            <iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
            <base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">
            <link rel="stylesheet" href="https://evil.example/x.css"><form action="https://evil.example/"><input name="q"></form>
            <!-- <script>alert(1)</script> --><![CDATA[<script>alert(1)</script>]]><style>p{}</style>

            [ref][r] <VBScript:msgbox(1)> <video src="v.mp4" poster="javascript:alert(1)" onplay="alert(1)"></video>

            [r]: javascript:alert(1)
            """)
        let result = try site.build()
        #expect(result.status == 0, "\(result.stderr)")
        func check(_ html: String, in place: String) {
            let lowered = html.lowercased()
            for forbidden in ["<script", "<svg", "<math", "<iframe", "<object", "<embed", "<base", "<meta", "<link", "<form",
                              "<input", "<style", "<!--", "xlink:", "alert(1)</"] {
                #expect(!lowered.contains(forbidden), "\(forbidden) in \(place): \(html)")
            }
            // Script URLs may only be left as text (an autolink's label), never as a destination.
            let destinations = lowered.matches(of: /(?:href|src|poster|cite)="([^"]*)"/).map { String($0.output.1) }
            for destination in destinations {
                #expect(!destination.contains("script:") && !destination.hasPrefix("data:"), "\(destination) in \(place)")
            }
            #expect(lowered.range(of: #"<[^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "handler in \(place): \(html)")
        }
        let feeds = try FeedReaders.contentHTML(site.feedFiles())
        let piege = feeds.flatMap { file, values in values.filter { $0.contains("zorglub") }.map { (file, $0) } }
        // The site's Atom, RSS (content:encoded, and description: the summary) and JSON feeds,
        // and the author's.
        #expect(piege.count == 8, "\(feeds.keys.sorted())")
        for (file, html) in piege {
            check(html, in: file)
        }
        let contents = Set(piege.map(\.1).filter { $0.hasPrefix("<p>") })
        // One sanitised HTML, the same in every feed.
        #expect(contents.count == 1)
        for html in contents {
            #expect(html.hasPrefix("<p>\(french.replacingOccurrences(of: "&", with: "&amp;")) <span>zorglub</span> <img src=\"https://amis-saint-eloi.example.org/posts/piege/x\" /> <a href=\"\">lien</a>"), "\(html)")
            #expect(html.contains("<video src=\"https://amis-saint-eloi.example.org/posts/piege/v.mp4\"></video>"), "\(html)")
        }
        let output = site.folder.url.appendingPathComponent("preview.eml").path
        let preview = try site.herald("digest", "preview", "hebdo", "--config", site.config, "--output", output)
        #expect(preview.status == 0, "\(preview.stderr)")
        let message = try DigestPreviewTests.parse(output)
        let html = try #require(message["html"] as? String)
        // The same HTML as the feeds' (the template around it has its own <meta> and styles).
        let lines = html.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(contents.allSatisfy { lines.contains($0) }, "the hostile post is in the digest: \(html.debugDescription)")
        for forbidden in ["<script", "<svg", "<iframe", "<object", "<embed", "<form", "<input", "<base", "href=\"javascript:",
                          "data:text", "xlink:", "onclick", "onerror", "onmouseover", "onload", "onplay"] {
            #expect(!html.lowercased().contains(forbidden), "\(forbidden) in the digest: \(html)")
        }
    }

    /// One post that cmark-gfm 0.29 renders in quadratic time (`![[]()` × 160,000: minutes),
    /// and one over `posts.maxSize`: `check` and `build` name both, within about the budget,
    /// and publish the others.
    @Test func slowAndOversizedPostsAreRejectedWithinTheBudget() throws {
        let site = try SiteFixture(configuration: SiteFixture.minimalConfig.replacingOccurrences(
            of: #""posts": { "directory": "posts" }"#,
            with: #""posts": { "directory": "posts", "renderBudget": 1, "maxSize": 2097152 }"#))
        defer { site.remove() }
        for day in 1...3 {
            try site.post("bon-\(day).md", "---\ntitle: Bon \(day)\ndate: 2026-01-0\(day)\n---\n~~Barré~~, www.example.org et «\u{A0}guillemets\u{A0}».\n")
        }
        try site.post("lent.md", "---\ntitle: Lent\ndate: 2026-01-05\n---\n" + String(repeating: "![[]()", count: 160_000) + "\n")
        try site.post("gros.md", "---\ntitle: Gros\ndate: 2026-01-06\n---\n" + String(repeating: "Texte. ", count: 450_000) + "\n")

        var started = ContinuousClock.now
        let check = try site.herald("check", "--config", site.config)
        #expect(ContinuousClock.now - started < .seconds(15), "check waited for the slow post")
        #expect(check.status == 1)
        #expect(check.stdout.contains("posts/lent.md:1:1: error: rendering took longer than 1 s; the post is left out"), "\(check.stdout)")
        #expect(check.stdout.contains("posts/gros.md:1:1: error: file is 3.0 MiB; posts over 2 MiB are not read (posts.maxSize)"), "\(check.stdout)")
        #expect(check.stdout.contains("3 posts accepted, 2 errors"), "\(check.stdout)")

        started = ContinuousClock.now
        let build = try site.build()
        #expect(ContinuousClock.now - started < .seconds(15), "build waited for the slow post")
        #expect(build.status == 1)
        #expect(build.stderr.contains("posts/lent.md:1:1: error: rendering took longer than 1 s"), "\(build.stderr)")
        #expect(build.stderr.contains("posts/gros.md:1:1: error: file is 3.0 MiB"), "\(build.stderr)")
        #expect(build.stdout.contains("3 posts published"), "\(build.stdout)")
        let parsed = try FeedReaders.feedparser(site.feedFiles())
        let atom = try #require(parsed.first { $0.file.hasSuffix("/feeds/atom.xml") })
        #expect(Set(atom.entryTitles) == ["Bon 1", "Bon 2", "Bon 3"])
        let atomText = try String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atomText.components(separatedBy: "&lt;del&gt;Barré&lt;/del&gt;, &lt;a href=&quot;http://www.example.org&quot;&gt;").count == 4)
    }
}
