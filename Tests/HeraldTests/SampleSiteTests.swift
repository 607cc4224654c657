import Foundation
import Testing
import TestSupport

/// The sample site, built by the real binary and read back by real readers.
@Suite(.serialized) struct SampleSiteTests {
    static let rencontre = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    @Test func sampleSiteBuildsAndEveryFeedPassesTheReaders() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        let result = try site.build()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote feeds/atom.xml"))
        #expect(result.stdout.contains("1 draft skipped, 1 scheduled for later"))

        let files = site.feedFiles()
        #expect(files.count >= 30)
        let xmlFiles = files.filter { $0.hasSuffix(".xml") }
        let lint = try FeedReaders.xmllint(xmlFiles)
        #expect(lint.passed, "\(lint.output)")
        let conformance = try FeedReaders.conformance(files)
        #expect(conformance.passed, "\(conformance.output)")

        let parsed = try FeedReaders.feedparser(files)
        #expect(parsed.count == files.count)
        for feed in parsed {
            #expect(!feed.bozo, "\(feed.file): \(feed.bozoException ?? "")")
            #expect(!feed.entries.isEmpty, "\(feed.file) has no entries")
        }
        // The French title survives byte for byte in all three formats.
        for name in ["atom.xml", "rss.xml", "feed.json"] {
            let feed = try #require(parsed.first { $0.file.hasSuffix("/feeds/" + name) })
            #expect(feed.entryTitles.contains { $0.utf8.elementsEqual(Self.rencontre.utf8) }, "\(name): \(feed.entryTitles)")
            // 15 posts: one draft and one scheduled for 2027 stay out.
            #expect(feed.entries.count == 13)
            #expect(!feed.entryTitles.contains { $0.contains("Marché de Noël") })
        }
        let atom = try #require(parsed.first { $0.file.hasSuffix("/feeds/atom.xml") })
        #expect(atom.version == "atom10")
        #expect(try #require(parsed.first { $0.file.hasSuffix("/feeds/rss.xml") }).version == "rss20")
    }

    @Test func relativeLinksAreAbsoluteInTheFeeds() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        #expect(try site.build().status == 0)
        let atom = try String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atom.contains("src=&quot;https://amis-saint-eloi.example.org/posts/fete-de-quartier-2026/images/affiche-fete.jpg&quot;"))
        #expect(!atom.contains("href=&quot;../"))
        #expect(!atom.contains("src=&quot;images/"))
    }

    @Test func rebuildingGivesIdenticalBytesAndTouchesNothing() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        #expect(try site.build().status == 0)
        let files = site.feedFiles()
        let before = try files.map { (try Data(contentsOf: URL(fileURLWithPath: $0)), try Self.mtime($0)) }
        Thread.sleep(forTimeInterval: 0.05)
        let second = try site.build()
        #expect(second.status == 0)
        #expect(!second.stdout.contains("wrote "))
        #expect(second.stdout.contains("(0 written, \(files.count) unchanged, 0 removed)"))
        let after = try files.map { (try Data(contentsOf: URL(fileURLWithPath: $0)), try Self.mtime($0)) }
        for (old, new) in zip(before, after) {
            #expect(old.0 == new.0)
            #expect(old.1 == new.1)
        }
    }

    static func mtime(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }
}
