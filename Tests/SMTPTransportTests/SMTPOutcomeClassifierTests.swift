import Testing
@testable import SMTPTransport

@Suite struct SMTPOutcomeClassifierTests {
    @Test func classification() {
        #expect(SMTPOutcomeClassifier.classify(result: nil, curlCode: 0, lastReplyCode: 250, lastReplyText: "250 2.0.0 Ok: queued as 42")
            == .sent(code: 250, text: "2.0.0 Ok: queued as 42"))
        #expect(SMTPOutcomeClassifier.classify(result: "RCPT failed", curlCode: 55, lastReplyCode: 450, lastReplyText: "450 4.2.0 Greylisted")
            == .temporary(code: 450, text: "4.2.0 Greylisted"))
        #expect(SMTPOutcomeClassifier.classify(result: "RCPT failed", curlCode: 55, lastReplyCode: 550, lastReplyText: "550 5.1.1 No such user")
            == .permanent(code: 550, text: "5.1.1 No such user"))
        // Uncertain only once the final dot was written and its answer never came; a last
        // reply of 354 alone (to DATA before the body went out, or to MAIL from a broken
        // server) says nothing was delivered.
        if case .uncertain = SMTPOutcomeClassifier.classify(
            result: "Recv failure", curlCode: 56, lastReplyCode: 354, lastReplyText: "354 End data with <CR><LF>.<CR><LF>",
            awaitingFinalReply: true) {
        } else {
            Issue.record("a failure after the final dot must be uncertain")
        }
        #expect(SMTPOutcomeClassifier.classify(
            result: "Send failure", curlCode: 55, lastReplyCode: 354, lastReplyText: "354 End data with <CR><LF>.<CR><LF>")
            == .temporary(code: nil, text: "Send failure"))
        #expect(SMTPOutcomeClassifier.classify(result: "Couldn't connect", curlCode: 7, lastReplyCode: 0, lastReplyText: "")
            == .temporary(code: nil, text: "Couldn't connect"))
    }
}
