import CivilCalendar
import Foundation
import Testing
@testable import Posts

/// Front matter values that end up in feeds are checked so that a feed validator never
/// rejects what `herald check` accepted.
@Suite struct FeedValueTests {
    let paris = PostDate(timeZone: TimeZone(identifier: "Europe/Paris")!)
    let parser = PostParser(timeZone: TimeZone(identifier: "Europe/Paris")!)

    func parse(_ frontMatter: String) -> PostParser.Outcome {
        parser.parse(Array(("---\ntitle: T\n" + frontMatter + "---\nCorps.\n").utf8), path: "p.md", displayPath: "posts/p.md")
    }

    // MARK: - Dates

    @Test(arguments: [
        "0000-06-15",  // year 0 is not an RFC 3339 year
        "9999-12-31T23:59-23:59",  // year 10000 in UTC
        "0001-01-01T00:30+01:00",  // year 0 in UTC
        "0001-01-01",  // midnight in Paris (LMT +00:09:21) is still year 0 in UTC
        "9999-12-31T23:59:59Z",  // year 10000 in Paris, where RSS dates are written
    ])
    func yearsOutsideFeedRangeAreRefused(text: String) {
        #expect(paris.read(text) == .failure(.yearOutOfRange), "\(text)")
    }

    @Test func yearsAtTheEdgesOfTheRangeAreAccepted() {
        #expect(paris.parse("9999-12-31") != nil)
        #expect(paris.parse("9999-12-31T20:00:00Z") != nil)
        #expect(paris.parse("0001-01-01T12:00Z") != nil)
    }

    @Test func aLeapSecondIsRefused() {
        #expect(paris.read("2026-06-30 12:00:60") == .failure(.unreadable))
        #expect(paris.read("2026-06-30T23:59:60Z") == .failure(.unreadable))
        #expect(paris.parse("2026-06-30 12:00:59") != nil)
    }

    @Test func dateDiagnosticsSayWhy() {
        let outcome = parse("date: 9999-12-31T23:59-23:59\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.map(\.description) == [
            "posts/p.md:3:7: error: date: '9999-12-31T23:59-23:59' is outside the years 0001–9999 (in UTC or in the site's time zone), which feeds cannot write"
        ])
        #expect(parse("date: 2026-01-01 12:00:60\n").diagnostics.first?.message.hasPrefix("date: cannot read '2026-01-01 12:00:60'") == true)
    }

    // MARK: - Entry ids

    @Test(arguments: [
        "tag:example.org,2026-01-31:my-post", "tag:example.org,2026:a/b?c=d;e", "tag:zoe@example.org,2026-02:x#frag",
        "tag:a-b.example.org,2024-02-29:", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        "urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E", "urn:isbn:978-2-07-036822-8", "https://example.org/posts/1",
        "https://[2001:db8::1]/p", "http://example.org/caf%C3%A9#top", "mailto:zoe@example.org",
    ])
    func validEntryIDs(id: String) {
        #expect(EntryID.problem(id) == nil, "\(id): \(EntryID.problem(id) ?? "")")
    }

    @Test(arguments: [
        "not an iri", "no-scheme", "tag:", "tag:Example.org,2026:x", "tag:example.org:x", "tag:example.org,26:x",
        "tag:example.org,2026-13:x", "tag:example.org,2026-02-30:x", "tag:-a.org,2026:x", "tag:example.org,2026:a b",
        "tag:example.org,2026:a#b#c", "tag:example.org,2026:<x>", "TAG:example.org,2026:x", "urn:uuid:1234",
        "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950g", "urn:x:",
        "urn:isbn:a/b", "https://example.org/a b", "https://example.org/fête", "http:/example.org", "https:///x",
        "https://example.org/%zz", "https://example.org/a#b#c", "https://example.org/{x}", "https://ex.org/a\"b",
    ])
    func invalidEntryIDs(id: String) {
        #expect(EntryID.problem(id) != nil, "\(id)")
    }

    @Test func badIDIsAnErrorNamingTheValue() {
        let outcome = parse("date: 2026-01-01\nid: urn:uuid:1234\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.description.hasPrefix("posts/p.md:4:5: error: id: 'urn:uuid:1234' is not a urn:uuid:") == true)
    }

    // MARK: - Authors

    @Test(arguments: ["zoe@example.org", "zoe.boeuf@example.org", "o'brien+feeds@mail.example.co.uk",
                      "a_b-c@x-y.example"])
    func validEmails(email: String) {
        #expect(Author.isPlausibleEmail(email), "\(email)")
    }

    @Test(arguments: ["zoe", "zoe@localhost", "@example.org", "zoe@", "z..oe@example.org", ".zoe@example.org", "zoé@example.org",
                      "zoe@exa mple.org", "zoe@-example.org", "zoe@example.org.", "a@b@example.org", "\"zoe\"@example.org",
                      "zoe@[127.0.0.1]", "zoe<x>@example.org"])
    func invalidEmails(email: String) {
        #expect(!Author.isPlausibleEmail(email), "\(email)")
    }

    @Test func authorURIsAndImagesMustBeURIs() throws {
        let good = parse("date: 2026-01-01\nimage: images/ma photo.jpg\nauthor: {name: Zoé, uri: https://zoe.example.org/à propos}\n")
        let post = try #require(good.post)
        #expect(good.diagnostics.isEmpty, "\(good.diagnostics)")
        #expect(post.image == "images/ma photo.jpg")
        #expect(post.author?.uri == "https://zoe.example.org/à propos")

        for (value, problem) in [
            ("https:///zoe", "has no host"), ("javascript:alert(1)", "is not an http(s) URL"), ("a%zz.jpg", "'%'"),
            ("a[1].jpg", "'[' or ']'"), ("a#b#c", "more than one '#'"),
        ] {
            let outcome = parse("date: 2026-01-01\nimage: \"\(value)\"\n")
            #expect(outcome.post?.image == nil, "\(value)")
            #expect(outcome.diagnostics.map(\.severity) == [.warning], "\(value)")
            #expect(outcome.diagnostics.first?.message.contains(problem) == true, "\(value): \(outcome.diagnostics)")
        }
        #expect(parse("date: 2026-01-01\nimage: https://[2001:db8::1]/a.jpg\n").post?.image == "https://[2001:db8::1]/a.jpg")
    }

    @Test func anAuthorNameWithoutLetterOrDigitGetsNoFeedAndAWarning() throws {
        for frontMatter in ["author: \"—\"\n", "author: {name: \"★ ★\"}\n"] {
            let outcome = parse("date: 2026-01-01\n" + frontMatter)
            #expect(outcome.post != nil)
            #expect(outcome.diagnostics.map(\.severity) == [.warning])
            #expect(outcome.diagnostics.first?.message.contains("no author feed is made") == true, "\(outcome.diagnostics)")
            #expect(outcome.diagnostics.first?.line == 4)
        }
        #expect(parse("date: 2026-01-01\nauthor: Zoé\n").diagnostics.isEmpty)
    }

    // MARK: - Languages

    @Test(arguments: [
        "fr", "fr-CA", "FR-ca", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996", "sl-rozaj-biske", "zh-yue-HK",
        "en-a-bbb-x-a-ccc", "x-whatever", "i-klingon", "en-GB-oed", "zh-min-nan", "hy-Latn-IT-arevela", "de-1901",
    ])
    func wellFormedLanguageTags(tag: String) {
        #expect(LanguageTag.isValid(tag), "\(tag)")
    }

    @Test(arguments: [
        "", "f", "français", "fr_CA", "fr-", "-fr", "fr--CA", "fr-CA-CA", "fr-C", "en-a", "en-x", "x", "1fr", "fr-Latn-Latn-x",
        "en-US-a", "en-abcdefghi", "i-foo", "fr CA", "zh-yue-yue-yue-yue",
    ])
    func malformedLanguageTags(tag: String) {
        #expect(!LanguageTag.isValid(tag), "\(tag)")
    }
}
