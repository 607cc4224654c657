import Foundation
import Mail
import MarkdownRendering
import XMLWriting

extension DigestRenderer {
    /// Renders the parts of a digest that are the same for every recipient once: the templates
    /// are rendered with placeholders for `recipient.name`, `recipient.email` and
    /// `unsubscribeURL`, and each recipient's message only fills them in.
    ///
    /// Safe with any template: the result is checked against a full rendering for sample
    /// recipients (with and without a name, with characters that HTML escapes); if a template
    /// does something to a recipient field other than print it (a transform such as
    /// `uppercased(recipient.name)`, a lambda), every recipient gets a full rendering instead.
    public func prepare(_ items: [DigestItem], date: Date) -> PreparedDigest {
        PreparedDigest(renderer: self, items: items, date: date)
    }
}

/// A digest rendered once for all its recipients; see `DigestRenderer.prepare(_:date:)`.
public struct PreparedDigest: Sendable {
    private let renderer: DigestRenderer
    private let items: [DigestItem]
    private let date: Date
    /// `nil`: fall back to `DigestRenderer.render` for each recipient.
    private let withName: Parts?
    private let withoutName: Parts?

    /// Whether recipients get the fast path (false when the templates needed a full rendering).
    public var isPrepared: Bool { withName != nil && withoutName != nil }

    init(renderer: DigestRenderer, items: [DigestItem], date: Date) {
        self.renderer = renderer
        self.items = items
        self.date = date
        func parts(named: Bool) -> Parts? {
            let content = renderer.render(
                items, recipientName: named ? Placeholder.name.raw : nil, recipientEmail: Placeholder.email.raw,
                unsubscribeURL: Placeholder.unsubscribeURL.raw, date: date)
            guard let parts = Parts(content) else { return nil }
            // Check the substitution against a full rendering, with characters that escaping changes.
            let sample = (name: "Zoé \"Z\" <d'Œuf> & Cie", email: "o'brien+x@example.org", url: "https://example.org/u?a=1&b=<2>")
            let expected = renderer.render(
                items, recipientName: named ? sample.name : nil, recipientEmail: sample.email, unsubscribeURL: sample.url,
                date: date)
            // Both ways a recipient's copy is made: as text, and as the encoded bodies that are sent.
            let filled = parts.fill(name: named ? sample.name : nil, email: sample.email, unsubscribeURL: sample.url)
            let bodies = parts.bodies(name: named ? sample.name : nil, email: sample.email, unsubscribeURL: sample.url)
            guard filled == expected, bodies.text.encoded == BodyText(expected.text).encoded,
                bodies.html.encoded == BodyText(expected.html).encoded
            else { return nil }
            return parts
        }
        withName = parts(named: true)
        withoutName = parts(named: false)
    }

    /// The digest as `recipient` will read it; the same as `DigestRenderer.render` gives.
    /// (What is sent is `bodies`; this text form is what their check at preparation compares.)
    func render(recipientName: String?, recipientEmail: String, unsubscribeURL: String) -> DigestRenderer.Content {
        let name = recipientName
        if let parts = name == nil ? withoutName : withName {
            return parts.fill(name: name, email: recipientEmail, unsubscribeURL: unsubscribeURL)
        }
        return renderer.render(
            items, recipientName: recipientName, recipientEmail: recipientEmail, unsubscribeURL: unsubscribeURL, date: date)
    }

    /// The digest for `recipient`, its text and HTML already quoted-printable: only the lines
    /// that hold a recipient field are encoded per recipient (encoding every body whole was
    /// a fifth of a send's time). The same bytes as encoding `render(…)`'s content.
    public func bodies(recipientName: String?, recipientEmail: String, unsubscribeURL: String) -> DigestRenderer.Bodies {
        if let parts = recipientName == nil ? withoutName : withName {
            return parts.bodies(name: recipientName, email: recipientEmail, unsubscribeURL: unsubscribeURL)
        }
        return DigestRenderer.Bodies(renderer.render(
            items, recipientName: recipientName, recipientEmail: recipientEmail, unsubscribeURL: unsubscribeURL, date: date))
    }

    // MARK: - Placeholders

    /// A placeholder is U+FDD0 (a noncharacter, which no post or template contains by accident),
    /// `&`, a letter and U+FDD1. The `&` tells an escaped occurrence (`&amp;`, from `{{…}}` in
    /// HTML) from a raw one (`{{{…}}}`, or any text template).
    enum Placeholder: UInt8, CaseIterable {
        case name = 0x6E  // n
        case email = 0x65  // e
        case unsubscribeURL = 0x75  // u

        var raw: String {
            // Built at run time: Swift refuses noncharacters in string literals.
            String(Unicode.Scalar(0xFDD0)!) + "&" + String(UnicodeScalar(rawValue)) + String(Unicode.Scalar(0xFDD1)!)
        }
    }

    /// One template's output cut at the placeholders.
    struct Template: Sendable {
        enum Segment: Sendable {
            case text([UInt8])
            case field(Placeholder, escaped: Bool)
        }

        var segments: [Segment]
        var literalCount: Int

        /// `nil` if `output` contains U+FDD0 in any other form.
        init?(_ output: String) {
            let bytes = Array(output.utf8)
            let mark: [UInt8] = [0xEF, 0xB7, 0x90]  // U+FDD0
            let end: [UInt8] = [0xEF, 0xB7, 0x91]  // U+FDD1
            let amp = Array("amp;".utf8)
            var segments: [Segment] = []
            var literalCount = 0
            var start = 0
            var index = 0
            while index + 2 < bytes.count {
                guard bytes[index] == mark[0], bytes[index + 1] == mark[1], bytes[index + 2] == mark[2] else {
                    index += 1
                    continue
                }
                var cursor = index + 3
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "&") else { return nil }
                cursor += 1
                var escaped = false
                if bytes.count - cursor >= amp.count, Array(bytes[cursor..<cursor + amp.count]) == amp {
                    escaped = true
                    cursor += amp.count
                }
                guard cursor + 3 < bytes.count, let field = Placeholder(rawValue: bytes[cursor]),
                    Array(bytes[cursor + 1..<cursor + 4]) == end
                else { return nil }
                if start < index {
                    segments.append(.text(Array(bytes[start..<index])))
                    literalCount += index - start
                }
                segments.append(.field(field, escaped: escaped))
                index = cursor + 4
                start = index
            }
            if start < bytes.count {
                segments.append(.text(Array(bytes[start...])))
                literalCount += bytes.count - start
            }
            self.segments = segments
            self.literalCount = literalCount
        }

        /// Slot numbers for `QuotedPrintableTemplate`: a field, escaped or not.
        static func slot(_ field: Placeholder, escaped: Bool) -> Int { Int(field.rawValue) * 2 + (escaped ? 1 : 0) }

        var quotedPrintable: QuotedPrintableTemplate {
            QuotedPrintableTemplate(segments.map { segment in
                switch segment {
                case .text(let bytes): .text(bytes)
                case .field(let field, let escaped): .slot(Self.slot(field, escaped: escaped))
                }
            })
        }

        func fill(_ values: [Placeholder: (raw: [UInt8], escaped: [UInt8])]) -> String {
            var output: [UInt8] = []
            output.reserveCapacity(literalCount + 512)
            for segment in segments {
                switch segment {
                case .text(let bytes): output.append(contentsOf: bytes)
                case .field(let field, let escaped):
                    if let value = values[field] { output.append(contentsOf: escaped ? value.escaped : value.raw) }
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    struct Parts: Sendable {
        var subject: Template
        var text: Template
        var html: Template
        var encodedText: QuotedPrintableTemplate
        var encodedHTML: QuotedPrintableTemplate

        init?(_ content: DigestRenderer.Content) {
            guard let subject = Template(content.subject), let text = Template(content.text), let html = Template(content.html)
            else { return nil }
            self.subject = subject
            self.text = text
            self.html = html
            encodedText = text.quotedPrintable
            encodedHTML = html.quotedPrintable
        }

        func fill(name: String?, email: String, unsubscribeURL: String) -> DigestRenderer.Content {
            let values = Self.values(name: name, email: email, unsubscribeURL: unsubscribeURL)
            return DigestRenderer.Content(
                subject: DigestRenderer.oneLine(subject.fill(values)), text: text.fill(values), html: html.fill(values))
        }

        func bodies(name: String?, email: String, unsubscribeURL: String) -> DigestRenderer.Bodies {
            let values = Self.values(name: name, email: email, unsubscribeURL: unsubscribeURL)
            // A field without a value (no name) is left empty, as `Template.fill` does.
            let slot: (Int) -> [UInt8] = { slot in
                guard let field = Placeholder(rawValue: UInt8(slot / 2)), let value = values[field] else { return [] }
                return slot % 2 == 1 ? value.escaped : value.raw
            }
            return DigestRenderer.Bodies(
                subject: DigestRenderer.oneLine(subject.fill(values)), text: encodedText.fill(slot), html: encodedHTML.fill(slot))
        }

        private static func values(name: String?, email: String, unsubscribeURL: String) -> [Placeholder: (raw: [UInt8], escaped: [UInt8])] {
            var values: [Placeholder: (raw: [UInt8], escaped: [UInt8])] = [
                .email: (Array(email.utf8), Self.htmlEscaped(email)),
                .unsubscribeURL: (Array(unsubscribeURL.utf8), Self.htmlEscaped(unsubscribeURL)),
            ]
            if let name { values[.name] = (Array(name.utf8), Self.htmlEscaped(name)) }
            return values
        }

        /// What Mustache's `{{…}}` does in HTML.
        static func htmlEscaped(_ text: String) -> [UInt8] {
            var output: [UInt8] = []
            HTMLEscaping.appendAttribute(text, to: &output)
            return output
        }
    }
}
