import Foundation
import Testing
import TestSupport
import Mail

/// Messages serialized by `Message` and read back by Python's `email` package.
@Suite struct MessageTests {
    @Test func frenchDigestSurvivesPythonEmail() throws {
        let bytes = try MessageFixtures.digest().serialized()
        let parsed = try ParsedMessage.parse(bytes)

        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(Array(parsed.subject?.utf8 ?? "".utf8) == Array(MessageFixtures.frenchSubject.utf8))
        #expect(parsed.subject == "Rencontre «\u{A0}Élus & Associations\u{A0}»\u{A0}: l’œuvre commune\u{A0}!")
        #expect(parsed.from == [.init(display_name: "Cœur d’Alène, Rédaction", username: "news", domain: "example.org", addr_spec: "news@example.org")])
        #expect(parsed.to?.map(\.display_name) == ["Dupont, Jean-Œdipe", "Dupont, Jean", ""])
        #expect(parsed.to?.map(\.addr_spec) == ["jean.dupont@example.org", "jd@example.net", "bare@example.com"])
        #expect(parsed.date == "2026-11-27T08:00:00+01:00")
        #expect(parsed.message_id == "<digest-42.subscriber-7@example.org>")
        #expect(parsed.list_id == "Lettre «\u{A0}Élus\u{A0}» de l’œuvre <weekly.example.org>")
        #expect(parsed.list_unsubscribe == "<https://example.org/unsubscribe/T0K3N>, <mailto:unsubscribe@example.org?subject=T0K3N>")
        #expect(parsed.list_unsubscribe_post == "List-Unsubscribe=One-Click")
        #expect(parsed.extra["X-Campaign"] == "Hebdo n°42 — «\u{A0}spécial\u{A0}»")
        #expect(parsed.header_names == [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe",
            "List-Unsubscribe-Post", "X-Campaign", "Content-Type",
        ])

        #expect(parsed.content_type == "multipart/alternative")
        #expect(parsed.parts.map(\.content_type) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(parsed.parts.dropFirst().allSatisfy { $0.charset == "utf-8" && $0.transfer_encoding == "quoted-printable" })
        #expect(parsed.text == MessageFixtures.withCRLFLineEndings(MessageFixtures.trickyText))
        #expect(parsed.html == MessageFixtures.withCRLFLineEndings(MessageFixtures.trickyHTML))

        #expect(parsed.crlf_only)
        #expect(parsed.ends_with_crlf)
        #expect(parsed.max_line_length <= 78, "longest line: \(parsed.max_line_length)")
        #expect(bytes.allSatisfy { $0 < 0x80 }, "the message must be 7-bit")
    }

    @Test func textOnlyMessageIsOneQuotedPrintablePart() throws {
        let message = MessageFixtures.digest(html: nil)
        let bytes = try message.serialized()
        let parsed = try ParsedMessage.parse(bytes)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.content_type == "text/plain")
        #expect(parsed.parts.count == 1)
        #expect(parsed.parts.first?.charset == "utf-8")
        #expect(parsed.parts.first?.transfer_encoding == "quoted-printable")
        #expect(parsed.boundary == nil)
        #expect(parsed.html == nil)
        // The text has no final line break, and none is added, although the message ends in CRLF.
        #expect(parsed.text == MessageFixtures.withCRLFLineEndings(MessageFixtures.trickyText))
        #expect(parsed.ends_with_crlf)
        #expect(parsed.crlf_only)
        #expect(parsed.max_line_length <= 78)
    }

    @Test(arguments: [
        "", "\n", "x", "x\n", "\r\n\r\n", " ", "=", ".", "From ", String(repeating: "y", count: 75),
        String(repeating: "y", count: 76), String(repeating: "y", count: 76) + "\n", "é" + String(repeating: " ", count: 80),
    ])
    func edgeCaseBodiesRoundTrip(_ text: String) throws {
        let single = try MessageFixtures.digest(text: text, html: nil).serialized()
        let multi = try MessageFixtures.digest(text: text, html: text).serialized()
        let parsed = try ParsedMessage.parse([single, multi])
        let expected = MessageFixtures.withCRLFLineEndings(text)
        for message in parsed {
            #expect(message.defects.isEmpty, "\(message.defects)")
            #expect(message.text == expected)
            #expect(message.crlf_only)
            #expect(message.ends_with_crlf)
            #expect(message.max_line_length <= 78)
        }
        #expect(parsed.last?.html == expected)
    }

    @Test func longASCIISubjectIsFoldedAtSpaces() throws {
        let subject = (1...40).map { "word\($0)" }.joined(separator: " ") + " end"
        let parsed = try ParsedMessage.parse(try MessageFixtures.digest(subject: subject).serialized())
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.subject == subject)
        let subjectLines = Self.fieldLines("Subject", in: parsed.header_lines)
        #expect(subjectLines.count > 3)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(subjectLines.joined().contains("=?") == false, "a plain ASCII subject needs no encoding")
        #expect(subjectLines.dropFirst().allSatisfy { $0.hasPrefix(" ") && !$0.hasPrefix("  ") })
    }

    @Test(arguments: [
        String(repeating: "a", count: 2000),
        String(repeating: "é", count: 2000),
        String(repeating: "\u{1F600}", count: 700) + String(repeating: "x", count: 1300),
        String(repeating: "ab€", count: 700),
        String(repeating: "=?", count: 1000),
        "Début " + String(repeating: "x", count: 2000) + " fin",
    ])
    func twoThousandCharacterSubjectsFitTheLineLimits(_ subject: String) throws {
        let bytes = try MessageFixtures.digest(subject: subject).serialized()
        let parsed = try ParsedMessage.parse(bytes)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.subject == subject)
        #expect(parsed.max_line_length <= 998)
        #expect(parsed.max_line_length <= 78, "they can be folded, so they must be")
        let subjectLines = Self.fieldLines("Subject", in: parsed.header_lines)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 76 }, "lines with encoded-words: at most 76")
        for word in Self.encodedWords(in: subjectLines) {
            #expect(word.utf8.count <= 75, "\(word)")
        }
    }

    @Test(arguments: [
        "=?utf-8?Q?not_encoded?=", "a =?iso-8859-1?q?x?= b", "price =?", "?= =? ?=", "x_y=z?", "tab\tinside\twords",
        "Espaces  doubles  et   triples", "é  ü", "é  a", "a  é", "« a »", "é ", "Élus\u{A0}", "\u{85}\u{2028}\u{2029}",
        "Ligne\u{0B}vertical tab\u{0C}form feed\u{1B}escape\u{7F}", "\u{FEFF}bom", "a", "", "é",
    ])
    func trickySubjectsRoundTrip(_ subject: String) throws {
        let bytes = try MessageFixtures.digest(subject: subject, html: nil).serialized()
        let parsed = try ParsedMessage.parse(bytes)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.subject == subject)
        #expect(parsed.crlf_only)
        #expect(bytes.allSatisfy { $0 < 0x80 })
    }

    /// Seeded random subjects, display names and list names, all serialized and then parsed by
    /// one Python run.
    @Test func randomHeaderTextRoundTrips() throws {
        var random = SeededGenerator(seed: 2047)
        let pieces = [
            "a", "Z", "9", "word", "mot", "é", "É", "œ", "’", "«", "»", "\u{A0}", "\u{202F}", "€", "\u{1F600}", "漢",
            ",", ";", ":", "\"", "\\", "(", ")", "<", ">", "@", ".", "=", "?", "_", "=?", "?=", "!", "*", "/", "'",
            " ", " ", " ", "  ", "\t", "\t\t", " \t ", "é\t", "-", "e\u{301}", String(repeating: "long", count: 12),
        ]
        func randomText(maximumPieces: Int) -> String {
            var text = ""
            for _ in 0..<Int.random(in: 1...maximumPieces, using: &random) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
            // Leading and trailing whitespace is not significant in headers.
            return text.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        }
        var messages: [Message] = []
        for index in 0..<400 {
            var message = MessageFixtures.digest(subject: randomText(maximumPieces: 60), text: "x", html: nil,
                                                 messageID: "random-\(index)@example.org")
            message.from.displayName = randomText(maximumPieces: 25)
            message.to[0].displayName = randomText(maximumPieces: 25)
            message.listID?.name = randomText(maximumPieces: 15)
            messages.append(message)
        }
        let parsed = try ParsedMessage.parse(messages.map { try $0.serialized() })
        for (message, result) in zip(messages, parsed) {
            #expect(result.defects.isEmpty, "\(result.defects) for \(message.subject.debugDescription)")
            #expect(result.subject == message.subject, "\(message.subject.debugDescription) \(Self.fieldLines("Subject", in: result.header_lines))")
            #expect(result.from_names == [Self.phrase(message.from.displayName)], "\(result.header_lines)")
            #expect(result.to_names == message.to.map { Self.phrase($0.displayName) }, "\(result.header_lines)")
            #expect(result.list_id_names == [Self.phrase(message.listID?.name)], "\(result.header_lines)")
            #expect(result.to?.map(\.addr_spec) == message.to.map(\.address.description))
            #expect(result.max_line_length <= 78, "\(result.header_lines)")
            for word in Self.encodedWords(in: result.header_lines) {
                #expect(word.utf8.count <= 75, "\(word)")
            }
            for line in result.header_lines where line.contains("=?utf-8?") {
                #expect(line.utf8.count <= 76, "\(line)")
            }
        }
    }

    /// Display names longer than one encoded-word still round-trip (for RFC 2047 decoders).
    @Test func longDisplayNamesAreSplitIntoEncodedWords() throws {
        var message = MessageFixtures.digest(html: nil)
        message.from.displayName = String(repeating: "Cœur d’Alène, Rédaction ", count: 5) + "fin"
        message.to[0].displayName = String(repeating: "\u{1F600}", count: 40)
        message.to[1].displayName = String(repeating: "Jean-Pierre ", count: 12) + "Dupont, \"Jr\""
        let parsed = try ParsedMessage.parse(try message.serialized())
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.from_names == [Self.phrase(message.from.displayName)])
        #expect(parsed.to_names == message.to.map { Self.phrase($0.displayName) })
        #expect(parsed.to?[1].display_name == message.to[1].displayName.map { Self.phrase($0) })
        #expect(parsed.max_line_length <= 78, "\(parsed.header_lines)")
        #expect(Self.fieldLines("From", in: parsed.header_lines).count >= 3)
    }

    /// A display name as it is written: runs of spaces and tabs made one space, ends trimmed.
    static func phrase(_ name: String?) -> String {
        (name ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    @Test func serializationIsDeterministicAndTheBoundaryIsSafe() throws {
        let message = MessageFixtures.digest()
        let first = try message.serialized()
        #expect(try message.serialized() == first)
        let other = try MessageFixtures.digest(messageID: "digest-42.subscriber-8@example.org").serialized()
        let parsed = try ParsedMessage.parse([first, other])
        let boundary = try #require(parsed[0].boundary)
        #expect(boundary.hasPrefix("=_herald_"))
        #expect(boundary.count == "=_herald_".count + 16)
        #expect(parsed[1].boundary != boundary)
        // The only occurrences of the boundary are the three delimiter lines.
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.components(separatedBy: boundary).count - 1 == 4)  // Content-Type + 3 delimiters
        #expect(text.contains("\r\n--\(boundary)--\r\n"))
    }

    @Test func dateHeaderIsWrittenInTheMessagesTimeZone() throws {
        var message = MessageFixtures.digest(html: nil)
        let paris = try ParsedMessage.parse(try message.serialized())
        #expect(paris.header_lines.contains("Date: Fri, 27 Nov 2026 08:00:00 +0100"))
        message.dateTimeZone = .gmt
        let utc = try ParsedMessage.parse(try message.serialized())
        #expect(utc.header_lines.contains("Date: Fri, 27 Nov 2026 07:00:00 +0000"))
        #expect(utc.date == "2026-11-27T07:00:00+00:00")
    }

    @Test func additionalHeadersAreWrittenAndChecked() throws {
        var message = MessageFixtures.digest(html: nil)
        message.additionalHeaders = [
            HeaderField(name: "X-Long", value: (1...30).map { "token\($0)" }.joined(separator: " ")),
            HeaderField(name: "X-Empty", value: ""),
            HeaderField(name: "Precedence", value: "bulk"),
        ]
        let parsed = try ParsedMessage.parse(try message.serialized())
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.extra["X-Long"] == (1...30).map { "token\($0)" }.joined(separator: " "))
        #expect(parsed.extra["X-Empty"] == "")
        #expect(parsed.max_line_length <= 78)

        for name in ["Subject", "content-type", "From", "X Bad", "X:Bad", "", "X-é", String(repeating: "X", count: 77)] {
            message.additionalHeaders = [HeaderField(name: name, value: "v")]
            #expect(throws: MailError.self, "\(name)") { try message.serialized() }
        }
    }

    @Test func listHeadersAreChecked() throws {
        var message = MessageFixtures.digest(html: nil)
        message.listUnsubscribe = ["mailto:u@example.org"]
        #expect { try message.serialized() } throws: { error in
            (error as? MailError)?.description.contains("RFC 8058") ?? false
        }
        message.listUnsubscribePost = false
        #expect(throws: Never.self) { try message.serialized() }

        for uri in ["", "<https://example.org/u>", "https://example.org/a b", "https://exämple.org/", "/relative/path", "https://example.org/>x"] {
            message.listUnsubscribe = [uri]
            #expect(throws: MailError.self, "\(uri)") { try message.serialized() }
        }
        message.listUnsubscribe = ["https://example.org/" + String(repeating: "t", count: 1000)]
        #expect(throws: MailError.self) { try message.serialized() }
        message.listUnsubscribe = []

        for id in ["", "<weekly.example.org>", "nodot", "a..b.org", "weekly example.org", "é.example.org"] {
            message.listID = ListID(name: nil, id: id)
            #expect(throws: MailError.self, "\(id)") { try message.serialized() }
        }
        message.listID = ListID(name: nil, id: "weekly.example.org")
        let parsed = try ParsedMessage.parse(try message.serialized())
        #expect(parsed.list_id == "<weekly.example.org>")
        #expect(parsed.list_unsubscribe == nil)
    }

    @Test(arguments: [
        ("<abc@example.org>", "angle brackets"), ("abc", "no @"), ("a b@example.org", "before the @"),
        ("abc@exa mple.org", "after the @"), ("abc@", "after the @"), ("@example.org", "before the @"),
        ("é@example.org", "before the @"), ("a..b@example.org", "before the @"),
    ])
    func malformedMessageIDsAreRejected(_ id: String, _ expected: String) {
        #expect {
            try MessageFixtures.digest(messageID: id).serialized()
        } throws: { error in
            (error as? MailError)?.description.contains(expected) ?? false
        }
    }

    @Test func messageIDMayUseAnAddressLiteral() throws {
        let parsed = try ParsedMessage.parse(try MessageFixtures.digest(messageID: "x.1@[192.0.2.1]").serialized())
        #expect(parsed.message_id == "<x.1@[192.0.2.1]>")
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    /// An address or a URI cannot be folded: such lines may pass 78 octets, never 998.
    @Test func unfoldableValuesOverflowOnlyTheSoftLimit() throws {
        let label = String(repeating: "d", count: 63)
        let longAddress = "a@" + [label, label, label, String(repeating: "e", count: 60)].joined(separator: ".")
        var message = MessageFixtures.digest(html: nil)
        message.to = [Mailbox(displayName: "Jean", address: try EmailAddress(longAddress))]
        let longURI = "https://example.org/unsubscribe/" + String(repeating: "T", count: 900)
        message.listUnsubscribe = [longURI, "mailto:u@example.org"]
        let parsed = try ParsedMessage.parse(try message.serialized())
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.to?.first?.addr_spec == longAddress)
        #expect(parsed.list_unsubscribe == "<\(longURI)>, <mailto:u@example.org>")
        #expect(parsed.max_line_length > 78)
        #expect(parsed.max_line_length <= 998)
        let folded = parsed.header_lines.filter { !$0.contains(longAddress) && !$0.contains(longURI) }
        #expect(folded.allSatisfy { $0.utf8.count <= 78 }, "\(folded)")
    }

    @Test func aMessageNeedsARecipient() {
        var message = MessageFixtures.digest()
        message.to = []
        #expect(throws: MailError.self) { try message.serialized() }
    }

    // MARK: Helpers

    /// The raw lines of header field `name` (its first line and its continuation lines).
    static func fieldLines(_ name: String, in headerLines: [String]) -> [String] {
        guard let start = headerLines.firstIndex(where: { $0.hasPrefix(name + ":") }) else { return [] }
        var lines = [headerLines[start]]
        for line in headerLines[(start + 1)...] {
            guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
            lines.append(line)
        }
        return lines
    }

    /// Every `=?…?=` token in `lines`.
    static func encodedWords(in lines: [String]) -> [String] {
        lines.flatMap { $0.split(separator: " ") }
            .filter { $0.hasPrefix("=?utf-8?") }
            .map(String.init)
    }
}
