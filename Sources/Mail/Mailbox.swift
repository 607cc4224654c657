/// An address with an optional display name: `Jean Dupont <jean@example.org>`.
///
/// The display name may be any Unicode text; it is written into headers as atoms, a
/// quoted-string or RFC 2047 encoded-words, whichever it needs, with runs of spaces and tabs
/// written as one space (whitespace in a phrase is not significant). It must not contain CR,
/// LF or NUL: `Message.serialized()` refuses such a name rather than letting it start a new
/// header.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// The name shown by mail clients; `nil` (or empty) for a bare address.
    public var displayName: String?
    /// The address itself.
    public var address: EmailAddress

    /// A mailbox from its parts; the display name is checked when the mailbox is written.
    public init(displayName: String?, address: EmailAddress) {
        self.displayName = displayName
        self.address = address
    }

    /// Parses `a@b`, `<a@b>`, `Name <a@b>` or `"Quoted, Name" <a@b>`, as found in
    /// `config.json`. Display names may be UTF-8; an unquoted one has its runs of whitespace
    /// collapsed to single spaces (RFC 5322 phrase semantics), a quoted one is kept as written
    /// (minus its backslash escapes). Encoded-words are not decoded.
    /// - Throws: `MailError.invalidMailbox` or `MailError.invalidAddress`, saying what to fix.
    public init(parsing text: String) throws(MailError) {
        func failure(_ reason: String) -> MailError { .invalidMailbox(text: text, reason: reason) }
        let bytes = Array(text.utf8)
        for byte in bytes where MailCharacters.isLineBreakOrNUL(byte) {
            throw failure(byte == 0
                ? "it contains a NUL character; remove it"
                : "it contains a line break (CR or LF), which would inject headers or SMTP commands; remove it")
        }
        var start = 0
        var end = bytes.count
        while start < end, Self.isWhitespace(bytes[start]) { start += 1 }
        while end > start, Self.isWhitespace(bytes[end - 1]) { end -= 1 }
        guard start < end else { throw failure("it is empty; give an address such as Name <name@example.org>") }

        // The last `<` outside a quoted display name opens the address.
        var openingBracket: Int?
        var insideQuotes = false
        var index = start
        while index < end {
            let byte = bytes[index]
            if insideQuotes, byte == MailCharacters.backslash {
                index += 2
                continue
            }
            if byte == MailCharacters.doubleQuote { insideQuotes.toggle() }
            if !insideQuotes, byte == UInt8(ascii: "<") { openingBracket = index }
            index += 1
        }

        if insideQuotes { throw failure("the display name has no closing quote; add it") }
        guard let openingBracket else {
            if bytes[start..<end].contains(UInt8(ascii: ">")) {
                throw failure("it has a \">\" without a \"<\"; write the address as Name <name@example.org>")
            }
            let addressText = String(decoding: bytes[start..<end], as: UTF8.self)
            if bytes[start] != MailCharacters.doubleQuote, bytes[start..<end].contains(where: Self.isWhitespace) {
                throw failure("put the address in angle brackets after the display name, as in Jean Dupont <jean@example.org>")
            }
            self.init(displayName: nil, address: try EmailAddress(addressText))
            return
        }
        guard bytes[end - 1] == UInt8(ascii: ">") else {
            if bytes[openingBracket..<end].contains(UInt8(ascii: ">")) {
                throw failure("nothing may follow the address's closing \">\"; remove what comes after it")
            }
            throw failure("the address has no closing \">\"; add it, as in Name <name@example.org>")
        }
        let inner = bytes[(openingBracket + 1)..<(end - 1)]
        if inner.contains(UInt8(ascii: ">")) || inner.contains(UInt8(ascii: "<")) {
            throw failure("the angle brackets are unbalanced; write the address as Name <name@example.org>")
        }
        let address = try EmailAddress(String(decoding: inner, as: UTF8.self))
        let name = try Self.parseDisplayName(bytes[start..<openingBracket], failure: failure)
        self.init(displayName: name, address: address)
    }

    /// The text before `<`: empty, one quoted-string, or unquoted words.
    private static func parseDisplayName(
        _ slice: ArraySlice<UInt8>, failure: (String) -> MailError
    ) throws(MailError) -> String? {
        var text = slice
        while let last = text.last, isWhitespace(last) { text.removeLast() }
        guard let first = text.first else { return nil }

        if first == MailCharacters.doubleQuote {
            var name: [UInt8] = []
            var index = text.startIndex + 1
            var closed = false
            while index < text.endIndex {
                let byte = text[index]
                if byte == MailCharacters.backslash, index + 1 < text.endIndex {
                    name.append(text[index + 1])
                    index += 2
                    continue
                }
                if byte == MailCharacters.doubleQuote {
                    closed = true
                    break
                }
                name.append(byte)
                index += 1
            }
            guard closed else { throw failure("the display name has no closing quote; add it") }
            guard index + 1 == text.endIndex else {
                throw failure("text follows the quoted display name; put the whole name in the quotes")
            }
            return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
        }

        var name: [UInt8] = []
        var pendingSpace = false
        for byte in text {
            if isWhitespace(byte) {
                pendingSpace = true
                continue
            }
            switch byte {
            case MailCharacters.doubleQuote:
                throw failure("only part of the display name is quoted; put the whole name in the quotes")
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "\\"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"):
                throw failure(
                    "the display name contains \"\(Character(Unicode.Scalar(byte)))\"; put it in double quotes, as in \"Dupont, Jean\" <jean@example.org>")
            default:
                if pendingSpace, !name.isEmpty { name.append(MailCharacters.space) }
                pendingSpace = false
                name.append(byte)
            }
        }
        return String(decoding: name, as: UTF8.self)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == MailCharacters.space || byte == MailCharacters.tab
    }

    /// The header form: `Name <a@b>`, with the display name as RFC 5322 atoms or a
    /// quoted-string when it is ASCII, or as RFC 2047 encoded-words when it is not; `a@b`
    /// without a display name. On one line (a message folds it where needed).
    /// - Throws: `MailError.invalidHeaderValue` if the display name contains CR, LF or NUL.
    public func headerValue() throws(MailError) -> String {
        var writer = HeaderWriter(capacity: 128, folding: false)
        try append(to: &writer, field: "mailbox", followedByComma: false)
        return String(decoding: writer.output.dropFirst(), as: UTF8.self)  // the leading space
    }

    /// Whether `name` has something other than spaces and tabs (else no name is written).
    static func isVisible(_ name: String) -> Bool {
        name.utf8.contains { $0 != MailCharacters.space && $0 != MailCharacters.tab }
    }

    /// `Name <a@b>` as read by people (not encoded): for logs and diagnostics.
    public var description: String {
        guard let displayName, !displayName.isEmpty else { return address.description }
        return "\(displayName) <\(address)>"
    }

    /// Writes the mailbox as the next tokens of a field; `field` names it in errors.
    func append(to writer: inout HeaderWriter, field: @autoclosure () -> String, followedByComma: Bool) throws(MailError) {
        var token: [UInt8] = []
        token.reserveCapacity(address.localPart.utf8.count + address.domain.utf8.count + 4)
        let hasName = displayName.map(Self.isVisible) ?? false
        if let displayName, hasName {
            try writer.appendPhrase(displayName, field: "\(field()) display name")
            token.append(UInt8(ascii: "<"))
        }
        token.append(contentsOf: address.localPart.utf8)
        token.append(MailCharacters.atSign)
        token.append(contentsOf: address.domain.utf8)
        if hasName { token.append(UInt8(ascii: ">")) }
        if followedByComma { token.append(UInt8(ascii: ",")) }
        try writer.appendToken(token, spaceBefore: true, label: "\(field()) address")
    }
}
