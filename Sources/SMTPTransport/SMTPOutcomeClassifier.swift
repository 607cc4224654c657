/// Turns how a libcurl SMTP transfer ended into a `DeliveryOutcome`.
///
/// libcurl's result code alone cannot tell "refused for now" from "refused for good" from "may
/// have been delivered": the last SMTP reply code (`CURLINFO_RESPONSE_CODE`) can. What libcurl
/// 7.88 reports, measured against aiosmtpd: a refused RCPT is error 55 with the reply code; a
/// refusal after the body is error 8 with the reply code; a connection lost after the body
/// leaves 354 as the last code; one lost before DATA leaves the last RCPT reply (250); a
/// refused STARTTLS is error 64 with the EHLO reply (250); wrong credentials are error 67.
enum SMTPOutcomeClassifier {
    /// The reply that invites the message body; when a transfer fails with this as the last
    /// reply, the body was (at least partly) sent and the final answer never came.
    static let startMailInput = 354

    static let loginDenied = 67  // CURLE_LOGIN_DENIED
    static let sslRequiredButRefused = 64  // CURLE_USE_SSL_FAILED

    /// - Parameters:
    ///   - result: `nil` when libcurl reported success, else its error message.
    ///   - lastReplyCode: `CURLINFO_RESPONSE_CODE`, 0 when no reply came.
    ///   - lastReplyText: the last reply line as received (`250 2.0.0 Ok: queued`).
    static func classify(result: String?, curlCode: Int, lastReplyCode: Int, lastReplyText: String) -> DeliveryOutcome {
        let text = replyText(lastReplyText, code: lastReplyCode)
        guard let error = result else {
            return .sent(code: lastReplyCode == 0 ? 250 : lastReplyCode, text: text)
        }
        if lastReplyCode == startMailInput {
            return .uncertain(text: "connection lost after the message was sent, before the server's answer (\(error))")
        }
        switch curlCode {
        case loginDenied:
            // The credentials are wrong: nothing to do with this recipient, and a fix of the
            // configuration should let it go through.
            return .temporary(code: lastReplyCode == 0 ? nil : lastReplyCode, text: "authentication failed: \(text.isEmpty ? error : text)")
        case sslRequiredButRefused:
            return .temporary(code: nil, text: "the server does not offer STARTTLS and TLS is required; nothing was sent (\(error))")
        default:
            break
        }
        switch lastReplyCode {
        case 400..<500: return .temporary(code: lastReplyCode, text: text.isEmpty ? error : text)
        case 500..<600: return .permanent(code: lastReplyCode, text: text.isEmpty ? error : text)
        default: return .temporary(code: nil, text: error)
        }
    }

    /// The text after the reply code (`2.0.0 Ok: queued`), or the whole line when it has none.
    static func replyText(_ line: String, code: Int) -> String {
        let prefix = String(code)
        guard code != 0, line.hasPrefix(prefix) else { return line }
        return String(line.dropFirst(prefix.count + 1))
    }
}
