import Testing
@testable import MarkdownRendering

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()
    let base = "https://example.org/posts/fete/"

    @Test func githubExtensions() {
        let html = renderer.render("""
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

    @Test func relativeLinksAndImagesBecomeAbsolute() {
        let html = renderer.render(
            "[compte rendu](../compte-rendu/) ![Affiche](images/affiche.jpg) [ext](https://a.org/x) [mail](mailto:a@b.org) [ancre](#plan)\n\n<a href=\"plan.pdf\">plan</a> <img src='/logo.png'>\n",
            baseURL: base
        ).html
        #expect(html.contains("href=\"https://example.org/posts/compte-rendu/\""))
        #expect(html.contains("src=\"https://example.org/posts/fete/images/affiche.jpg\""))
        #expect(html.contains("href=\"https://a.org/x\""))
        #expect(html.contains("href=\"mailto:a@b.org\""))
        #expect(html.contains("href=\"https://example.org/posts/fete/#plan\""))
        #expect(html.contains("<a href=\"https://example.org/posts/fete/plan.pdf\">"))
        #expect(html.contains("<img src='https://example.org/logo.png'>"))
    }

    @Test func frenchTypographyIsKeptAsTyped() {
        let text = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}! \"droit\" 'simple' -- ..."
        let rendered = renderer.render(text)
        #expect(rendered.html == "<p>Rencontre «\u{A0}Élus &amp; Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}! &quot;droit&quot; 'simple' -- ...</p>\n")
        #expect(rendered.excerptText == text)
    }

    @Test func excerptIsFirstParagraphOrMoreMarker() {
        let plain = renderer.render("# Titre\n\nPremier *paragraphe*\nsur deux lignes.\n\nSecond.")
        #expect(plain.excerptHTML == "<p>Premier <em>paragraphe</em>\nsur deux lignes.</p>\n")
        #expect(plain.excerptText == "Premier paragraphe sur deux lignes.")
        let marked = renderer.render("Un.\n\nDeux.\n\nTrois.", excerptMarkdown: "Un.\n\nDeux [lien](a/).\n\n", baseURL: base)
        #expect(marked.excerptHTML == "<p>Un.</p>\n<p>Deux <a href=\"https://example.org/posts/fete/a/\">lien</a>.</p>\n")
        #expect(marked.excerptText == "Un. Deux lien.")
    }

    @Test func parallelRenderingGivesTheSameHTML() async {
        // cmark-gfm 0.29 shares a table of special characters between parsers: concurrent
        // parses used to lose strikethrough, autolinks and tables at random.
        let markdown = "~~barré~~ et www.example.org\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let expected = renderer.render(markdown).html
        #expect(expected.contains("<del>") && expected.contains("<table>") && expected.contains("http://www.example.org"))
        let renderer = self.renderer
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<300).map { _ in renderer.render(markdown).html } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(results.count == 1200)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func percentEscapesAreKeptAndOthersAdded() {
        let html = renderer.render("[l](fête/page%20x.html)", baseURL: base).html
        #expect(html.contains("href=\"https://example.org/posts/fete/f%C3%AAte/page%20x.html\""), "\(html)")
    }

    @Test func dangerousTagsAreFiltered() {
        let html = renderer.render("<script>alert(1)</script>\n\n<b>gras</b>").html
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script>"))
        #expect(html.contains("<b>gras</b>"))
    }
}
