import CivilCalendar
import Foundation
import MarkdownRendering
import Posts
import Mail
import Testing
@testable import Digests

@Suite struct DigestRendererTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!
    static let title = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    func renderer(language: String = "fr", subject: String? = nil) throws -> DigestRenderer {
        DigestRenderer(
            siteTitle: "Les Amis de Saint-Éloi", siteURL: "https://amis.example.org/", newsletterID: "hebdo",
            newsletterTitle: "La lettre de la semaine", dates: DigestDates(language: language, timeZone: Self.paris),
            templates: try DigestTemplates(subject: subject))
    }

    func item(_ title: String = DigestRendererTests.title) -> DigestItem {
        DigestItem(
            title: title, url: "https://amis.example.org/posts/rencontre/",
            date: CivilTime(year: 2020, month: 11, day: 24, hour: 18).date(in: Self.paris), authorName: "Chloé Bœuf",
            tags: ["Élus & Entreprises"], html: "<p>Texte &amp; <a href=\"https://amis.example.org/a/\">lien</a></p>",
            text: "Texte & lien")
    }

    @Test func frenchDates() {
        let dates = DigestDates(language: "fr", timeZone: Self.paris)
        #expect(dates.long(CivilTime(year: 2020, month: 11, day: 24, hour: 12).date(in: Self.paris)) == "24 novembre 2020")
        #expect(dates.long(CivilTime(year: 2026, month: 8, day: 1, hour: 0, minute: 30).date(in: Self.paris)) == "1er août 2026")
        // 23:30 UTC on 31 December is already 1 January in Paris.
        #expect(dates.long(CivilTime(year: 2025, month: 12, day: 31, hour: 23, minute: 30).date(offsetSeconds: 0)) == "1er janvier 2026")
        #expect(DigestDates(language: "en", timeZone: Self.paris).long(CivilTime(year: 2020, month: 11, day: 24, hour: 12).date(in: Self.paris)) == "24 November 2020")
    }

    @Test func rendersBodiesAndSubject() throws {
        let content = try renderer().render(
            [item()], recipientName: "Marie", recipientEmail: "marie@example.org",
            unsubscribeURL: "https://amis.example.org/unsubscribe/abc.def", date: CivilTime(year: 2020, month: 11, day: 30, hour: 8).date(in: Self.paris))
        #expect(content.subject == "La lettre de la semaine — 30 novembre 2020")
        #expect(content.html.contains("<a href=\"https://amis.example.org/posts/rencontre/\" style=\"color:#1a4d8f;text-decoration:none;\">Rencontre «\u{A0}Élus &amp; Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!</a>"))
        #expect(content.html.contains("<p>Texte &amp; <a href=\"https://amis.example.org/a/\">lien</a></p>"))
        #expect(content.html.contains("https://amis.example.org/unsubscribe/abc.def"))
        #expect(content.html.contains("24 novembre 2020"))
        // The text part is not HTML-escaped.
        #expect(content.text.contains("## \(Self.title)"))
        #expect(content.text.contains("Texte & lien"))
        #expect(content.text.contains("Lire la suite\u{A0}: https://amis.example.org/posts/rencontre/"))
        #expect(content.text.contains("Se désabonner\u{A0}: https://amis.example.org/unsubscribe/abc.def"))
    }

    @Test func subjectIsAlwaysOneLine() throws {
        let content = try renderer(subject: "{{newsletter.title}}\r\nBcc: x@y.org {{#posts}}{{title}}{{/posts}}").render(
            [item("Titre\u{1}\u{85}avec\ttab")], recipientName: nil, recipientEmail: "a@b.org", unsubscribeURL: "u", date: Date())
        #expect(content.subject == "La lettre de la semaine Bcc: x@y.org Titre avec tab")
        #expect(!content.subject.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func adminTemplatesReplaceTheDefaults() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID()).mustache")
        try "{{% CONTENT_TYPE: TEXT}}{{#posts}}* {{title}} <{{url}}>\n{{/posts}}".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let templates = try DigestTemplates(textFile: file)
        let renderer = DigestRenderer(
            siteTitle: "S", siteURL: "https://s.org/", newsletterID: "n", newsletterTitle: "N",
            dates: DigestDates(language: "en", timeZone: Self.paris), templates: templates)
        let content = renderer.render([item("A & B")], recipientName: nil, recipientEmail: "a@b.org", unsubscribeURL: "u", date: Date())
        #expect(content.text == "* A & B <https://amis.example.org/posts/rencontre/>\n")
        #expect(throws: DigestTemplateError.self) { try DigestTemplates(htmlFile: URL(fileURLWithPath: "/nonexistent.mustache")) }
        #expect(throws: DigestTemplateError.self) { try DigestTemplates(subject: "{{#open}}") }
    }

    @Test func newsletterSelection() {
        let selection = NewsletterSelection(tags: ["élus & entreprises"], authors: [])
        let post = Post(path: "a.md", title: "T", slug: "a", date: Date(), tags: ["Élus & Entreprises"], body: "")
        let other = Post(path: "b.md", title: "T", slug: "b", date: Date(), tags: ["Fête"], body: "")
        #expect(selection.includes(post, siteAuthor: "Bureau"))
        #expect(!selection.includes(other, siteAuthor: "Bureau"))
        let byAuthor = NewsletterSelection(tags: [], authors: ["Bureau"])
        #expect(byAuthor.includes(other, siteAuthor: "Bureau"))
    }

    @Test func newestSelectedPostsSkipDraftsAndTheFuture() {
        let now = Date(timeIntervalSince1970: 10_000)
        var posts: [Post] = (0..<6).map { (index: Int) -> Post in
            let tags: [String] = index == 4 ? ["Autre"] : ["Fête"]
            let date = Date(timeIntervalSince1970: Double(index) * 1_000)
            return Post(path: "\(index).md", title: "P\(index)", slug: "p\(index)", date: date, tags: tags, isDraft: index == 5, body: "")
        }
        posts.append(Post(path: "future.md", title: "F", slug: "f", date: Date(timeIntervalSince1970: 20_000), tags: ["Fête"], body: ""))
        let selection = NewsletterSelection(tags: ["fete"], authors: [])
        #expect(selection.newest(2, of: posts.shuffled(), at: now, siteAuthor: "Bureau").map(\.slug) == ["p3", "p2"])
        #expect(selection.newest(50, of: posts, at: now, siteAuthor: "Bureau").map(\.slug) == ["p3", "p2", "p1", "p0"])
    }

    @Test func itemsCarryAbsoluteLinksAndTheChosenContent() {
        let links = Permalinks(siteURL: "https://amis.example.org/", timeZone: Self.paris)
        let post = Post(
            path: "a.md", title: "Élus & Associations", slug: "elus", date: Date(timeIntervalSince1970: 1_790_000_000),
            body: "Premier paragraphe avec [un lien](../autre/).\n\nSuite «\u{A0}longue\u{A0}».\n")
        let excerpt = DigestItems(permalinks: links, siteAuthor: Author(name: "Bureau"), content: .excerpt, renderer: MarkdownRenderer()).make([post]).items[0]
        #expect(excerpt.url == "https://amis.example.org/posts/elus/")
        #expect(excerpt.authorName == "Bureau")
        #expect(excerpt.html.contains("href=\"https://amis.example.org/posts/autre/\""))
        #expect(!excerpt.html.contains("Suite"))
        #expect(excerpt.text == "Premier paragraphe avec un lien.")
        let full = DigestItems(permalinks: links, siteAuthor: Author(name: "Bureau"), content: .full, renderer: MarkdownRenderer()).make([post]).items[0]
        #expect(full.html.contains("Suite «\u{A0}longue\u{A0}»"))
    }
}

@Suite struct PreparedDigestTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!
    /// A name shaped like the renderer's internal placeholders (noncharacters cannot be
    /// written as literals).
    static let placeholderLookalike = String(Unicode.Scalar(0xFDD0)!) + "&n" + String(Unicode.Scalar(0xFDD1)!)

    func renderer(subject: String? = nil, textFile: URL? = nil) throws -> DigestRenderer {
        DigestRenderer(
            siteTitle: "Les Amis de Saint-Éloi", siteURL: "https://amis.example.org/", newsletterID: "hebdo",
            newsletterTitle: "La lettre", dates: DigestDates(language: "fr", timeZone: Self.paris),
            templates: try DigestTemplates(subject: subject, textFile: textFile))
    }

    let items = (1...3).map { index in
        DigestItem(
            title: "Billet «\u{A0}\(index)\u{A0}» & co", url: "https://amis.example.org/posts/\(index)/", date: Date(timeIntervalSince1970: 1_790_000_000),
            authorName: "Chloé", tags: [], html: "<p>Texte \(index) &amp; suite</p>", text: "Texte \(index) & suite")
    }

    @Test(arguments: [
        ("Marie", "marie@example.org"), ("Zoé \"Z\" <d'Œuf> & Cie", "o'brien+x@example.org"), ("", "a@b.org"),
        ("{{recipient.name}}", "x@y.org"), (PreparedDigestTests.placeholderLookalike, "z@y.org"),
    ] as [(String, String)])
    func preparedRenderingEqualsFullRendering(name: String, email: String) throws {
        for subject in [nil, "{{recipient.name}} — {{newsletter.title}}", "{{#recipient.name}}Pour {{.}}{{/recipient.name}}{{^recipient.name}}Pour vous{{/recipient.name}}"] {
            let renderer = try self.renderer(subject: subject)
            let date = Date(timeIntervalSince1970: 1_795_000_000)
            let prepared = renderer.prepare(items, date: date)
            #expect(prepared.isPrepared)
            for recipientName in [name, nil] as [String?] {
                let url = "https://amis.example.org/unsubscribe/\(email.count)?a=1&b=2"
                let fast = prepared.render(recipientName: recipientName, recipientEmail: email, unsubscribeURL: url)
                let full = renderer.render(items, recipientName: recipientName, recipientEmail: email, unsubscribeURL: url, date: date)
                #expect(fast == full, "subject template \(subject ?? "default"), name \(recipientName ?? "nil")")
                // The bodies encoded line by line are the full rendering's, encoded whole.
                let bodies = prepared.bodies(recipientName: recipientName, recipientEmail: email, unsubscribeURL: url)
                #expect(bodies.subject == full.subject)
                #expect(bodies.text.encoded == BodyText(full.text).encoded)
                #expect(bodies.html.encoded == BodyText(full.html).encoded)
            }
        }
    }
}
