import Foundation
import Mail

/// Messages and texts shared by the tests: French typography (no-break spaces, « », ’, œ),
/// and bodies with everything quoted-printable has to get right.
enum MessageFixtures {
    /// The subject of the sample site, with U+00A0 no-break spaces.
    static let frenchSubject = "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!"

    /// 27 November 2026 07:00:00 UTC (08:00 in Paris).
    static let date = Date(timeIntervalSince1970: 1_795_762_800)

    /// A text body with mixed line endings, long lines, trailing whitespace, `=` signs, lines
    /// starting with `.` and `From `, a line that looks like a MIME boundary, and no final
    /// line break.
    static let trickyText: String = {
        let words = (0..<60).map { "mot\($0)" }.joined(separator: " ")
        var text = "Bonjour Jean-Œdipe,\n\n"
        text += "Voici la lettre «\u{A0}Élus & Associations\u{A0}» de la semaine\u{A0}: l’œuvre commune\u{A0}!\r\n"
        text += words + "\n"
        text += "https://example.org/" + String(repeating: "a", count: 230) + "?x=1&y=2\r"
        text += "trailing spaces   \n"
        text += "trailing tab\t\n"
        text += " leading space and = signs: x = y == z; a=3D is not an escape; =_herald_deadbeef is no boundary\n"
        text += ".\n"
        text += ".htaccess starts with a dot\n"
        text += "..two dots\n"
        text += "From the editor: hello\n"
        text += ">From already quoted\n"
        text += "--=_herald_0000000000000000\n"
        text += "--=_herald_0000000000000000--\n"
        text += "Emoji: \u{1F600}\u{1F44D}\u{1F3FD} and CJK: 漢字 and a combining e\u{301}\n"
        text += "\n\n\t\n"
        text += String(repeating: "é", count: 100) + "\n"
        text += "Final line without a line break"
        return text
    }()

    /// An HTML body in the shape cmark-gfm and Mustache produce: a few long lines.
    static let trickyHTML: String = {
        var html = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Lettre</title></head>\n"
        html += "<body style=\"margin:0;padding:0\"><h1>Rencontre «&nbsp;Élus &amp; Associations&nbsp;»</h1>\n"
        for index in 0..<20 {
            html += "<p class=\"post\" data-index=\"\(index)\">L’œuvre commune\u{A0}! <a href=\"https://example.org/posts/\(index)/?utm=a&amp;b=c\">Lire la suite</a> — "
        }
        html += "</p>\n.\nFrom here on\n</body></html>\n"
        return html
    }()

    static func address(_ text: String) -> EmailAddress {
        // Fixture addresses are valid; a typo here should fail loudly.
        do { return try EmailAddress(text) } catch { fatalError("fixture address \(text): \(error)") }
    }

    /// A digest as Herald sends it: list headers, French names, both bodies.
    static func digest(
        subject: String = frenchSubject, text: String = trickyText, html: String? = trickyHTML,
        messageID: String = "digest-42.subscriber-7@example.org"
    ) -> Message {
        Message(
            from: Mailbox(displayName: "Cœur d’Alène, Rédaction", address: address("news@example.org")),
            to: [
                Mailbox(displayName: "Dupont, Jean-Œdipe", address: address("jean.dupont@example.org")),
                Mailbox(displayName: "Dupont, Jean", address: address("jd@example.net")),
                Mailbox(displayName: nil, address: address("bare@example.com")),
            ],
            subject: subject,
            date: date,
            dateTimeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
            messageID: messageID,
            listID: ListID(name: "Lettre «\u{A0}Élus\u{A0}» de l’œuvre", id: "weekly.example.org"),
            listUnsubscribe: ["https://example.org/unsubscribe/T0K3N", "mailto:unsubscribe@example.org?subject=T0K3N"],
            listUnsubscribePost: true,
            additionalHeaders: [HeaderField(name: "X-Campaign", value: "Hebdo n°42 — «\u{A0}spécial\u{A0}»")],
            textBody: BodyText(text),
            htmlBody: html.map { BodyText($0) })
    }

    /// French prose of about `length` bytes of UTF-8, in lines of about 70 characters.
    static func prose(length: Int) -> String {
        let sentence = "L’œuvre commune des «\u{A0}Élus & Associations\u{A0}» avance\u{A0}: voici les nouvelles de la semaine, "
        var text = ""
        var column = 0
        while text.utf8.count < length {
            for word in sentence.split(separator: " ") {
                text += word
                column += word.count + 1
                if column > 70 {
                    text += "\n"
                    column = 0
                } else {
                    text += " "
                }
            }
        }
        return text
    }

    /// Every line ending of `text` (CRLF, LF or CR) made LF.
    static func withLFLineEndings(_ text: String) -> String {
        String(decoding: withCRLFLineEndings(text).utf8.filter { $0 != 0x0D }, as: UTF8.self)
    }

    /// Every line ending of `text` (CRLF, LF or CR) made CRLF, byte by byte (a Swift
    /// `Character` holds CRLF as one grapheme, so string replacement is not used).
    static func withCRLFLineEndings(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x0D:
                result += [0x0D, 0x0A]
                index += (index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
            case 0x0A:
                result += [0x0D, 0x0A]
                index += 1
            default:
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
