import Foundation

/// One digest of a newsletter: which posts it carries, for which window, and how far its
/// delivery has got.
public struct Digest: Sendable, Hashable, Codable {
    public var id: Int64
    public var newsletterID: String
    /// The previous completed digest's window end; `nil` for a newsletter's first digest.
    public var windowStart: Date?
    public var windowEnd: Date
    public var subject: String
    public var trigger: DigestTrigger
    public var status: DigestStatus
    /// The entry ids of its posts, newest first.
    public var postIDs: [String]
    /// What every message of the digest is made from, encoded by `Digests` (the store keeps it
    /// as is): each retry, in any process, sends the same content.
    public var content: Data
    public var createdAt: Date
    public var completedAt: Date?

    public init(
        id: Int64, newsletterID: String, windowStart: Date?, windowEnd: Date, subject: String, trigger: DigestTrigger,
        status: DigestStatus, postIDs: [String], content: Data, createdAt: Date, completedAt: Date?
    ) {
        self.id = id
        self.newsletterID = newsletterID
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.subject = subject
        self.trigger = trigger
        self.status = status
        self.postIDs = postIDs
        self.content = content
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}

/// A digest to plan: the row, and the rule for its deliveries' Message-IDs.
public struct DigestPlan: Sendable, Hashable {
    public var newsletterID: String
    public var windowStart: Date?
    public var windowEnd: Date
    public var subject: String
    public var trigger: DigestTrigger
    public var postIDs: [String]
    public var content: Data
    /// The right-hand side of every Message-ID (`herald.DIGEST.SUBSCRIBER.RANDOM@domain`).
    public var messageIDDomain: String

    public init(
        newsletterID: String, windowStart: Date?, windowEnd: Date, subject: String, trigger: DigestTrigger,
        postIDs: [String], content: Data, messageIDDomain: String
    ) {
        self.newsletterID = newsletterID
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.subject = subject
        self.trigger = trigger
        self.postIDs = postIDs
        self.content = content
        self.messageIDDomain = messageIDDomain
    }
}

/// How many deliveries of a digest are in each state.
public struct DeliveryCounts: Sendable, Hashable, Codable {
    public var byState: [DeliveryState: Int]

    public init(byState: [DeliveryState: Int] = [:]) {
        self.byState = byState
    }

    public subscript(state: DeliveryState) -> Int { byState[state] ?? 0 }
    public var total: Int { byState.values.reduce(0, +) }
}

extension DigestPlan {
    /// The post ids as a store keeps them: a JSON array.
    public static func encodePostIDs(_ ids: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }

    public static func decodePostIDs(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
