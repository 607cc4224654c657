/// Turns how an SMTP transaction ended into a `DeliveryOutcome`.
///
/// A libcurl result code alone cannot tell "refused for now" from "refused for good" from "may
/// have been delivered": the last SMTP reply code can. While libcurl opens the session, it
/// reports (measured against aiosmtpd with libcurl 7.88) a refused STARTTLS as error 64 with
/// the EHLO reply (250) and wrong credentials as error 67 with 535; during the transaction,
/// which `SMTPConnection` speaks itself, a 4xx reply is temporary and a 5xx permanent. A
/// failure is `uncertain` only when the final "." of the body was written and the server's
/// answer to it never came: the connection keeps track of that itself, because a last reply
/// of 354 does not say it (354 can answer MAIL or RCPT from a broken server, and a server can
/// stop reading in the middle of the body).
enum SMTPOutcomeClassifier {
    static let loginDenied = 67  // CURLE_LOGIN_DENIED
    static let sslRequiredButRefused = 64  // CURLE_USE_SSL_FAILED

    /// - Parameters:
    ///   - result: `nil` when libcurl reported success, else its error message.
    ///   - lastReplyCode: `CURLINFO_RESPONSE_CODE`, 0 when no reply came.
    ///   - lastReplyText: the last reply line as received (`250 2.0.0 Ok: queued`).
    ///   - awaitingFinalReply: the whole body and its final "." were written and no final
    ///     reply to them came: a failure then may or may not have delivered the message.
    static func classify(
        result: String?, curlCode: Int, lastReplyCode: Int, lastReplyText: String, awaitingFinalReply: Bool = false
    ) -> DeliveryOutcome {
        let text = replyText(lastReplyText, code: lastReplyCode)
        guard let error = result else {
            return .sent(code: lastReplyCode == 0 ? 250 : lastReplyCode, text: text)
        }
        if awaitingFinalReply {
            return .uncertain(text: "the message was sent, but the server's answer never came (\(error))")
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
