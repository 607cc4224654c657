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
        if case .uncertain = SMTPOutcomeClassifier.classify(result: "Recv failure", curlCode: 56, lastReplyCode: 354, lastReplyText: "354 End data with <CR><LF>.<CR><LF>") {
        } else {
            Issue.record("a failure after 354 must be uncertain")
        }
        #expect(SMTPOutcomeClassifier.classify(result: "Couldn't connect", curlCode: 7, lastReplyCode: 0, lastReplyText: "")
            == .temporary(code: nil, text: "Couldn't connect"))
    }
}
