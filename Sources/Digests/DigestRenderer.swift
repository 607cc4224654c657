import Foundation
import Mail
import MarkdownRendering
import Mustache
import Posts

/// Renders the subject, text and HTML of one digest for one recipient.
///
/// Pure and thread-safe: render as many recipients in parallel as needed.
public struct DigestRenderer: Sendable {
    public var siteTitle: String
    public var siteURL: String
    public var newsletterID: String
    public var newsletterTitle: String
    public var dates: DigestDates
    public var templates: DigestTemplates

    public init(
        siteTitle: String, siteURL: String, newsletterID: String, newsletterTitle: String, dates: DigestDates,
        templates: DigestTemplates
    ) {
        self.siteTitle = siteTitle
        self.siteURL = siteURL
        self.newsletterID = newsletterID
        self.newsletterTitle = newsletterTitle
        self.dates = dates
        self.templates = templates
    }

    /// A digest as the recipient will read it.
    public struct Content: Sendable, Hashable {
        /// One line, no control characters.
        public var subject: String
        public var text: String
        public var html: String
    }

    /// A digest ready for a `Message`: its subject, and its bodies as `Mail.BodyText`.
    public struct Bodies: Sendable {
        public var subject: String
        public var text: BodyText
        public var html: BodyText

        public init(subject: String, text: BodyText, html: BodyText) {
            self.subject = subject
            self.text = text
            self.html = html
        }

        /// The bodies of `content`, encoded when the message is serialized.
        public init(_ content: Content) {
            self.init(subject: content.subject, text: BodyText(content.text), html: BodyText(content.html))
        }
    }

    /// Renders `items` (newest first) for one recipient.
    public func render(
        _ items: [DigestItem], recipientName: String?, recipientEmail: String, unsubscribeURL: String, date: Date
    ) -> Content {
        let context = self.context(items, recipientName: recipientName, recipientEmail: recipientEmail, unsubscribeURL: unsubscribeURL, date: date)
        let subject = Self.oneLine(templates.subject.render(context))
        return Content(subject: subject, text: templates.text.render(context), html: templates.html.render(context))
    }

    private func context(
        _ items: [DigestItem], recipientName: String?, recipientEmail: String, unsubscribeURL: String, date: Date
    ) -> [String: Any] {
        let posts: [[String: Any]] = items.map { item in
            [
                "title": item.title, "url": item.url, "date": dates.long(item.date), "author": item.authorName,
                "tags": item.tags, "html": item.html, "text": item.text,
            ]
        }
        var recipient: [String: Any] = ["email": recipientEmail]
        if let recipientName { recipient["name"] = recipientName }
        return [
            "site": ["title": siteTitle, "url": siteURL],
            "newsletter": ["id": newsletterID, "title": newsletterTitle],
            "date": dates.long(date),
            "count": items.count,
            "posts": posts,
            "recipient": recipient,
            "unsubscribeURL": unsubscribeURL,
            "lang": dates.language,
            "labels": labels,
        ]
    }

    private var labels: [String: String] {
        if LanguageTag.isFrench(dates.language) {
            return [
                "readMore": "Lire la suite", "unsubscribe": "Se désabonner",
                "intro": "Les nouveaux articles depuis la dernière lettre\u{A0}:", "by": "par", "colon": "\u{A0}:",
            ]
        }
        return [
            "readMore": "Read more", "unsubscribe": "Unsubscribe", "intro": "New posts since the last issue:",
            "by": "by", "colon": ":",
        ]
    }

    /// Subjects are one line: any run of white space or control characters becomes one space
    /// (a no-break space is typography and stays).
    static func oneLine(_ text: String) -> String {
        PlainText.oneLine(text) { scalar in
            (scalar.properties.isWhitespace && scalar != "\u{A0}") || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
    }
}
