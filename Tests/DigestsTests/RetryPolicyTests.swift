import Foundation
import SMTPTransport
import Store
import Testing
@testable import Digests

@Suite struct RetryPolicyTests {
    let planned = Date(timeIntervalSince1970: 1_800_000_000)

    func delivery(attempts: Int = 1, uncertainCount: Int = 0) -> ClaimedDelivery {
        ClaimedDelivery(
            id: 7, digestID: 1, subscriberID: 3, email: "a@example.org", name: nil, subscriberStatus: .confirmed,
            messageID: "herald.1.3.abc@example.org", attempts: attempts, uncertainCount: uncertainCount)
    }

    @Test func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(firstRetry: 60, maximumRetry: 3600, jitter: 0)
        #expect((1...8).map { policy.wait(afterAttempt: $0) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        // Huge attempt counts neither overflow nor pass the cap.
        #expect(policy.wait(afterAttempt: 10_000) == 3600)
        #expect(policy.wait(afterAttempt: 0) == 60)
    }

    @Test func jitterStaysWithinItsFractionAndUnderTheCap() {
        let policy = RetryPolicy(firstRetry: 60, maximumRetry: 3600, jitter: 0.2)
        for attempt in 1...6 {
            let base = 60 * pow(2, Double(attempt - 1))
            let waits = (0..<200).map { _ in policy.wait(afterAttempt: attempt) }
            #expect(waits.allSatisfy { $0 >= base * 0.8 && $0 <= base * 1.2 }, "attempt \(attempt): \(waits.min()!)…\(waits.max()!)")
            // Jitter, not a constant: the 200 waits are spread.
            #expect(waits.max()! - waits.min()! > base * 0.1)
        }
        // At the cap the jitter only shortens: the longest wait is maxRetry.
        let capped = (0..<200).map { _ in policy.wait(afterAttempt: 20) }
        #expect(capped.allSatisfy { $0 >= 3600 * 0.8 && $0 <= 3600 }, "\(capped.min()!)…\(capped.max()!)")
        // Never less than a second.
        #expect(RetryPolicy(firstRetry: 1, jitter: 0.5).wait(afterAttempt: 1) >= 1)
    }

    @Test func temporaryFailuresAreDeferredUntilTheLifetimeEnds() {
        let policy = RetryPolicy(firstRetry: 60, maximumRetry: 3600, lifetime: 3600, jitter: 0)
        let early = policy.result(for: delivery(attempts: 2), outcome: .temporary(code: 451, text: "4.3.0 later"), plannedAt: planned, at: planned + 100)
        #expect(early.outcome == .deferred(retryAt: planned + 100 + 120))
        #expect(early.replyCode == 451 && early.replyText == "4.3.0 later")
        #expect(early.subscriberStatus == nil)
        // The next try would come after the lifetime: failed, saying why.
        let late = policy.result(for: delivery(attempts: 5), outcome: .temporary(code: 451, text: "4.3.0 later"), plannedAt: planned, at: planned + 3000)
        #expect(late.outcome == .failed)
        #expect(late.replyText == "gave up after 5 attempts: 4.3.0 later")
        // A network failure has no code, and is temporary too.
        let refused = policy.result(for: delivery(), outcome: .temporary(code: nil, text: "connection refused"), plannedAt: planned, at: planned)
        #expect(refused.outcome == .deferred(retryAt: planned + 60) && refused.replyCode == nil)
    }

    @Test func badMailboxRepliesBounceTheSubscriber() {
        let policy = RetryPolicy()
        func bounces(_ code: Int, _ text: String) -> Bool {
            let result = policy.result(for: delivery(), outcome: .permanent(code: code, text: text), plannedAt: planned, at: planned)
            #expect(result.outcome == .failed && result.replyCode == code)
            return result.subscriberStatus == .bounced
        }
        #expect(bounces(550, "5.1.1 <a@example.org>: Recipient address rejected: User unknown"))
        #expect(bounces(550, "5.1.2 Host unknown"))
        #expect(bounces(553, "5.1.3 Bad destination mailbox address syntax"))
        #expect(bounces(550, "5.1.10 Recipient address has null MX"))
        // Refused for another reason: failed, the subscriber stays.
        #expect(!bounces(554, "5.7.1 Message rejected as spam"))
        #expect(!bounces(552, "5.2.2 Mailbox full"))
        #expect(!bounces(550, "Mailbox unavailable"))
        // Codes that blame the sender must not bounce every subscriber of the list.
        #expect(!bounces(553, "5.1.8 <lettre@example.org>: Sender address rejected: Domain not found"))
        #expect(!bounces(553, "5.1.7 Bad sender's mailbox address syntax"))
        #expect(!bounces(550, "5.1.0 <lettre@example.org>: Sender address rejected"))
        // 5.1.1 further in the text is not the reply's code.
        #expect(!bounces(554, "5.7.1 see https://example.org/5.1.1"))
    }

    @Test func uncertainIsRetriedOnceWithTheSameRowThenFinal() {
        let policy = RetryPolicy(firstRetry: 60, uncertainRetries: 1)
        let first = policy.result(for: delivery(uncertainCount: 0), outcome: .uncertain(text: "no answer"), plannedAt: planned, at: planned + 10)
        #expect(first.outcome == .uncertain(retryAt: planned + 70))
        #expect(first.deliveryID == 7 && first.replyText == "no answer")
        let second = policy.result(for: delivery(attempts: 2, uncertainCount: 1), outcome: .uncertain(text: "no answer"), plannedAt: planned, at: planned + 80)
        #expect(second.outcome == .uncertain(retryAt: nil))
        // "uncertain": "sent" in config.json: final at once.
        let countedAsSent = RetryPolicy(uncertainRetries: 0)
            .result(for: delivery(), outcome: .uncertain(text: "no answer"), plannedAt: planned, at: planned)
        #expect(countedAsSent.outcome == .uncertain(retryAt: nil))
    }

    @Test func sentKeepsTheReply() {
        let result = RetryPolicy().result(for: delivery(), outcome: .sent(code: 250, text: "2.0.0 Ok: queued as ABC"), plannedAt: planned, at: planned)
        #expect(result.outcome == .sent && result.replyCode == 250 && result.replyText == "2.0.0 Ok: queued as ABC")
        #expect(result.subscriberStatus == nil)
    }
}
