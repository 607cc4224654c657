import Foundation

/// Everything a store holds, row for row, ids included: what `herald store copy` moves from
/// one store to another (SQLite to PostgreSQL and back). Ids are kept because links already
/// mailed carry subscriber ids, and deliveries name their digest and subscriber.
public struct StoreContents: Sendable {
    public struct SubscriberRow: Sendable, Hashable {
        public var subscriber: Subscriber
        public var confirmationSentAt: Date?

        public init(subscriber: Subscriber, confirmationSentAt: Date?) {
            self.subscriber = subscriber
            self.confirmationSentAt = confirmationSentAt
        }
    }

    public struct PostRow: Sendable, Hashable {
        public var entryID: String
        public var publishedAt: Date
        public var firstSeenAt: Date

        public init(entryID: String, publishedAt: Date, firstSeenAt: Date) {
            self.entryID = entryID
            self.publishedAt = publishedAt
            self.firstSeenAt = firstSeenAt
        }
    }

    public struct DeliveryRow: Sendable, Hashable {
        public var id: Int64
        public var digestID: Int64
        public var subscriberID: Int64
        public var messageID: String
        public var state: DeliveryState
        public var attempts: Int
        public var uncertainCount: Int
        public var nextAttemptAt: Date?
        public var leaseOwner: String?
        public var leaseExpiresAt: Date?
        public var handedOver: Bool
        public var replyCode: Int?
        public var replyText: String?
        public var updatedAt: Date

        public init(
            id: Int64, digestID: Int64, subscriberID: Int64, messageID: String, state: DeliveryState, attempts: Int,
            uncertainCount: Int, nextAttemptAt: Date?, leaseOwner: String?, leaseExpiresAt: Date?, handedOver: Bool,
            replyCode: Int?, replyText: String?, updatedAt: Date
        ) {
            self.id = id
            self.digestID = digestID
            self.subscriberID = subscriberID
            self.messageID = messageID
            self.state = state
            self.attempts = attempts
            self.uncertainCount = uncertainCount
            self.nextAttemptAt = nextAttemptAt
            self.leaseOwner = leaseOwner
            self.leaseExpiresAt = leaseExpiresAt
            self.handedOver = handedOver
            self.replyCode = replyCode
            self.replyText = replyText
            self.updatedAt = updatedAt
        }
    }

    public struct ScheduleFireRow: Sendable, Hashable {
        public var newsletterID: String
        public var fireAt: Date
        public var takenAt: Date

        public init(newsletterID: String, fireAt: Date, takenAt: Date) {
            self.newsletterID = newsletterID
            self.fireAt = fireAt
            self.takenAt = takenAt
        }
    }

    public var subscribers: [SubscriberRow] = []
    public var posts: [PostRow] = []
    public var digests: [Digest] = []
    public var deliveries: [DeliveryRow] = []
    public var scheduleFires: [ScheduleFireRow] = []

    public init() {}

    /// Row counts per table, to check a copy by.
    public var counts: [String: Int] {
        ["subscribers": subscribers.count, "posts": posts.count, "digests": digests.count, "deliveries": deliveries.count,
         "scheduleFires": scheduleFires.count]
    }
}

/// A store whose whole contents can be read out and written into another, empty, one.
public protocol StoreTransfer: Sendable {
    /// Every row, in id order, read in one transaction (a consistent picture).
    func exportContents() async throws(StoreError) -> StoreContents
    /// Writes `contents` in one transaction into this store, which must hold no subscriber,
    /// post, digest or delivery (else nothing is written and the error says so).
    func importContents(_ contents: StoreContents) async throws(StoreError)
}
