import Foundation

/// The checks of the values that `Message.serialized()` writes verbatim (not encoded): they
/// must be ASCII of a known syntax, and above all free of CR, LF and NUL.
extension Message {
    /// Header names this type writes itself; setting them again through `additionalHeaders`
    /// would give a message two `From` or two `Content-Type` fields.
    static let headerNamesWrittenByMessage: Set<String> = [
        "from", "to", "subject", "date", "message-id", "mime-version", "list-id", "list-unsubscribe",
        "list-unsubscribe-post", "content-type", "content-transfer-encoding",
    ]

    /// `unique@domain` (RFC 5322 §3.6.4 `msg-id` without its brackets).
    static func validateMessageID(_ id: String) throws(MailError) {
        func failure(_ reason: String) -> MailError { .invalidHeaderValue(field: "Message-ID", reason: reason) }
        try rejectLineBreaks(id, field: "Message-ID")
        if id.hasPrefix("<") || id.hasSuffix(">") {
            throw failure("give it without angle brackets, as in unique@example.org (they are added in the header)")
        }
        guard let atSign = id.utf8.firstIndex(of: MailCharacters.atSign) else {
            throw failure("it has no @; a Message-ID looks like unique@example.org")
        }
        guard isDotAtom(id.utf8[..<atSign]) else {
            throw failure("the part before the @ must be letters, digits and !#$%&'*+-/=?^_`{|}~ separated by single dots")
        }
        let right = id.utf8[id.utf8.index(after: atSign)...]
        let isLiteral = right.first == UInt8(ascii: "[") && right.last == UInt8(ascii: "]") && right.count >= 2
            && right.dropFirst().dropLast().allSatisfy { byte in
                MailCharacters.isVisibleASCII(byte) && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "]")
                    && byte != MailCharacters.backslash
            }
        guard isDotAtom(right) || isLiteral else {
            throw failure("the part after the @ must be a domain (letters, digits and !#$%&'*+-/=?^_`{|}~ separated by single dots)")
        }
        guard id.utf8.count <= 900 else { throw failure("it is \(id.utf8.count) octets long; keep it under 900") }
    }

    /// `label.namespace` (RFC 2919 §2).
    static func validateListID(_ id: String) throws(MailError) {
        func failure(_ reason: String) -> MailError { .invalidHeaderValue(field: "List-Id id", reason: reason) }
        try rejectLineBreaks(id, field: "List-Id id")
        if id.hasPrefix("<") || id.hasSuffix(">") {
            throw failure("give it without angle brackets, as in weekly.example.org (they are added in the header)")
        }
        guard isDotAtom(id.utf8), id.utf8.contains(MailCharacters.dot) else {
            throw failure("a list id is a label and a domain separated by dots, as in weekly.example.org, made of letters, digits, hyphens and dots")
        }
        guard id.utf8.count <= 255 else { throw failure("it is \(id.utf8.count) octets long; RFC 2919 allows at most 255") }
    }

    /// An absolute URI of printable ASCII without spaces or angle brackets (RFC 2369 §2).
    /// Whether `uri` starts with `https:`, in any case.
    static func isHTTPS(_ uri: String) -> Bool {
        let scheme = "https:".utf8
        return uri.utf8.count >= scheme.count
            && zip(uri.utf8, scheme).allSatisfy { uriByte, schemeByte in uriByte | 0x20 == schemeByte | 0x20 }
    }

    static func validateUnsubscribeURI(_ uri: String, label: @autoclosure () -> String) throws(MailError) {
        func failure(_ reason: String) -> MailError { .invalidHeaderValue(field: label(), reason: reason) }
        try rejectLineBreaks(uri, field: label())
        guard !uri.isEmpty else { throw failure("it is empty; give an https: or mailto: URI") }
        if uri.hasPrefix("<") || uri.hasSuffix(">") {
            throw failure("give it without angle brackets (they are added in the header)")
        }
        for byte in uri.utf8 where !MailCharacters.isVisibleASCII(byte) || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") {
            throw failure("it contains a space, a control character, an angle bracket or non-ASCII text; percent-encode them (RFC 3986)")
        }
        let scheme = uri.utf8.prefix { $0 != UInt8(ascii: ":") }
        guard scheme.count < uri.utf8.count, let first = scheme.first,
              (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z"),
              scheme.allSatisfy({ MailCharacters.isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == MailCharacters.dot })
        else {
            throw failure("it is not an absolute URI; give one such as https://example.org/unsubscribe/TOKEN or mailto:unsubscribe@example.org")
        }
    }

    /// `1*ftext` (RFC 5322 §3.6.8): printable ASCII but `:`, and not a header this type writes.
    static func validateHeaderName(_ name: String) throws(MailError) {
        func failure(_ reason: String) -> MailError { .invalidHeaderName(name: name, reason: reason) }
        guard !name.isEmpty else { throw failure("it is empty; give a name such as Reply-To") }
        for byte in name.utf8 {
            if MailCharacters.isLineBreakOrNUL(byte) {
                throw failure("it contains a line break or NUL, which would inject headers; remove it")
            }
            if !MailCharacters.isVisibleASCII(byte) || byte == UInt8(ascii: ":") {
                throw failure("a header name is printable ASCII without spaces or \":\", such as X-Campaign")
            }
        }
        guard name.utf8.count <= 76 else { throw failure("it is longer than 76 octets; shorten it") }
        guard !headerNamesWrittenByMessage.contains(name.lowercased()) else {
            throw failure("Message writes this header itself; set the corresponding property instead of adding it")
        }
    }

    private static func rejectLineBreaks(_ text: String, field: @autoclosure () -> String) throws(MailError) {
        var text = text
        try text.withUTF8Buffer { bytes throws(MailError) in try HeaderWriter.rejectLineBreaks(bytes, field: field()) }
    }

    /// `dot-atom-text` (RFC 5322 §3.2.3): atext runs separated by single dots.
    private static func isDotAtom<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, first != MailCharacters.dot else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == MailCharacters.dot {
                if previous == MailCharacters.dot { return false }
            } else if !MailCharacters.isAtext(byte) {
                return false
            }
            previous = byte
        }
        return previous != MailCharacters.dot
    }
}
