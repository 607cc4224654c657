import Foundation

/// A delivery a worker holds under a lease: the row, and what it needs to make the message.
public struct ClaimedDelivery: Sendable, Hashable {
    public var id: Int64
    public var digestID: Int64
    public var subscriberID: Int64
    public var email: String
    public var name: String?
    /// The subscriber's status now: someone who left after planning is skipped.
    public var subscriberStatus: SubscriberStatus
    /// Fixed when the digest was planned; the same on every attempt.
    public var messageID: String
    /// Attempts so far, this one included.
    public var attempts: Int
    /// How many times this row has already ended `uncertain`.
    public var uncertainCount: Int

    /// Public, for stores in other modules (PostgreSQL) and for policies tested on their own.
    public init(
        id: Int64, digestID: Int64, subscriberID: Int64, email: String, name: String?, subscriberStatus: SubscriberStatus,
        messageID: String, attempts: Int, uncertainCount: Int
    ) {
        self.id = id
        self.digestID = digestID
        self.subscriberID = subscriberID
        self.email = email
        self.name = name
        self.subscriberStatus = subscriberStatus
        self.messageID = messageID
        self.attempts = attempts
        self.uncertainCount = uncertainCount
    }
}

/// What became of one claimed delivery, as the worker that held it reports it.
public struct DeliveryResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case sent
        /// Try again at `retryAt`.
        case deferred(retryAt: Date)
        case failed
        /// Try again at `retryAt`, or never (`nil`: final).
        case uncertain(retryAt: Date?)
        case skipped
    }

    public var deliveryID: Int64
    public var outcome: Outcome
    /// The server's reply (or the reason), for `herald digest list` and the admin.
    public var replyCode: Int?
    public var replyText: String
    /// Set the subscriber's status too (a 5.1.x reply: `bounced`).
    public var subscriberStatus: SubscriberStatus?

    public init(
        deliveryID: Int64, outcome: Outcome, replyCode: Int? = nil, replyText: String = "",
        subscriberStatus: SubscriberStatus? = nil
    ) {
        self.deliveryID = deliveryID
        self.outcome = outcome
        self.replyCode = replyCode
        self.replyText = replyText
        self.subscriberStatus = subscriberStatus
    }
}

extension DeliveryResult.Outcome {
    /// How a store keeps it: the row's state, when it is due again (`nil`: final), and
    /// whether it adds to the row's uncertain count.
    public var stored: (state: DeliveryState, nextAttempt: Date?, uncertain: Bool) {
        switch self {
        case .sent: return (.sent, nil, false)
        case .deferred(let retryAt): return (.deferred, retryAt, false)
        case .failed: return (.failed, nil, false)
        case .uncertain(let retryAt): return (.uncertain, retryAt, true)
        case .skipped: return (.skipped, nil, false)
        }
    }
}

/// SQL both stores share, word for word.
public enum DeliveryQueueSQL {
    /// The `WHEN … THEN` arms of a `CASE` giving back a claimed row's state from before its
    /// claim: uncertain if it ever was, deferred if it was tried before, else pending.
    public static let stateBeforeClaim = "WHEN uncertainCount > 0 THEN 'uncertain' WHEN attempts > 1 THEN 'deferred' ELSE 'pending'"
}
