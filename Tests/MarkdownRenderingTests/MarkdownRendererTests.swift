import Testing
import XMLWriting
@testable import MarkdownRendering

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()
    let base = "https://example.org/posts/fete/"

    func render(_ markdown: String, excerpt: String? = nil, baseURL: String? = nil) throws -> RenderedMarkdown {
        try renderer.render(MarkdownSource(markdown, excerpt: excerpt, baseURL: baseURL))
    }

    @Test func githubExtensions() throws {
        let html = try render("""
            | Jour | Heure |
            |------|------:|
            | Lundi | 18 h |

            ~~barré~~ https://example.org

            - [x] fait

            ```swift
            let a = 1 < 2
            ```
            """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td align=\"right\">18 h</td>"))
        #expect(html.contains("<del>barré</del>"))
        #expect(html.contains("<a href=\"https://example.org\">https://example.org</a>"))
        #expect(html.contains("type=\"checkbox\""))
        #expect(html.contains("<pre lang=\"swift\"><code>let a = 1 &lt; 2\n</code></pre>"))
    }

    @Test func relativeLinksAndImagesBecomeAbsolute() throws {
        let html = try render(
            "[compte rendu](../compte-rendu/) ![Affiche](images/affiche.jpg) [ext](https://a.org/x) [mail](mailto:a@b.org) [ancre](#plan)\n\n<a href=\"plan.pdf\">plan</a> <img src='/logo.png'>\n",
            baseURL: base
        ).html
        #expect(html.contains("href=\"https://example.org/posts/compte-rendu/\""))
        #expect(html.contains("src=\"https://example.org/posts/fete/images/affiche.jpg\""))
        #expect(html.contains("href=\"https://a.org/x\""))
        #expect(html.contains("href=\"mailto:a@b.org\""))
        #expect(html.contains("href=\"https://example.org/posts/fete/#plan\""))
        #expect(html.contains("<a href=\"https://example.org/posts/fete/plan.pdf\">"))
        #expect(html.contains("<img src=\"https://example.org/logo.png\" />"))
    }

    @Test func frenchTypographyIsKeptAsTyped() throws {
        let text = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}! \"droit\" 'simple' -- ..."
        let rendered = try render(text)
        #expect(rendered.html == "<p>Rencontre «\u{A0}Élus &amp; Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}! &quot;droit&quot; 'simple' -- ...</p>\n")
        #expect(rendered.excerptText == text)
    }

    @Test func excerptIsFirstParagraphOrMoreMarker() throws {
        let plain = try render("# Titre\n\nPremier *paragraphe*\nsur deux lignes.\n\nSecond.")
        #expect(plain.excerptHTML == "<p>Premier <em>paragraphe</em>\nsur deux lignes.</p>\n")
        #expect(plain.excerptText == "Premier paragraphe sur deux lignes.")
        let marked = try render("Un.\n\nDeux.\n\nTrois.", excerpt: "Un.\n\nDeux [lien](a/).\n\n", baseURL: base)
        #expect(marked.excerptHTML == "<p>Un.</p>\n<p>Deux <a href=\"https://example.org/posts/fete/a/\">lien</a>.</p>\n")
        #expect(marked.excerptText == "Un. Deux lien.")
    }

    @Test func parallelRenderingGivesTheSameHTML() async throws {
        // cmark-gfm 0.29 shares a table of special characters between parsers: concurrent
        // parses used to lose strikethrough, autolinks and tables at random.
        let markdown = "~~barré~~ et www.example.org\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let expected = try render(markdown).html
        #expect(expected.contains("<del>") && expected.contains("<table>") && expected.contains("http://www.example.org"))
        let renderer = self.renderer
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<300).map { _ in (try? renderer.render(MarkdownSource(markdown)).html) ?? "failed" } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(results.count == 1200)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func percentEscapesAreKeptAndOthersAdded() throws {
        let html = try render("[l](fête/page%20x.html)", baseURL: base).html
        #expect(html.contains("href=\"https://example.org/posts/fete/f%C3%AAte/page%20x.html\""), "\(html)")
    }

    @Test func dangerousTagsAreFiltered() throws {
        let html = try render("<script>alert(1)</script>\n\n<b>gras</b>").html
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("<b>gras</b>"))
    }

    @Test(arguments: [
        "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#x3A;alert(1))", "[x](<java\tscript:alert(1)>)", "[x](<java\u{1}script:alert(1)>)",
        "[x](vbscript:msgbox(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](data:image/png;base64,AAA)",
        "![i](data:text/html,x)", "![i](data:image/svg+xml,x)", "<javascript:alert(1)>", "<VBScript:x>",
        "[x][r]\n\n[r]: javascript:alert(1)", "[x][r]\n\n[r]: <java&#9;script:alert(1)>",
        "[x](javascript:alert(1) \"t\")",
    ])
    func markdownLinksToScriptsLoseTheirDestination(_ markdown: String) throws {
        for base in [nil, base] {
            let html = try render(markdown, baseURL: base).html
            // Every destination left is empty or one the policy allows (cmark percent-encodes
            // what it writes, so `java%09script:` would only be a relative reference).
            let values = html.matches(of: /(?:href|src)="([^"]*)"/).map { String($0.output.1) }
            #expect(!values.isEmpty, "\(html)")
            for value in values {
                let lowered = value.lowercased()
                #expect(!lowered.contains("script") && !lowered.hasPrefix("data:"), "\(value) in \(html)")
            }
        }
    }

    @Test func imagesMayBeDataButLinksMayNot() throws {
        let html = try render("![pixel](data:image/png;base64,iVBORw0KGgo=) [lien](data:image/png;base64,iVBORw0KGgo=)").html
        #expect(html == "<p><img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"pixel\" /> <a href=\"\">lien</a></p>\n")
    }

    @Test func rawHTMLIsSanitisedAndFrenchSurvives() throws {
        let markdown = """
            «\u{A0}Élus & Associations\u{A0}» : l’œuvre <span onclick="alert(1)" style="color:red">commune</span>\u{A0}!

            <div onmouseover="x()"><img src="affiche.jpg" onerror="alert(1)" alt="Affiche"><a href="javascript:alert(1)">lien</a></div>

            <video controls src="film.mp4"><source src="film.webm" type="video/webm"></video>

            <svg onload="alert(1)"><circle r="1"/></svg><object data="x.swf"></object><form action="/x"><input name="q"></form>
            """
        let rendered = try render(markdown, baseURL: base)
        let html = rendered.html
        #expect(html.hasPrefix("<p>«\u{A0}Élus &amp; Associations\u{A0}» : l’œuvre <span>commune</span>\u{A0}!</p>\n"), "\(html)")
        #expect(html.contains(#"<div><img src="https://example.org/posts/fete/affiche.jpg" alt="Affiche" /><a>lien</a></div>"#), "\(html)")
        #expect(html.contains(#"<video controls="" src="https://example.org/posts/fete/film.mp4"><source src="https://example.org/posts/fete/film.webm" type="video/webm" /></video>"#), "\(html)")
        for forbidden in ["onclick", "onmouseover", "onerror", "onload", "style=", "javascript:", "<svg", "<object", "<form", "<input"] {
            #expect(!html.contains(forbidden), "\(forbidden) in \(html)")
        }
        #expect(rendered.excerptHTML == "<p>«\u{A0}Élus &amp; Associations\u{A0}» : l’œuvre <span>commune</span>\u{A0}!</p>\n")
        #expect(rendered.excerptText == "«\u{A0}Élus & Associations\u{A0}» : l’œuvre commune\u{A0}!")
    }

    @Test func withoutRawHTMLTheOutputIsCmarksOwn() throws {
        // The sanitiser would write the same bytes: no HTML parser is needed for such posts.
        let markdown = "# Titre\n\nTexte *«\u{A0}x\u{A0}»* & [lien](a/) `<b>`\n\n| a |\n|---|\n| 1 |\n\n- [x] fait\n"
        let html = try render(markdown, baseURL: base).html
        #expect(try HTMLSanitizer().sanitize(html) == html)
        #expect(html.contains("<a href=\"https://example.org/posts/fete/a/\">lien</a>"))
    }
}
