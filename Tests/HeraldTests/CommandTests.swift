import Foundation
import Testing
import TestSupport

/// `herald check` and `herald build` as a user meets them: exit statuses, messages, help.
@Suite struct CommandTests {
    @Test func checkIsCleanOnTheSampleSite() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        let result = try site.herald("check", "--config", site.config)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("config.json: ok; 15 posts accepted, 0 errors, 0 warnings"))
        #expect(!FileManager.default.fileExists(atPath: site.feeds.path))
    }

    @Test func checkReportsPostErrorsInCompilerFormat() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("ok.md", "---\ntitle: Ok\ndate: 2026-01-01\nauteur: moi\n---\n")
        try site.post("bad.md", "---\ntitle: Bad\ndate: 2026-02-30\n---\n")
        let result = try site.herald("check", "--config", site.config)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("posts/bad.md:3:7: error: date: cannot read '2026-02-30'") })
        #expect(lines.contains { $0.hasPrefix("posts/ok.md:4:1: warning: unknown front matter key 'auteur'") })
    }

    @Test(arguments: [
        (#"{"site": {"title": "T", "url": "example.org"}}"#, "site.url: expected an absolute http(s) URL"),
        (#"{"site": {"title": "T", "url": "https://e.org/", "timeZone": "Paris"}}"#, "site.timeZone: unknown time zone \"Paris\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "feeds": {"limit": "50"}}"#, "feeds.limit: expected a whole number from 1 to 10000, found \"50\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "feeds": {"formats": ["atom", "opml"]}}"#, "feeds.formats: unknown format \"opml\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "feed": {}}"#, "feed: unknown key"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "mail": {"from": "a@b.org", "transport": {"kind": "smtp", "url": "http://x"}}}"#, "mail.transport.url: expected \"smtp://host:port\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "mail": {"from": "a@b.org", "transport": {"kind": "smtp", "url": "smtp://herald:s3cret@mail.e.org:587"}}}"#, "mail.transport.url: a password does not belong in the URL"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "mail": {"from": "a@b.org", "transport": {"kind": "smtp", "url": "smtp://mail.e.org:587/ehlo.e.org"}}}"#, "mail.transport.url: the URL has a path"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "mail": {"from": "a@b.org", "transport": {"kind": "smtp", "url": "smtp://127.0.0.1:25", "tls": "none", "username": "herald"}}}"#, "mail.transport.tls: \"none\" sends everything in clear, and credentials are never sent that way"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "newsletters": [{"id": "w", "title": "W", "schedule": "0 8 * *"}]}"#, "newsletters[0].schedule: column 8: expected 5 fields (minute hour day-of-month month day-of-week)"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "newsletters": [{"id": "w", "title": "W", "schedule": "30 08 32 * *"}]}"#, "newsletters[0].schedule: column 7: day of month 32 is out of range 1–31 (in \"30 08 32 * *\")"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "newsletters": [{"id": "w", "title": "W", "schedule": "0 8 * * MON"}, {"id": "m", "title": "M", "schedule": "0 0 30 2 *"}]}"#, "newsletters[1].schedule: column 5: day of month \"30\" never occurs in month \"2\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "http": {"listen": "localhost"}}"#, "http.listen: expected \"HOST:PORT\""),
        (#"{"site": {"title": "T", "url": "https://e.org/",}"#, "not valid JSON"),
        (#"{"site": {"url": "https://e.org/"}}"#, "site.title: missing"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "feeds": {"limit": 1e300}}"#, "feeds.limit: expected a whole number from 1 to 10000, found 1e+300"),
        (#"{"site": {"title": "T", "url": "https://e.org/?q=1"}}"#, "site.url: the site's URL cannot have a query"),
        (#"{"site": {"title": "T", "url": "https://e.org/", "permalink": "https://other.org/{slug}/"}}"#, "site.permalink: expected a path relative to site.url"),
        (#"{"site": {"title": "T", "url": "https://e.org/", "permalink": "{title}/"}}"#, "site.permalink: must contain {slug}"),
        (#"{"site": {"title": "T", "url": "https://e.org/", "tagPermalink": "t/{slug}/{year}/"}}"#, "site.tagPermalink: unknown placeholder"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "mail": {"from": "A <a@b.org>\r\nBcc: x@y.org"}}"#, "mail.from: must not contain a line break"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "posts": {"maxSize": "4 MB"}}"#, "posts.maxSize: expected a whole number from 1024 to 67108864, found \"4 MB\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "posts": {"maxSize": 100}}"#, "posts.maxSize: expected a whole number from 1024 to 67108864, found 100"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "posts": {"renderBudget": 0}}"#, "posts.renderBudget: expected a number from 0.05 to 60.0, found 0"),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "posts": {"renderBudget": "2 s"}}"#, "posts.renderBudget: expected a number from 0.05 to 60.0, found \"2 s\""),
        (#"{"site": {"title": "T", "url": "https://e.org/"}, "posts": {"renderbudget": 2}}"#, "posts.renderbudget: unknown key"),
    ])
    func configurationErrorsNameTheKeyPath(configuration: String, expected: String) throws {
        let site = try SiteFixture(configuration: configuration)
        defer { site.remove() }
        let check = try site.herald("check", "--config", site.config)
        #expect(check.status == 1)
        // FILE:LINE:COL: error: KEY.PATH: MESSAGE
        let line = try #require(check.stdout.split(separator: "\n").first.map(String.init))
        #expect(line.hasPrefix(site.config + ":") || line.hasPrefix("config.json:") || line.contains("config.json:"), "\(line)")
        #expect(line.range(of: #"config\.json:\d+:\d+: error: "#, options: .regularExpression) != nil, "\(line)")
        #expect(line.contains(": error: \(expected)"), "\(line)")
        let build = try site.herald("build", "--config", site.config)
        #expect(build.status == 1)
        #expect(build.stderr.contains(expected), "\(build.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site.feeds.path))
    }

    @Test func configurationErrorsPointAtTheLine() throws {
        let site = try SiteFixture(configuration: """
            {
              "site": { "title": "T", "url": "https://e.org/" },
              "feeds": {
                "directory": "feeds",
                "limt": 20
              }
            }
            """)
        defer { site.remove() }
        let check = try site.herald("check", "--config", site.config)
        #expect(check.stdout.contains("config.json:5:5: error: feeds.limt: unknown key"), "\(check.stdout)")
    }

    @Test func checkVerifiesTheMailSetup() throws {
        let site = try SiteFixture(configuration: """
            {
              "site": { "title": "T", "url": "https://e.org/" },
              "mail": {
                "from": "not a mailbox",
                "transport": { "kind": "maildir" },
                "dkim": { "domain": "e.org", "selector": "s", "privateKeyFile": "missing.pem" }
              },
              "newsletters": [ { "id": "w", "title": "W", "subject": "{{#open}}" } ]
            }
            """)
        defer { site.remove() }
        let check = try site.herald("check", "--config", site.config)
        #expect(check.status == 1)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("config.json:4:5: error: mail.from: ") }, "\(lines)")
        #expect(lines.contains { $0.contains("error: mail.dkim.privateKeyFile: ") }, "\(lines)")
        #expect(lines.contains { $0.contains("error: newsletters[0].subject: ") }, "\(lines)")
        #expect(lines.last?.hasSuffix("errors found; 0 posts accepted, 3 errors, 0 warnings") == true, "\(lines)")
    }

    @Test func anExplicitIDEqualToAGeneratedOneIsRejected() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("a.md", "---\ntitle: A\ndate: 2026-01-01\n---\n")
        try site.post("b.md", "---\ntitle: B\ndate: 2026-01-02\nid: \"tag:amis.example.org,2026-01-01:a\"\n---\n")
        let result = try site.build()
        #expect(result.status == 1)
        #expect(result.stderr.contains("posts/b.md:1:1: error: entry id 'tag:amis.example.org,2026-01-01:a' is also the id of posts/a.md"), "\(result.stderr)")
        #expect(result.stdout.contains("1 post published"))
    }

    @Test func missingPostsFolderPublishesNothing() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        #expect(try site.build().status == 0)
        let before = site.feedFiles()
        try FileManager.default.moveItem(at: site.folder.url.appendingPathComponent("posts"), to: site.folder.url.appendingPathComponent("posts.off"))
        let result = try site.build()
        #expect(result.status == 1)
        #expect(result.stderr.contains("no feed was written or removed"), "\(result.stderr)")
        #expect(site.feedFiles() == before)
    }

    @Test func unreadableSubfolderPublishesNothing() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        #expect(try site.build().status == 0)
        let before = try site.feedFiles().map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let locked = site.folder.url.appendingPathComponent("posts/2026").path
        chmod(locked, 0)
        defer { chmod(locked, 0o755) }
        // Root opens any folder: run the build as nobody, as systemd's DynamicUser would.
        let result = getuid() == 0
            ? try ProcessResult.run(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Repository.heraldBinary, "build", "--config", site.config],
                in: site.folder.url)
            : try site.build()
        #expect(result.status == 1)
        #expect(result.stderr.contains("posts/2026:1:1: error: cannot open folder"), "\(result.stderr)")
        #expect(result.stderr.contains("no feed was written or removed"))
        #expect(try site.feedFiles().map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
    }

    @Test func configDefaultsToEnvironmentThenWorkingDirectory() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("a.md", "---\ntitle: A\ndate: 2026-01-01\n---\n")
        let local = try site.herald("build")
        #expect(local.status == 0, "\(local.stderr)")
        var environment = ProcessInfo.processInfo.environment
        environment["HERALD_CONFIG"] = "/nonexistent/config.json"
        let viaEnvironment = try ProcessResult.run(Repository.heraldBinary, ["check"], in: site.folder.url, environment: environment)
        #expect(viaEnvironment.status == 1)
        #expect(viaEnvironment.stdout.contains("/nonexistent/config.json:1:1: error: does not exist"))
    }

    @Test func editingAPostKeepsItsEntryID() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("fete.md", "---\ntitle: Fête\ndate: 2026-06-21 18:00\n---\nVenez nombreux.\n")
        #expect(try site.build().status == 0)
        let before = try FeedReaders.feedparser(site.feedFiles())
        try site.post("fete.md", "---\ntitle: Fête de la musique «\u{A0}2026\u{A0}»\ndate: 2026-06-21 18:00\nupdated: 2026-06-22\n---\nVenez très nombreux !\n")
        let rebuild = try site.build()
        #expect(rebuild.stdout.contains("wrote feeds/atom.xml"))
        let after = try FeedReaders.feedparser(site.feedFiles())
        for (old, new) in zip(before, after) {
            #expect(old.entries.map { $0["id"] } == new.entries.map { $0["id"] })
            #expect(old.entryTitles != new.entryTitles)
        }
        #expect(after.first?.entries.first?["id"]?.string == "tag:amis.example.org,2026-06-21:fete")
    }

    @Test func helpDescribesTheCommands() throws {
        let help = try ProcessResult.run(Repository.heraldBinary, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("build") && help.stdout.contains("check"))
        let buildHelp = try ProcessResult.run(Repository.heraldBinary, ["build", "--help"])
        #expect(buildHelp.stdout.contains("--config <file>"))
        #expect(buildHelp.stdout.contains("HERALD_CONFIG"))
    }

    @Test func conformanceCheckerRejectsBrokenFeeds() throws {
        // The checker the other tests rely on must itself fail on broken feeds.
        let result = try ProcessResult.run("/bin/sh", [Repository.script("selftest.sh")], environment: ["PATH": "/usr/bin:/bin", "PYTHON": Repository.python])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("selftest: all passed"))
    }
}
