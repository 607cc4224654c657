import CivilCalendar
import Foundation
import Testing
@testable import Posts

@Suite struct PermalinksTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!
    // 23:30 UTC on 31 December is already 1 January in Paris: URLs and ids use the site's day.
    static let newYearsEve = CivilTime(year: 2025, month: 12, day: 31, hour: 23, minute: 30).date(offsetSeconds: 0)

    func post(slug: String = "voeux", id: String? = nil, date: Date = newYearsEve) -> Post {
        Post(path: "\(slug).md", title: "Vœux", slug: slug, date: date, explicitID: id, body: "")
    }

    @Test func postURLsFillEveryPlaceholderInTheSiteZone() {
        let links = Permalinks(siteURL: "https://amis.example.org", timeZone: Self.paris, postPattern: "/{year}/{month}/{day}/{slug}/")
        #expect(links.siteURL == "https://amis.example.org/")
        #expect(links.url(of: post()) == "https://amis.example.org/2026/01/01/voeux/")
        let utc = Permalinks(siteURL: "https://amis.example.org/", timeZone: TimeZone(identifier: "UTC")!, postPattern: "{year}/{month}/{day}/{slug}/")
        #expect(utc.url(of: post()) == "https://amis.example.org/2025/12/31/voeux/")
    }

    @Test func placeholdersAreExpandedInOnePassAndUnknownOnesKept() {
        let links = Permalinks(siteURL: "https://amis.example.org/", timeZone: Self.paris, postPattern: "{slug}/{slug}.html")
        #expect(links.url(of: post()) == "https://amis.example.org/voeux/voeux.html")
        let values: (Substring) -> String? = { $0 == "slug" ? "x" : nil }
        #expect(Permalinks.expand("a{b}c", values) == "a{b}c")
        #expect(Permalinks.expand("{a{slug}}", values) == "{ax}")
        #expect(Permalinks.expand("{slug", values) == "{slug")
        #expect(Permalinks.expand("}{}{slug}é{", values) == "}{}xé{")
        #expect(Permalinks.expand("", values) == "")
    }

    @Test func pagesAndGeneratedIDs() {
        let links = Permalinks(siteURL: "https://amis.example.org/asso/", timeZone: Self.paris)
        #expect(links.page("tags/{slug}/", slug: "elus-entreprises") == "https://amis.example.org/asso/tags/elus-entreprises/")
        #expect(links.entryID(of: post()) == "tag:amis.example.org,2026-01-01:voeux")
        #expect(links.entryID(of: post()).hasPrefix(links.generatedEntryIDPrefix))
        #expect(links.entryID(of: post(id: "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e")) == "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e")
    }

    @Test func editingAPostKeepsItsID() {
        let links = Permalinks(siteURL: "https://amis.example.org/", timeZone: Self.paris)
        var edited = post()
        let before = links.entryID(of: edited)
        edited.title = "Vœux 2026"
        edited.updated = Date()
        edited.body = "Nouveau texte"
        #expect(links.entryID(of: edited) == before)
    }
}
