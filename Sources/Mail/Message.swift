import Foundation

/// One e-mail message of a digest or a confirmation, ready to be serialized into the bytes a
/// transport sends (RFC 5322, MIME: RFC 2045–2047, list headers: RFC 2369, 2919, 8058).
///
/// A plain value: building one does no I/O and checks nothing; `serialized()` validates every
/// field and either returns the whole message or throws a `MailError` that names the field.
/// Serializing the same message twice gives the same bytes (the MIME boundary is derived
/// from the Message-ID), so a retried delivery sends exactly what the first attempt sent.
public struct Message: Sendable {
    /// The author (`From`).
    public var from: Mailbox
    /// The recipients (`To`); at least one.
    public var to: [Mailbox]
    /// The subject, any Unicode text without CR, LF or NUL.
    public var subject: String
    /// The origination date (`Date`).
    public var date: Date
    /// The time zone the `Date` header is written in (its offset appears in the header).
    public var dateTimeZone: TimeZone
    /// `unique@domain`, without angle brackets (they are added in the header).
    public var messageID: String
    /// The mailing list this message belongs to (`List-Id`), if any.
    public var listID: ListID?
    /// Unsubscribe URIs (`https://…`, `mailto:…`) for `List-Unsubscribe`, in order of
    /// preference, without angle brackets.
    public var listUnsubscribe: [String]
    /// Whether to announce RFC 8058 one-click unsubscription (`List-Unsubscribe-Post:
    /// List-Unsubscribe=One-Click`); requires an `https:` URI in `listUnsubscribe`.
    public var listUnsubscribePost: Bool
    /// Other header fields, written after the list headers in this order.
    public var additionalHeaders: [HeaderField]
    /// The plain-text body; any line endings.
    public var textBody: BodyText
    /// The HTML body; when present the message is `multipart/alternative`.
    public var htmlBody: BodyText?

    /// A message; nothing is checked until `serialized()`.
    public init(
        from: Mailbox,
        to: [Mailbox],
        subject: String,
        date: Date,
        dateTimeZone: TimeZone = .gmt,
        messageID: String,
        listID: ListID? = nil,
        listUnsubscribe: [String] = [],
        listUnsubscribePost: Bool = false,
        additionalHeaders: [HeaderField] = [],
        textBody: BodyText,
        htmlBody: BodyText? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.dateTimeZone = dateTimeZone
        self.messageID = messageID
        self.listID = listID
        self.listUnsubscribe = listUnsubscribe
        self.listUnsubscribePost = listUnsubscribePost
        self.additionalHeaders = additionalHeaders
        self.textBody = textBody
        self.htmlBody = htmlBody
    }

    /// The message as RFC 5322 bytes with CRLF line endings only, ready for SMTP (the transport
    /// dot-stuffs it) or a Maildir file.
    ///
    /// Headers: `From`, `To`, `Subject`, `Date`, `Message-ID`, `MIME-Version`, then `List-Id`,
    /// `List-Unsubscribe`, `List-Unsubscribe-Post` when set, the additional headers, and the
    /// content headers. Non-ASCII header text becomes RFC 2047 encoded-words; lines are
    /// folded within 78 octets where the content allows (an address or a URI cannot be
    /// folded) and never exceed 998. Bodies are UTF-8 and quoted-printable: one `text/plain`
    /// part, or `multipart/alternative` with `text/plain` then `text/html`.
    ///
    /// - Throws: `MailError` naming the first field that cannot be written: CR, LF or NUL in
    ///   any header value, a malformed Message-ID, List-Id or URI, a bad header name, no
    ///   recipient, or a date outside 1900–9999.
    public func serialized() throws(MailError) -> [UInt8] {
        var writer = HeaderWriter(capacity: 2048)

        writer.startField("From")
        try from.append(to: &writer, field: "From", followedByComma: false)
        writer.endField()

        guard !to.isEmpty else {
            throw .invalidHeaderValue(field: "To", reason: "the message has no recipient; add at least one mailbox to `to`")
        }
        writer.startField("To")
        // A local, so that the error label's closure does not capture (and copy) `self`.
        let recipientCount = to.count
        for (index, recipient) in to.enumerated() {
            try recipient.append(
                to: &writer, field: recipientCount == 1 ? "To" : "To (recipient \(index + 1))",
                followedByComma: index < recipientCount - 1)
        }
        writer.endField()

        writer.startField("Subject")
        try writer.appendUnstructured(subject, field: "Subject")
        writer.endField()

        writer.startField("Date")
        writer.output.append(MailCharacters.space)
        try RFC5322DateFormat.append(date, in: dateTimeZone, to: &writer.output)
        writer.endField()

        try Self.validateMessageID(messageID)
        try writer.field("Message-ID", "<" + messageID + ">")
        try writer.field("MIME-Version", "1.0")

        if let listID {
            try Self.validateListID(listID.id)
            writer.startField("List-Id")
            if let name = listID.name, Mailbox.isVisible(name) {
                try writer.appendPhrase(name, field: "List-Id name")
            }
            try writer.appendToken("<\(listID.id)>".utf8, spaceBefore: true, label: "List-Id id")
            writer.endField()
        }

        if !listUnsubscribe.isEmpty {
            writer.startField("List-Unsubscribe")
            for (index, uri) in listUnsubscribe.enumerated() {
                try Self.validateUnsubscribeURI(uri, label: "List-Unsubscribe URI \(index + 1)")
                var token: [UInt8] = [UInt8(ascii: "<")]
                token.reserveCapacity(uri.utf8.count + 3)
                token.append(contentsOf: uri.utf8)
                token.append(UInt8(ascii: ">"))
                if index < listUnsubscribe.count - 1 { token.append(UInt8(ascii: ",")) }
                try writer.appendToken(token, spaceBefore: true, label: "List-Unsubscribe URI \(index + 1)")
            }
            writer.endField()
        }
        if listUnsubscribePost {
            guard listUnsubscribe.contains(where: Self.isHTTPS) else {
                throw .invalidHeaderValue(
                    field: "List-Unsubscribe-Post",
                    reason: "one-click unsubscription (RFC 8058) needs an https: URI in List-Unsubscribe; add one or set listUnsubscribePost to false")
            }
            try writer.field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        }

        for header in additionalHeaders {
            try Self.validateHeaderName(header.name)
            writer.startField(header.name)
            try writer.appendUnstructured(header.value, field: "\(header.name) header", encodeLongWords: false)
            writer.endField()
        }

        return body(after: writer.output)
    }

    // MARK: Body

    /// The headers followed by the content headers and the body, in one allocation sized for
    /// the worst case, into which the bodies are encoded in place.
    private func body(after headers: [UInt8]) -> [UInt8] {
        let isMultipart = htmlBody != nil
        let parts = [textBody] + (htmlBody.map { [$0] } ?? [])
        // QP output never contains `=_` (each `=` starts `=XX` or a soft break), so this
        // boundary cannot occur in either encoded part (RFC 2046 §5.1.1).
        let boundary = isMultipart ? Self.boundary(for: messageID) : []
        let capacity = headers.count + 1024 + parts.reduce(0) { $0 + $1.maximumEncodedLength }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            var output = ByteCursor(UnsafeMutableRawPointer(base), capacity: capacity)
            output.write(headers)
            guard isMultipart else {
                output.write(Self.textPartHeaders)
                output.write("\r\n")
                let written = textBody.encode(into: output.next(reserving: textBody.maximumEncodedLength))
                output.advance(by: written)
                // End the message with a line break without adding one to the text: a
                // final soft break (`=` CRLF) decodes to nothing.
                if written > 0, base[output.count - 1] != MailCharacters.lineFeed {
                    output.write("=\r\n")
                }
                initializedCount = output.count
                return
            }
            output.write("Content-Type: multipart/alternative; boundary=\"")
            output.write(boundary)
            output.write("\"\r\n\r\n")
            for (partHeaders, body) in zip([Self.textPartHeaders, Self.htmlPartHeaders], parts) {
                output.write("--")
                output.write(boundary)
                output.write("\r\n")
                output.write(partHeaders)
                output.write("\r\n")
                output.advance(by: body.encode(into: output.next(reserving: body.maximumEncodedLength)))
                // This CRLF belongs to the delimiter that follows, not to the body.
                output.write("\r\n")
            }
            output.write("--")
            output.write(boundary)
            output.write("--\r\n")
            initializedCount = output.count
        }
    }

    private static let textPartHeaders = partHeaders(mediaType: "text/plain")
    private static let htmlPartHeaders = partHeaders(mediaType: "text/html")

    private static func partHeaders(mediaType: String) -> [UInt8] {
        Array("Content-Type: \(mediaType); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n".utf8)
    }

    /// `=_herald_` and the FNV-1a 64-bit hash of the Message-ID in hex: the same for every
    /// serialization of a message, different between messages.
    static func boundary(for messageID: String) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var boundary = Array("=_herald_".utf8)
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: hash >> UInt64(shift)) & 0x0F
            boundary.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)  // 0-9, a-f
        }
        return boundary
    }
}
