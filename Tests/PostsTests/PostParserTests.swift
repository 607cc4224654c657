import CivilCalendar
import Foundation
import Testing
@testable import Posts

@Suite struct PostParserTests {
    let parser = PostParser(timeZone: TimeZone(identifier: "Europe/Paris")!)
    static let frenchTitle = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    func parse(_ text: String, path: String = "2026/post.md") -> PostParser.Outcome {
        parser.parse(Array(text.utf8), path: path, displayPath: "posts/" + path)
    }

    func parse(bytes: [UInt8], path: String = "post.md") -> PostParser.Outcome {
        parser.parse(bytes, path: path, displayPath: "posts/" + path)
    }

    @Test func readsEveryFrontMatterKey() throws {
        let outcome = parse("""
            ---
            title: "\(Self.frenchTitle)"
            date: 2026-03-14 18:30
            updated: 2026-03-15
            author: Chloé Bœuf
            tags: [Vie de quartier, "Élus & Entreprises", vie de quartier]
            summary: Un résumé.
            slug: Rencontre élus
            id: tag:example.org,2026-03-14:rencontre
            lang: fr-CA
            image: images/a.jpg
            ---
            Premier paragraphe.

            Second.
            """)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let post = try #require(outcome.post)
        #expect(post.title == Self.frenchTitle)
        #expect(post.title.utf8.elementsEqual(Self.frenchTitle.utf8))
        #expect(post.author == Author(name: "Chloé Bœuf"))
        #expect(post.tags == ["Vie de quartier", "Élus & Entreprises"])
        #expect(post.slug == "rencontre-elus")
        #expect(post.explicitID == "tag:example.org,2026-03-14:rencontre")
        #expect(post.language == "fr-CA")
        #expect(post.summary == "Un résumé.")
        #expect(post.image == "images/a.jpg")
        #expect(post.updated! > post.date)
        #expect(post.body == "Premier paragraphe.\n\nSecond.")
        #expect(post.excerptMarkdown == nil)
    }

    @Test func missingTitleIsAnErrorOnTheFrontMatter() {
        let outcome = parse("---\ndate: 2026-01-01\n---\nBody\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.map(\.description) == ["posts/2026/post.md:2:1: error: missing 'title'"])
    }

    @Test func emptyTitleIsAnError() {
        let outcome = parse("---\ntitle: \"  \"\ndate: 2026-01-01\n---\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.description.hasPrefix("posts/2026/post.md:2:8: error: title: must not be empty") == true)
    }

    @Test func nullTitleIsAnError() {
        for text in ["---\ntitle: ~\ndate: 2026-01-01\n---\n", "---\ntitle: null\ndate: 2026-01-01\n---\n", "---\ntitle:\ndate: 2026-01-01\n---\n"] {
            let outcome = parse(text)
            #expect(outcome.post == nil)
            #expect(outcome.diagnostics.first?.message.hasPrefix("title: must not be empty") == true, "\(outcome.diagnostics)")
        }
        #expect(parse("---\ntitle: \"null\"\ndate: 2026-01-01\n---\n").post?.title == "null")
    }

    @Test func dangerousURLsAreDropped() throws {
        let outcome = parse("---\ntitle: T\ndate: 2026-01-01\nimage: \"javascript:alert(1)\"\nauthor: {name: Zoé, uri: /about/zoe, email: nope}\n---\n")
        let post = try #require(outcome.post)
        #expect(post.image == nil)
        #expect(post.author == Author(name: "Zoé", email: nil, uri: "/about/zoe"))
        #expect(outcome.diagnostics.filter { $0.severity == .warning }.count == 2)
    }

    @Test func badYAMLNamesTheLine() {
        let outcome = parse("---\ntitle: ok\ndate: 2026-01-01\ntags: [a, b\n---\nBody\n")
        #expect(outcome.post == nil)
        let diagnostic = outcome.diagnostics.first
        #expect(diagnostic?.severity == .error)
        #expect(diagnostic?.message.contains("invalid YAML") == true)
        #expect((diagnostic?.line ?? 0) >= 4)
    }

    @Test func frontMatterMustBeAMapping() {
        let outcome = parse("---\n- a\n- b\n---\nBody\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.description == "posts/2026/post.md:2:1: error: front matter must be a YAML mapping of 'key: value' lines")
    }

    @Test func unparsableDateNamesTheKeyAndLine() {
        let outcome = parse("---\ntitle: T\ndate: 31/12/2026\n---\n")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.description.hasPrefix("posts/2026/post.md:3:7: error: date: cannot read '31/12/2026'") == true)
    }

    @Test func dateFromFileName() throws {
        let outcome = parse("---\ntitle: Forum\n---\nBody\n", path: "2026-09-05-forum-des-associations.md")
        let post = try #require(outcome.post)
        #expect(post.slug == "forum-des-associations")
        #expect(post.date == CivilTime(year: 2026, month: 9, day: 4, hour: 22).date(offsetSeconds: 0))
    }

    @Test func missingDateWithoutPrefixIsAnError() {
        let outcome = parse("---\ntitle: T\n---\n", path: "forum.md")
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.message.contains("missing 'date'") == true)
    }

    @Test func invalidUTF8NamesLineAndColumn() {
        var bytes = Array("---\ntitle: Ok\ndate: 2026-01-01\n---\nCafé ".utf8)
        bytes += [0xC3, 0x28]
        let outcome = parse(bytes: bytes)
        #expect(outcome.post == nil)
        #expect(outcome.diagnostics.first?.description == "posts/post.md:5:6: error: invalid UTF-8; save the file as UTF-8")
    }

    @Test func controlCharactersInTitleAreRemovedWithAWarning() throws {
        let outcome = parse("---\ntitle: \"A\\x01B\\uFFFEC\\u0085D\"\ndate: 2026-01-01\n---\n")
        let post = try #require(outcome.post)
        #expect(post.title == "ABCD")
        #expect(outcome.diagnostics.map(\.severity) == [.warning])
    }

    @Test func unknownKeysAreWarnings() throws {
        let outcome = parse("---\ntitle: T\ndate: 2026-01-01\ncategorie: x\n---\n")
        #expect(outcome.post != nil)
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.diagnostics[0].severity == .warning)
        #expect(outcome.diagnostics[0].line == 4)
    }

    @Test func moreMarkerEndsTheExcerpt() throws {
        let outcome = parse("---\ntitle: T\ndate: 2026-01-01\n---\nIntro.\n\n<!--more-->\n\nSuite.\n")
        let post = try #require(outcome.post)
        #expect(post.excerptMarkdown == "Intro.\n\n")
        #expect(!post.body.contains("<!--more-->"))
        #expect(post.body.contains("Suite."))
    }

    @Test func crlfAndBOMAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: T\r\ndate: 2026-01-01\r\n---\r\nA\r\nB\r\n".utf8)
        let post = try #require(parse(bytes: bytes).post)
        #expect(post.body == "A\nB\n")
    }

    @Test func draftsParseButAreNotPublished() throws {
        let post = try #require(parse("---\ntitle: T\ndate: 2026-01-01\ndraft: true\n---\n").post)
        #expect(post.isDraft)
        #expect(!post.isPublished(at: Date()))
    }

    @Test func wrongTypesAreErrors() {
        let outcome = parse("---\ntitle: [a, b]\ndate: 2026-01-01\ndraft: maybe\nid: not an iri\n---\n")
        #expect(outcome.post == nil)
        let messages = outcome.diagnostics.map(\.message)
        #expect(messages.contains { $0.hasPrefix("title: expected text, found a list") })
        #expect(messages.contains { $0.hasPrefix("draft: expected true or false") })
        #expect(messages.contains { $0.hasPrefix("id: 'not an iri' is not an absolute URI") })
    }

    @Test func missingFrontMatter() {
        #expect(parse("Just text\n").diagnostics.first?.message.hasPrefix("missing front matter") == true)
        #expect(parse("---\ntitle: T\n").diagnostics.first?.message.hasPrefix("front matter is not closed") == true)
    }
}
