import Foundation
import SMTPTransport
import Store

/// What a transport's outcome means for a delivery: retry when, give up when, and whether the
/// subscriber's address is gone.
public struct RetryPolicy: Sendable, Hashable {
    /// The first retry after a temporary failure; each next one waits twice as long.
    public var firstRetry: TimeInterval
    /// The longest wait between two attempts.
    public var maximumRetry: TimeInterval
    /// How long after planning a temporary failure is still retried; then it is `failed`.
    public var lifetime: TimeInterval
    /// How many times an `uncertain` delivery is sent again (with its Message-ID).
    public var uncertainRetries: Int
    /// ±this fraction of each wait is random, so that deferred rows do not all come back at once.
    public var jitter: Double

    public init(
        firstRetry: TimeInterval = 60, maximumRetry: TimeInterval = 3600, lifetime: TimeInterval = 3 * 86_400,
        uncertainRetries: Int = 1, jitter: Double = 0.2
    ) {
        self.firstRetry = firstRetry
        self.maximumRetry = maximumRetry
        self.lifetime = lifetime
        self.uncertainRetries = uncertainRetries
        self.jitter = jitter
    }

    /// The result to record for `delivery`, of a digest planned at `plannedAt`, after `outcome`.
    public func result(
        for delivery: ClaimedDelivery, outcome: DeliveryOutcome, plannedAt: Date, at now: Date
    ) -> DeliveryResult {
        switch outcome {
        case .sent(let code, let text):
            return DeliveryResult(deliveryID: delivery.id, outcome: .sent, replyCode: code, replyText: text)
        case .permanent(let code, let text):
            return DeliveryResult(
                deliveryID: delivery.id, outcome: .failed, replyCode: code, replyText: text,
                subscriberStatus: Self.isBadMailbox(code: code, text: text) ? .bounced : nil)
        case .temporary(let code, let text):
            let retryAt = now.addingTimeInterval(wait(afterAttempt: delivery.attempts))
            if retryAt.timeIntervalSince(plannedAt) > lifetime {
                return DeliveryResult(
                    deliveryID: delivery.id, outcome: .failed, replyCode: code,
                    replyText: "gave up after \(delivery.attempts) attempts: \(text)")
            }
            return DeliveryResult(deliveryID: delivery.id, outcome: .deferred(retryAt: retryAt), replyCode: code, replyText: text)
        case .uncertain(let text):
            let retry = delivery.uncertainCount < uncertainRetries
            return DeliveryResult(
                deliveryID: delivery.id, outcome: .uncertain(retryAt: retry ? now.addingTimeInterval(firstRetry) : nil),
                replyText: text)
        }
    }

    /// The wait after the `attempt`-th attempt failed for now: exponential, jittered, and never
    /// longer than `maximumRetry` (the jitter applies below the cap, not above it).
    public func wait(afterAttempt attempt: Int) -> TimeInterval {
        let base = min(maximumRetry, firstRetry * pow(2, Double(max(0, min(attempt - 1, 30)))))
        return min(maximumRetry, max(1, base * (1 + Double.random(in: -jitter...jitter))))
    }

    /// The RFC 3463 codes that say the recipient's address is gone: bad destination mailbox
    /// (5.1.1), system (5.1.2) or syntax (5.1.3), mailbox moved (5.1.6), no mail for the domain
    /// (5.1.10, RFC 7505). Not 5.1.7 / 5.1.8, which blame the *sender*, nor 5.1.0 / 5.1.4, which
    /// servers also give to a refused sender: a bad `mail.from` would bounce the whole list.
    static let badMailboxCodes: Set<Substring> = ["5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10"]

    /// A 5xx reply whose enhanced status code (its first word, RFC 2034) says the recipient's
    /// address does not exist.
    static func isBadMailbox(code: Int, text: String) -> Bool {
        guard (500..<600).contains(code) else { return false }
        return text.split(separator: " ", maxSplits: 1).first.map { badMailboxCodes.contains($0) } ?? false
    }
}
