import CivilCalendar
import Foundation
import MarkdownRendering
import Posts
import Testing
import TestSupport
@testable import Feeds

@Suite struct FeedBuilderTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!
    static let site = FeedSite(
        title: "Les Amis de Saint-Éloi", description: "Actualités & rendez-vous", url: "https://amis.example.org",
        language: "fr", timeZone: paris, author: Author(name: "Le bureau", email: "bureau@amis.example.org"))
    static let title = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    func date(_ day: Int, hour: Int = 10) -> Date {
        CivilTime(year: 2026, month: 3, day: day, hour: hour).date(in: Self.paris)
    }

    func post(_ slug: String, day: Int, hour: Int = 10, tags: [String] = ["Vie de quartier"], author: String? = nil, title: String? = nil, body: String = "Corps.") -> Post {
        Post(
            path: "\(slug).md", title: title ?? "Titre \(slug)", slug: slug, date: date(day, hour: hour), author: author.map { Author(name: $0) },
            tags: tags, body: body)
    }

    func text(_ files: [FeedFile], _ path: String) -> String {
        String(decoding: files.first { $0.path == path }!.bytes, as: UTF8.self)
    }

    @Test func layoutCoversSiteTagsAndAuthors() throws {
        let builder = FeedBuilder(site: Self.site, options: FeedOptions())
        let posts = [
            post("a", day: 1, tags: ["Élus & Entreprises"], author: "Chloé Bœuf"),
            post("b", day: 2, tags: ["Fête", "élus & entreprises"]),
        ]
        let files = try builder.files(for: posts, now: date(20))
        #expect(files.map(\.path) == [
            "atom.xml", "authors/chloe-boeuf/atom.xml", "authors/chloe-boeuf/feed.json", "authors/chloe-boeuf/rss.xml",
            "authors/le-bureau/atom.xml", "authors/le-bureau/feed.json", "authors/le-bureau/rss.xml",
            "feed.json", "rss.xml",
            "tags/elus-entreprises/atom.xml", "tags/elus-entreprises/feed.json", "tags/elus-entreprises/rss.xml",
            "tags/fete/atom.xml", "tags/fete/feed.json", "tags/fete/rss.xml",
        ])
        let atom = text(files, "tags/elus-entreprises/atom.xml")
        #expect(atom.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://amis.example.org/feeds/tags/elus-entreprises/atom.xml\"/>"))
        #expect(atom.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://amis.example.org/tags/elus-entreprises/\"/>"))
        // The display name comes from the newest post that uses the tag.
        #expect(atom.contains("Étiquette «\u{A0}élus &amp; entreprises\u{A0}»"))
    }

    /// The JSON Feed writer escapes what JSON needs and nothing else: read back by Foundation's
    /// parser (not the writer), every string comes back as it was.
    @Test func jsonFeedStringsRoundTrip() throws {
        let hostile = "«\u{A0}guillemets\u{A0}» \"quoted\" back\\slash\n\r\t\u{8}\u{C}\u{1}\u{1F} \u{2028}\u{2029} / </script> 🎉 œ & ’"
        let builder = FeedBuilder(site: Self.site, options: FeedOptions(formats: [.json]))
        let posts = [post("a", day: 1, tags: [hostile, "Fête"], author: hostile, title: hostile, body: "Corps.")]
        let files = try builder.files(for: posts, now: date(20))
        let bytes = try #require(files.first { $0.path == "feed.json" }).bytes
        #expect(!bytes.contains(0x0A) || String(decoding: bytes, as: UTF8.self).split(separator: "\n").allSatisfy { !$0.contains("\u{2028}") })
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let item = try #require((feed["items"] as? [[String: Any]])?.first)
        #expect(item["title"] as? String == hostile)
        #expect((item["tags"] as? [String]) == [hostile, "Fête"])
        #expect(((item["authors"] as? [[String: Any]])?.first?["name"] as? String) == hostile)
        #expect(feed["version"] as? String == "https://jsonfeed.org/version/1.1")
        #expect(feed["description"] as? String == "Actualités & rendez-vous")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\\u2028") && text.contains("\\u0001") && text.contains("</script>"))
    }

    @Test func draftsAndFuturePostsAreLeftOut() throws {
        var draft = post("draft", day: 3)
        draft.isDraft = true
        let future = post("future", day: 25)
        let builder = FeedBuilder(site: Self.site, options: FeedOptions(formats: [.json]))
        let documents = builder.documents(for: [post("a", day: 1), draft, future], now: date(20)).documents
        #expect(documents[0].entries.map(\.url) == ["https://amis.example.org/posts/a/"])
        let later = builder.documents(for: [post("a", day: 1), draft, future], now: date(26)).documents
        #expect(later[0].entries.count == 2)
    }

    @Test func limitKeepsTheNewest() {
        let posts = (1...28).map { post("p\($0)", day: $0) }
        let builder = FeedBuilder(site: Self.site, options: FeedOptions(limit: 5))
        let documents = builder.documents(for: posts.shuffled(), now: date(28, hour: 23)).documents
        #expect(documents.allSatisfy { $0.entries.count == 5 })
        #expect(documents[0].entries.map(\.id).first == "tag:amis.example.org,2026-03-28:p28")
        #expect(documents[0].updated == date(28))
    }

    @Test func aPostTooSlowToRenderLeavesItsPlaceToTheNextOne() {
        // Rendered in Herald's renderer processes; `![[]()` repeated is quadratic in cmark-gfm 0.29.
        let workers = MarkdownWorkers(executable: Repository.heraldBinary, budget: .milliseconds(500))
        let builder = FeedBuilder(site: Self.site, options: FeedOptions(formats: [.atom], limit: 2), renderer: workers)
        let posts = [post("a", day: 1), post("b", day: 2), post("lent", day: 3, body: String(repeating: "![[]()", count: 160_000))]
        let documents = builder.documents(for: posts, now: date(20))
        #expect(documents.rejected == [RenderingFailure(name: "lent.md", error: .tooSlow(budget: .milliseconds(500)))])
        #expect(documents.documents.allSatisfy { $0.entries.map(\.url) == ["https://amis.example.org/posts/b/", "https://amis.example.org/posts/a/"] })
    }

    @Test func idsSurviveEditsAndOutputIsByteIdentical() throws {
        let builder = FeedBuilder(site: Self.site, options: FeedOptions())
        let original = [post("rencontre", day: 5, title: Self.title, body: "Avant.")]
        var edited = original
        edited[0].title = "Nouveau titre"
        edited[0].body = "Après, bien plus long."
        edited[0].updated = date(6)
        let first = try builder.files(for: original, now: date(20))
        let again = try builder.files(for: original, now: date(27))
        let changed = try builder.files(for: edited, now: date(20))
        #expect(first == again)
        let id = "tag:amis.example.org,2026-03-05:rencontre"
        for path in ["atom.xml", "rss.xml", "feed.json"] {
            #expect(text(first, path).contains(id))
            #expect(text(changed, path).contains(id))
        }
        #expect(text(changed, "atom.xml").contains("<updated>2026-03-06T10:00:00+01:00</updated>"))
        #expect(!text(first, "atom.xml").contains("2026-03-06"))
    }

    @Test func rssDeclaresItsNamespacesAndUsesRFC822() throws {
        let files = try FeedBuilder(site: Self.site, options: FeedOptions(formats: [.rss], byTag: false, byAuthor: false))
            .files(for: [post("a", day: 29, hour: 18)], now: date(30))
        let rss = text(files, "rss.xml")
        #expect(rss.contains("xmlns:atom=\"http://www.w3.org/2005/Atom\""))
        #expect(rss.contains("xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""))
        #expect(rss.contains("xmlns:dc=\"http://purl.org/dc/elements/1.1/\""))
        // 29 March 2026 is the first day of summer time in Paris.
        #expect(rss.contains("<pubDate>Sun, 29 Mar 2026 18:00:00 +0200</pubDate>"))
        #expect(rss.contains("<guid isPermaLink=\"false\">tag:amis.example.org,2026-03-29:a</guid>"))
    }

    @Test func weekdaysBefore1970() throws {
        let utcSite = FeedSite(title: "S", url: "https://s.org/", language: "en", timeZone: TimeZone(identifier: "America/New_York")!, author: Author(name: "A"))
        let landing = Post(path: "a.md", title: "Moon", slug: "moon", date: CivilTime(year: 1969, month: 7, day: 20, hour: 20, minute: 17).date(offsetSeconds: 0), body: "x")
        let files = try FeedBuilder(site: utcSite, options: FeedOptions(formats: [.rss], byTag: false, byAuthor: false)).files(for: [landing], now: Date())
        #expect(text(files, "rss.xml").contains("<pubDate>Sun, 20 Jul 1969 16:17:00 -0400</pubDate>"))
        let empty = try FeedBuilder(site: utcSite, options: FeedOptions(formats: [.rss], byTag: false, byAuthor: false)).files(for: [], now: Date())
        #expect(text(empty, "rss.xml").contains("<lastBuildDate>Wed, 31 Dec 1969 19:00:00 -0500</lastBuildDate>"))
    }

    @Test func excerptModeLinksToThePost() throws {
        let posts = [post("a", day: 1, body: "Intro.\n\nSuite.")]
        let documents = FeedBuilder(site: Self.site, options: FeedOptions(content: .excerpt)).documents(for: posts, now: date(2)).documents
        #expect(documents[0].entries[0].contentHTML == "<p>Intro.</p>\n<p><a href=\"https://amis.example.org/posts/a/\">Lire la suite</a></p>\n")
        #expect(documents[0].entries[0].summary == "Intro.")
    }

    @Test func emptySiteStillHasValidDates() throws {
        let files = try FeedBuilder(site: Self.site, options: FeedOptions()).files(for: [], now: date(1))
        #expect(files.map(\.path) == ["atom.xml", "feed.json", "rss.xml"])
        #expect(text(files, "atom.xml").contains("<updated>1970-01-01T01:00:00+01:00</updated>"))
    }
}

extension FeedBuilder {
    /// The tests' builder: Markdown rendered in the test process.
    init(site: FeedSite, options: FeedOptions) {
        self.init(site: site, options: options, renderer: MarkdownRenderer())
    }

    /// Every feed file for `posts`, which must all render.
    func files(for posts: [Post], now: Date) throws -> [FeedFile] {
        let documents = self.documents(for: posts, now: now)
        #expect(documents.rejected.isEmpty)
        return try files(for: documents.documents)
    }
}
