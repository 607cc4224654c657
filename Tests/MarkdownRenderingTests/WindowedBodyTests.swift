import Testing
import TestSupport
@testable import MarkdownRendering

/// `MarkdownRenderer.renderBody` parses a body a window at a time: its HTML must be the bytes
/// one parse of the whole body gives, wherever the windows end.
@Suite struct WindowedBodyTests {
    /// Registers cmark-gfm's extensions, which `renderBody` expects.
    let renderer = MarkdownRenderer()

    /// Blocks that go on past blank lines or decide their form from later lines: where a
    /// window ends inside one, the next window must start at its beginning.
    static let documents: [String] = [
        "- un\n\n- deux\n\n  suite\n\n- trois\nparesseux\n\n1. a\n2. b\n\nFin.\n",
        "```\ncode\n\nnot a paragraph\n\n```\n\nAprès.\n\n~~~ md\n# rien\n\n~~~~\n",
        "- item\n  ```\n  code\n\nhors liste\n  ```\nencore du code ?\n",
        "<!-- un commentaire\n\nsur plusieurs\n\nparagraphes -->\n\n<pre>\n\n*pas* d’emphase\n\n</pre>\n\n<div>\nbloc\n\n*texte*\n",
        "Texte avant\n| a | b |\n|---|--:|\n| 1 | 2 |\n| 3 |\n\nAprès la table.\n\n| x |\n| - |\n",
        "Un\n\nDeux\nTrois\n| a |\n|---|\n| 1 |\n\nQuatre\n\nCinq\n| b |\n| - |\n",
        "Titre\n=====\n\nSous-titre\n---\n\n    indenté\n\n    encore\n\n***\n\n# Fin #\n",
        "> cité\nparesseux\n\n> autre\n>\n> suite\n\n> > imbriqué\n\nTexte *en\ntravers* des lignes, [lien](a/b) et ![image](c.png).\n",
        "CRLF\r\n\r\n- a\r\n\r\n- b\r\n\r\nfin\r\n",
        "CR seul\r\r- a\r\r- b\r\rfin\r",
        "\u{FEFF}BOM au début\n\n\u{FEFF}BOM au milieu\n\nfin",
        "« Élus & associations » : l’œuvre *commune* !\n\n- [x] fait\n- [ ] à faire\n\n~~barré~~ www.example.org\n\n<span>brut</span>\n\nsans fin de ligne",
    ]

    @Test(arguments: documents)
    func windowsGiveTheHTMLOfOneParse(_ markdown: String) throws {
        let whole = try MarkdownRenderer.renderBody(markdown, resolvingWith: nil, firstParagraph: true, paragraphHTML: true, windowSize: 1 << 40)
        let document = try CmarkDocument(markdown, options: MarkdownRenderer.options)
        _ = try document.prepareLinks(resolvingWith: nil)
        #expect(whole.html == (try document.html()))
        for windowSize in [1, 2, 5, 16, 64] {
            let windowed = try MarkdownRenderer.renderBody(
                markdown, resolvingWith: nil, firstParagraph: true, paragraphHTML: true, windowSize: windowSize)
            #expect(windowed.html == whole.html, "window of \(windowSize) bytes")
            #expect(windowed.hasRawHTML == whole.hasRawHTML)
            #expect(windowed.firstParagraph?.html == whole.firstParagraph?.html)
            #expect(windowed.firstParagraph?.text == whole.firstParagraph?.text)
        }
    }

    @Test func referenceDefinitionsAnywhereAreSeen() throws {
        let markdown = "[lien][x] et [^1]\n\n" + String(repeating: "Paragraphe.\n\n", count: 50) + "[x]: /destination\n\n[^1]: Note.\n"
        let body = try MarkdownRenderer.renderBody(markdown, resolvingWith: nil, firstParagraph: true, paragraphHTML: true, windowSize: 8)
        #expect(body.html.contains("<a href=\"/destination\">lien</a>"))
        #expect(body.html.contains("footnotes"))
    }

    @Test(arguments: [2026_12_01, 7, 42] as [UInt64])
    func aLongGeneratedPostRendersAsOneParse(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let words = ["le", "quartier", "fête", "*école*", "**élus**", "[lien](a/)", "`code`", "œuvre", "w", "\n", "<b>", "-->"]
        let starts = [
            "", "", "- ", "  - ", "1. ", "> ", "## ", "    ", "\t", "```\n", "~~~\n", "| a |\n|---|\n| ", "<!-- ", "<div>", "***\n",
            "Titre\n---\n",
        ]
        var markdown = ""
        for _ in 0..<400 {
            markdown += generator.pick(starts)
            for _ in 0..<Int(generator.next() % 30) { markdown += generator.pick(words) + " " }
            markdown += generator.pick(["\n\n", "\n", "\n\n\n", "\r\n\r\n"])
        }
        let resolver = URLResolver(base: "https://example.org/posts/gros/")
        let whole = try MarkdownRenderer.renderBody(markdown, resolvingWith: resolver, firstParagraph: true, paragraphHTML: true, windowSize: 1 << 40)
        for windowSize in [1, 100, 1000] {
            let windowed = try MarkdownRenderer.renderBody(
                markdown, resolvingWith: resolver, firstParagraph: true, paragraphHTML: true, windowSize: windowSize)
            #expect(windowed.html == whole.html, "window of \(windowSize) bytes")
            #expect(windowed.hasRawHTML == whole.hasRawHTML)
        }
    }
}
