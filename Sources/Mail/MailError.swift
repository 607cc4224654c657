/// Why an address, a mailbox or a message was refused.
///
/// Every case names the field or the text at fault and says what to change. Text quoted in a
/// description has its control characters made visible (`\r`, `\n`, `\0`, `\u{…}`), so an
/// error that reports a header-injection attempt cannot itself inject lines into a log.
public enum MailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `address` is not an ASCII addr-spec (RFC 5322 §3.4.1, RFC 5321 §4.1.2 and §4.5.3.1).
    case invalidAddress(address: String, reason: String)
    /// `text` is not a mailbox (`a@b`, `<a@b>`, `Name <a@b>` or `"Quoted, Name" <a@b>`).
    case invalidMailbox(text: String, reason: String)
    /// The value of `field` cannot be written into a header, for example because it contains
    /// a line break (header injection) or is too long to fit on a line.
    case invalidHeaderValue(field: String, reason: String)
    /// `name` cannot be used as a header field name.
    case invalidHeaderName(name: String, reason: String)

    /// What went wrong and what to change, on one line.
    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason):
            return "invalid e-mail address \"\(MailError.visible(address))\": \(reason)"
        case .invalidMailbox(let text, let reason):
            return "invalid mailbox \"\(MailError.visible(text))\": \(reason)"
        case .invalidHeaderValue(let field, let reason):
            return "invalid \(MailError.visible(field)): \(reason)"
        case .invalidHeaderName(let name, let reason):
            return "invalid header name \"\(MailError.visible(name))\": \(reason)"
        }
    }

    /// `text` with every control character spelled out, cut to a length fit for a log line.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(200) {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            case "\u{01}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > 200 { result += "…" }
        return result
    }
}
