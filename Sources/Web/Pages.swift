import Feeds
import XMLWriting

/// Herald's HTML pages: small, accessible, in the site's language, with no script. Every text
/// that comes from config.json or a post goes through `HTMLEscaping`.
struct Pages: Sendable {
    let settings: WebSettings
    let text: PageText

    init(settings: WebSettings) {
        self.settings = settings
        text = PageText.forLanguage(settings.language)
    }

    private func escape(_ value: String) -> String { HTMLEscaping.text(value) }
    private func attribute(_ value: String) -> String { HTMLEscaping.attribute(value) }

    /// The page around `body`: `head` holds extra elements (autodiscovery links).
    func layout(title: String, head: String = "", body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(attribute(settings.language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        \(head)<style>
        body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
        a { color: #0645ad; } label { display: block; margin-top: .75rem; font-weight: 600; }
        input[type=email], input[type=text] { font: inherit; width: 100%; max-width: 24rem; padding: .4rem; border: 1px solid #555; border-radius: 4px; }
        button { display: block; font: inherit; margin-top: 1rem; padding: .5rem 1.2rem; border: 0; border-radius: 4px; background: #0645ad; color: #fff; cursor: pointer; }
        button:focus, input:focus, a:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
        .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
        section { margin-top: 2rem; }
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    private func feedLinks(directory: String, label: String) -> String {
        let base = "/feeds/" + (directory.isEmpty ? "" : directory + "/")
        return settings.formats.map { format in
            "<a href=\"\(attribute(base + format.fileName))\" type=\"\(format.mediaType)\">\(Self.formatName(format))</a>"
        }.joined(separator: " · ") + (label.isEmpty ? "" : " — " + escape(label))
    }

    static func formatName(_ format: FeedFormat) -> String {
        switch format {
        case .atom: return "Atom"
        case .rss: return "RSS"
        case .json: return "JSON Feed"
        }
    }

    /// `GET /`: the site's feeds (and autodiscovery links for readers), a sign-up form per
    /// newsletter.
    func home(subscriptionsOpen: Bool) -> String {
        let discovery = settings.formats.map { format in
            "<link rel=\"alternate\" type=\"\(format.mediaType)\" title=\"\(attribute(settings.siteTitle + " (" + Self.formatName(format) + ")"))\" href=\"/feeds/\(format.fileName)\">\n"
        }.joined()
        var body = "<h1>\(escape(settings.siteTitle))</h1>\n"
        if let description = settings.siteDescription { body += "<p>\(escape(description))</p>\n" }
        body += "<p><a href=\"\(attribute(settings.siteURL))\">\(escape(settings.siteURL))</a></p>\n"
        body += "<section aria-labelledby=\"feeds\">\n<h2 id=\"feeds\">\(escape(text.feeds))</h2>\n"
        body += "<p>\(feedLinks(directory: "", label: ""))</p>\n<p><a href=\"/feeds/\">\(escape(text.allFeeds))</a></p>\n</section>\n"
        body += "<section aria-labelledby=\"newsletters\">\n<h2 id=\"newsletters\">\(escape(text.newsletters))</h2>\n"
        if settings.newsletters.isEmpty || !subscriptionsOpen {
            body += "<p>\(escape(text.noNewsletters))</p>\n"
        }
        for newsletter in settings.newsletters where subscriptionsOpen {
            let id = attribute(newsletter.id)
            body += """
                <form method="post" action="/subscribe">
                <h3>\(escape(newsletter.title))</h3>
                <input type="hidden" name="newsletter" value="\(id)">
                <label for="email-\(id)">\(escape(text.email))</label>
                <input type="email" id="email-\(id)" name="email" required autocomplete="email" maxlength="254">
                <label for="name-\(id)">\(escape(text.nameOptional))</label>
                <input type="text" id="name-\(id)" name="name" autocomplete="name" maxlength="100">
                <div class="trap" aria-hidden="true"><label for="website-\(id)">\(escape(text.leaveEmpty))</label><input type="text" id="website-\(id)" name="website" tabindex="-1" autocomplete="off"></div>
                <button type="submit">\(escape(text.subscribe))</button>
                </form>

                """
        }
        body += "</section>"
        return layout(title: settings.siteTitle, head: discovery, body: body)
    }

    /// `GET /feeds/`: every feed, for people.
    func feedIndex(_ catalog: FeedCatalog) -> String {
        var body = "<h1>\(escape(text.allFeeds))</h1>\n<h2>\(escape(text.siteFeeds))</h2>\n<p>\(feedLinks(directory: "", label: ""))</p>\n"
        for (title, groups) in [(text.byTag, catalog.tags), (text.byAuthor, catalog.authors)] where !groups.isEmpty {
            body += "<h2>\(escape(title))</h2>\n<ul>\n"
            for group in groups { body += "<li>\(feedLinks(directory: group.directory, label: group.name))</li>\n" }
            body += "</ul>\n"
        }
        body += "<p><a href=\"/\">\(escape(text.backHome))</a></p>"
        return layout(title: "\(text.allFeeds) — \(settings.siteTitle)", body: body)
    }

    /// A page that says one thing, with a link home.
    func message(title: String, _ message: String) -> String {
        layout(
            title: "\(title) — \(settings.siteTitle)",
            body: "<h1>\(escape(title))</h1>\n<p>\(escape(message))</p>\n<p><a href=\"/\">\(escape(text.backHome))</a></p>")
    }

    /// A page with one button that posts `field=value` to `action`: what a confirm or
    /// unsubscribe link opens (only the POST changes anything; mail scanners only GET).
    func button(title: String, prompt: String, action: String, field: String, value: String, label: String) -> String {
        layout(
            title: "\(title) — \(settings.siteTitle)",
            body: """
                <h1>\(escape(title))</h1>
                <p>\(escape(prompt))</p>
                <form method="post" action="\(attribute(action))">
                <input type="hidden" name="\(attribute(field))" value="\(attribute(value))">
                <button type="submit">\(escape(label))</button>
                </form>
                """)
    }
}
