import Foundation
import Mustache

/// The Mustache templates of a digest: subject, HTML body and text body. Built-in defaults,
/// each of which an admin can replace with a file of their own.
///
/// What templates can use: `site.title`, `site.url`, `newsletter.id`, `newsletter.title`,
/// `date` (long form, in the site's language), `count`, `posts` (each with `title`, `url`,
/// `date`, `author`, `tags`, `html`, `text`), `recipient.name`, `recipient.email`,
/// `unsubscribeURL`, `lang`, and `labels` (`readMore`, `unsubscribe`, `intro`, `by`, and
/// `colon`, which is ` :` with a no-break space in French and `:` in English).
public struct DigestTemplates: Sendable {
    public var subject: MustacheTemplate
    public var html: MustacheTemplate
    public var text: MustacheTemplate

    /// The defaults, overridden by whatever is given.
    /// - Parameters:
    ///   - subject: a Mustache template for the subject line (rendered as text, one line).
    ///   - htmlFile: a Mustache file for the HTML body.
    ///   - textFile: a Mustache file for the text body.
    public init(subject: String? = nil, htmlFile: URL? = nil, textFile: URL? = nil) throws(DigestTemplateError) {
        self.subject = try Self.compile(subject.map { "{{% CONTENT_TYPE: TEXT}}" + $0 } ?? Self.defaultSubject, source: "subject")
        self.html = try Self.compile(try htmlFile.map(Self.read) ?? Self.defaultHTML, source: htmlFile?.path ?? "built-in HTML")
        self.text = try Self.compile(try textFile.map(Self.read) ?? Self.defaultText, source: textFile?.path ?? "built-in text")
    }

    private static func read(_ file: URL) throws(DigestTemplateError) -> String {
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(validating: [UInt8](data), as: UTF8.self)
        else {
            throw DigestTemplateError(source: file.path, reason: "cannot be read as UTF-8 text")
        }
        return text
    }

    private static func compile(_ text: String, source: String) throws(DigestTemplateError) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw DigestTemplateError(source: source, reason: "not a valid Mustache template: \(error)")
        }
    }

    static let defaultSubject = "{{% CONTENT_TYPE: TEXT}}{{newsletter.title}} — {{date}}"

    static let defaultText = """
        {{% CONTENT_TYPE: TEXT}}{{newsletter.title}} — {{date}}

        {{labels.intro}}
        {{#posts}}

        ## {{title}}
        {{date}}{{#author}} · {{labels.by}} {{author}}{{/author}}

        {{text}}

        {{labels.readMore}}{{labels.colon}} {{url}}
        {{/posts}}

        --
        {{site.title}} — {{site.url}}
        {{labels.unsubscribe}}{{labels.colon}} {{unsubscribeURL}}

        """

    static let defaultHTML = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{newsletter.title}}</title>
        </head>
        <body style="margin:0;padding:0;background:#f4f4f4;">
        <div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;font-family:Georgia,serif;font-size:17px;line-height:1.5;color:#222222;">
        <h1 style="font-size:24px;margin:0 0 4px 0;">{{newsletter.title}}</h1>
        <p style="margin:0 0 24px 0;color:#666666;">{{date}}</p>
        <p>{{labels.intro}}</p>
        {{#posts}}
        <div style="margin:32px 0;">
        <h2 style="font-size:21px;margin:0 0 4px 0;"><a href="{{url}}" style="color:#1a4d8f;text-decoration:none;">{{title}}</a></h2>
        <p style="margin:0 0 12px 0;color:#666666;font-size:15px;">{{date}}{{#author}} · {{labels.by}} {{author}}{{/author}}</p>
        {{{html}}}
        <p><a href="{{url}}" style="color:#1a4d8f;">{{labels.readMore}}</a></p>
        </div>
        {{/posts}}
        <hr style="border:none;border-top:1px solid #dddddd;margin:32px 0 16px 0;">
        <p style="font-size:13px;color:#666666;"><a href="{{site.url}}" style="color:#666666;">{{site.title}}</a> · <a href="{{unsubscribeURL}}" style="color:#666666;">{{labels.unsubscribe}}</a></p>
        </div>
        </body>
        </html>

        """
}

/// A digest template cannot be used.
public struct DigestTemplateError: Error, CustomStringConvertible, Sendable {
    public var source: String
    public var reason: String
    public var description: String { "template \(source): \(reason)" }
}
