import Foundation
import Testing
@testable import XMLWriting

@Suite struct HTMLSanitizerTests {
    let sanitizer = HTMLSanitizer()

    /// Fragments that try to run something, in the spellings filter bypass lists collect.
    static let hostile: [String] = [
        // Event handlers, in every case and separator
        #"<img src="a.png" onerror="alert(1)">"#,
        #"<IMG SRC=a.png OnErRoR=alert(1)>"#,
        "<p onclick = 'alert(1)'>x</p>",
        "<p\nonclick=alert(1)>x</p>",
        "<p\tONMOUSEOVER=alert(1)>x</p>",
        "<div/onclick=alert(1)>x</div>",
        "<img/src=a.png/onerror=alert(1)>",
        "<img src=`a` onerror=`alert(1)`>",
        #"<details open ontoggle="alert(1)"><summary>s</summary></details>"#,
        #"<body onload="alert(1)">x</body>"#,
        #"<a href="https://e.org/" onfocus="alert(1)" autofocus>x</a>"#,
        #"<video src="v.mp4" onloadstart="alert(1)"></video>"#,
        // Script URLs, through entities, whitespace, control characters and case
        #"<a href="javascript:alert(1)">x</a>"#,
        #"<a href="JaVaScRiPt:alert(1)">x</a>"#,
        #"<a href="&#106;avascript:alert(1)">x</a>"#,
        #"<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>"#,
        #"<a href="&#0000106&#0000097vascript:alert(1)">x</a>"#,
        #"<a href=" &#14;  javascript:alert(1)">x</a>"#,
        #"<a href="java&#x09;script:alert(1)">x</a>"#,
        #"<a href="java&Tab;script:alert(1)">x</a>"#,
        "<a href=\"jav\nascript:alert(1)\">x</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
        "<a href=\"\u{1}javascript:alert(1)\">x</a>",
        #"<a href="javascript&colon;alert(1)">x</a>"#,
        #"<a href="vbscript:msgbox(1)">x</a>"#,
        #"<a href="VBScript:msgbox(1)">x</a>"#,
        #"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>"#,
        #"<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">"#,
        #"<img src="data:text/html,<script>alert(1)</script>">"#,
        #"<video poster="javascript:alert(1)" src="javascript:alert(1)"></video>"#,
        #"<audio><source src="javascript:alert(1)"></audio>"#,
        #"<blockquote cite="javascript:alert(1)">q</blockquote>"#,
        #"<a href="livescript:alert(1)">x</a>"#,
        // Elements that run, load or submit something
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "<<script>alert(1)//<</script>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        #"<iframe src="https://evil.example/"></iframe>"#,
        #"<object data="x.swf"><param name="a" value="b"></object>"#,
        #"<embed src="x.swf">"#,
        #"<base href="javascript:alert(1)//">"#,
        #"<meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#,
        #"<link rel="stylesheet" href="https://evil.example/x.css">"#,
        #"<form action="javascript:alert(1)"><input type="submit" value="Go"><button formaction="javascript:alert(1)">b</button></form>"#,
        #"<svg onload="alert(1)"><script>alert(1)</script></svg>"#,
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        #"<math><mi xlink:href="javascript:alert(1)">x</mi></math>"#,
        "<template><script>alert(1)</script></template>",
        #"<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>"#,
        #"<textarea><img src=x onerror=alert(1)></textarea>"#,
        "<xmp><img src=x onerror=alert(1)></xmp>",
        #"<input type="image" src="x" onerror="alert(1)">"#,
        #"<input type="text" value="x" onfocus="alert(1)" autofocus>"#,
        // Comments, CDATA, processing instructions, malformed nesting
        "<!--<script>alert(1)</script>-->",
        "<!-- --!><script>alert(1)</script>",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<?php echo 1; ?><?xml-stylesheet href=\"x\"?>",
        "<!DOCTYPE html><html><head><script>alert(1)</script></head><body>x</body></html>",
        #"<a href="x"#,
        #"<p <img src=x onerror=alert(1)>"#,
        "</p><img/src=x/onerror=alert(1)>",
        "<div><p><b>unclosed <i>tags <a href=\"javascript:alert(1)\">",
        "<table><tr><td><script>alert(1)</script></td></tr></table>",
        #"<a href="https://e.org/" style="position:fixed;top:0;background:url(javascript:alert(1))">x</a>"#,
    ]

    /// The sanitiser writes tags in one canonical form: `<name attr="value"…>`, `<name … />`,
    /// `</name>`, and escapes every `<` elsewhere. Each tag and attribute must be on the allowlist.
    static func assertOnlyAllowedMarkup(_ output: String, from input: String) {
        let tag = try! NSRegularExpression(pattern: #"<(/?)([a-z0-9]+)((?: [a-z-]+="[^"<>]*")*)( /)?>"#)
        let attribute = try! NSRegularExpression(pattern: #" ([a-z-]+)="([^"]*)""#)
        let text = output as NSString
        var last = 0
        for match in tag.matches(in: output, range: NSRange(location: 0, length: text.length)) {
            let between = text.substring(with: NSRange(location: last, length: match.range.location - last))
            #expect(!between.contains("<") && !between.contains(">"), "stray markup in \(output.debugDescription) from \(input)")
            last = match.range.location + match.range.length
            let name = text.substring(with: match.range(at: 2))
            #expect(HTMLAllowlist.elements.contains(name), "<\(name)> in \(output.debugDescription) from \(input)")
            let attributes = text.substring(with: match.range(at: 3))
            for pair in attribute.matches(in: attributes, range: NSRange(location: 0, length: (attributes as NSString).length)) {
                let key = (attributes as NSString).substring(with: pair.range(at: 1))
                let value = (attributes as NSString).substring(with: pair.range(at: 2))
                #expect(
                    HTMLAllowlist.globalAttributes.contains(key) || HTMLAllowlist.attributes[name, default: []].contains(key),
                    "\(key) on <\(name)> in \(output.debugDescription) from \(input)")
                if HTMLAllowlist.urlAttributes.contains(key) {
                    let decoded = value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                        .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
                    #expect(HTMLAllowlist.allowsURL(decoded, asImage: name == "img"), "\(key)=\(value) in \(output) from \(input)")
                }
            }
        }
        let rest = text.substring(from: last)
        #expect(!rest.contains("<") && !rest.contains(">"), "stray markup in \(output.debugDescription) from \(input)")
    }

    @Test(arguments: hostile)
    func hostileMarkupComesOutInert(_ input: String) throws {
        let output = try sanitizer.sanitize(input)
        Self.assertOnlyAllowedMarkup(output, from: input)
        let lowered = output.lowercased()
        for forbidden in ["javascript:", "vbscript:", "livescript:", "data:text", "data:image/svg", "<script", "<iframe", "<object",
                          "<embed", "<base", "<meta", "<link", "<form", "<svg", "<math", "<style", "<input type=\"image",
                          "<input type=\"text", "xlink:href", "style=", "<!--", "<![cdata[", "<?"] {
            #expect(!lowered.contains(forbidden), "\(forbidden) in \(output.debugDescription) from \(input)")
        }
        #expect(lowered.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "handler in \(output) from \(input)")
        // A second pass changes nothing: the output is already in the canonical form.
        let again = try sanitizer.sanitize(output)
        #expect(again == output, "\(output.debugDescription) became \(again.debugDescription)")
    }

    @Test func scriptsAndTheirContentDisappearButTextStays() throws {
        #expect(try sanitizer.sanitize("<p>avant<script>alert(1)</script>après</p>") == "<p>avantaprès</p>")
        #expect(try sanitizer.sanitize("<form action=x>Nom <b>ici</b></form>") == "Nom <b>ici</b>")
        #expect(try sanitizer.sanitize("<svg><text>dessin</text></svg>fin") == "fin")
        #expect(try sanitizer.sanitize("<p>a<!-- note -->b</p>") == "<p>ab</p>")
        #expect(try sanitizer.sanitize(#"<a href="javascript:alert(1)" title="t">lien</a>"#) == #"<a title="t">lien</a>"#)
        #expect(try sanitizer.sanitize(#"<img src="x.png" onerror="alert(1)" alt="A">"#) == #"<img src="x.png" alt="A" />"#)
        #expect(try sanitizer.sanitize("<div><p><b>ouvert") == "<div><p><b>ouvert</b></p></div>")
        // Void elements libxml2 2.9 does not know as void must not take the rest with them.
        #expect(
            try sanitizer.sanitize(#"<embed src="x.swf"><base href="/"><meta charset="x"><link rel="x"><p>après</p>"#)
                == "<p>après</p>")
    }

    @Test func embedsAuthorsNeedAreKept() throws {
        let embeds = [
            #"<video controls="" src="https://e.org/v.mp4" poster="https://e.org/p.jpg" width="640"><source src="https://e.org/v.webm" type="video/webm" /><track src="https://e.org/fr.vtt" kind="subtitles" srclang="fr" label="Français" />Votre lecteur ne lit pas la vidéo.</video>"#,
            #"<audio controls="" src="https://e.org/a.ogg"></audio>"#,
            #"<figure><img src="https://e.org/i.jpg" alt="Photo" width="300" height="200" /><figcaption>Légende</figcaption></figure>"#,
            #"<details open=""><summary>Plus</summary><p>Détails</p></details>"#,
            #"<img src="data:image/png;base64,iVBORw0KGgo=" alt="pixel" />"#,
            #"<p lang="en" dir="ltr" class="note" id="n1">Hello<sup>2</sup> H<sub>2</sub>O <del>old</del> <ins>new</ins></p>"#,
            #"<a href="mailto:bureau@example.org" rel="nofollow" title="Écrire">écrire</a>"#,
            #"<table><thead><tr><th align="center" scope="col">a</th></tr></thead><tbody><tr><td align="right" colspan="2">1</td></tr></tbody></table>"#,
        ]
        for embed in embeds {
            #expect(try sanitizer.sanitize(embed) == embed)
        }
    }

    @Test func cmarkOutputPassesUnchanged() throws {
        // What cmark-gfm writes for a post (tables, task lists, footnotes, code), minus the
        // bare attributes it writes without a value, which come out as `=""`.
        let html = """
            <p>Texte<sup class="footnote-ref"><a href="#fn-1" id="fnref-1" data-footnote-ref="">1</a></sup> <del>barré</del> <a href="http://www.example.org">www.example.org</a> &amp; <code>&lt;b&gt;</code> &quot;cité&quot;</p>
            <ul>
            <li><input type="checkbox" disabled="" /> à faire</li>
            <li><input type="checkbox" checked="" disabled="" /> fait</li>
            </ul>
            <pre lang="swift"><code>let x = &quot;&lt;&gt;&quot;
            </code></pre>
            <section class="footnotes" data-footnotes="">
            <ol>
            <li id="fn-1">
            <p>La note. <a href="#fnref-1" class="footnote-backref" data-footnote-backref="" aria-label="Back to content">↩</a></p>
            </li>
            </ol>
            </section>

            """
        #expect(try sanitizer.sanitize(html) == html)
    }

    @Test func frenchTypographySurvivesByteForByte() throws {
        let html = "<p>«\u{A0}Élus &amp; Entreprises\u{A0}» : l’œuvre d’Œdipe, 10\u{202F}% — ça va ?</p>\n<h2>Ça «\u{A0}marche\u{A0}»</h2>\n"
        let output = try sanitizer.sanitize(html)
        #expect(Array(output.utf8) == Array(html.utf8))
        // Named and numeric references written by an author become the characters they stand for.
        #expect(try sanitizer.sanitize("<p>&laquo;&nbsp;&oelig;uvre&#x2019;s&nbsp;&raquo; &amp; &eacute;</p>") == "<p>«\u{A0}œuvre’s\u{A0}» &amp; é</p>")
    }

    @Test func urlsAreRewrittenBeforeTheyAreChecked() throws {
        let resolving = HTMLSanitizer(rewritingURLsWith: { $0.hasPrefix("/") ? "https://site.example" + $0 : $0 })
        #expect(
            try resolving.sanitize(#"<a href="/a">a</a><img src="/i.png"><a href="javascript:x">j</a>"#)
                == #"<a href="https://site.example/a">a</a><img src="https://site.example/i.png" /><a>j</a>"#)
    }

    @Test func urlPolicy() {
        for allowed in ["https://e.org/", "HTTP://e.org", "mailto:a@b.c", "tel:+33123", "/relative", "relative/path", "#frag",
                        "?q=1", "//e.org/x", "", "a/b:c", "./javascript:x"] {
            #expect(HTMLAllowlist.allowsURL(allowed), "\(allowed)")
        }
        for refused in ["javascript:alert(1)", " JAVASCRIPT:x", "java\tscript:x", "java\u{0}script:x", "vbscript:x",
                        "data:text/html,x", "data:image/png;base64,AAA", "file:///etc/passwd", "livescript:x", "jar:x"] {
            #expect(!HTMLAllowlist.allowsURL(refused), "\(refused)")
        }
        #expect(HTMLAllowlist.allowsURL("data:image/png;base64,AAA", asImage: true))
        #expect(HTMLAllowlist.allowsURL("DATA:Image/JPEG,xx", asImage: true))
        #expect(!HTMLAllowlist.allowsURL("data:image/svg+xml,<svg onload=x>", asImage: true))
        #expect(!HTMLAllowlist.allowsURL("data:text/html,x", asImage: true))
    }

    @Test func largeFragmentsAreLinear() throws {
        let paragraph = "<p class=\"c\">Texte «\u{A0}accentué\u{A0}» &amp; <a href=\"https://e.org/\">lien</a> <em>x</em></p>\n"
        let html = String(repeating: paragraph, count: 20_000)
        let deep = String(repeating: "<div>", count: 20_000) + "profond" + String(repeating: "</div>", count: 20_000)
        let started = ContinuousClock.now
        #expect(try sanitizer.sanitize(html) == html)
        #expect(try sanitizer.sanitize(deep) == deep)
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
