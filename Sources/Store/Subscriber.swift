import Foundation

/// One subscriber as the store holds it.
public struct Subscriber: Sendable, Hashable, Codable {
    public var id: Int64
    /// The address, its domain in lowercase (the local part is kept as given: RFC 5321 lets
    /// servers tell `Jean@` from `jean@`).
    public var email: String
    public var name: String?
    public var status: SubscriberStatus
    /// The newsletters taken; empty means every newsletter.
    public var newsletters: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, email: String, name: String?, status: SubscriberStatus, newsletters: [String], createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.status = status
        self.newsletters = newsletters
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether this subscriber takes `newsletter`.
    public func takes(_ newsletter: String) -> Bool {
        newsletters.isEmpty || newsletters.contains(newsletter)
    }

    /// `email` with its domain in lowercase: the form the store compares and keeps.
    public static func normalizedEmail(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return email }
        return String(email[..<at]) + email[at...].lowercased()
    }
}

/// A subscriber to add or update (`herald subscribers add`, an import row, the public form).
public struct SubscriberInput: Sendable, Hashable {
    public var email: String
    public var name: String?
    /// Empty means every newsletter.
    public var newsletters: [String]

    public init(email: String, name: String? = nil, newsletters: [String] = []) {
        self.email = email
        self.name = name
        self.newsletters = newsletters
    }
}

/// What adding subscribers did.
public struct SubscriberChanges: Sendable, Hashable, Codable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// A sign-up through the public form.
public struct SubscriptionRequest: Sendable, Hashable {
    public var email: String
    public var name: String?
    public var newsletter: String

    public init(email: String, name: String?, newsletter: String) {
        self.email = email
        self.name = name
        self.newsletter = newsletter
    }
}

/// What a sign-up did, and whether to mail a confirmation link.
public struct SubscriptionRequestOutcome: Sendable, Hashable {
    public var subscriberID: Int64
    /// Mail the link now (the send time is already recorded).
    public var sendConfirmation: Bool
    /// The subscriber already took the newsletter, confirmed.
    public var alreadySubscribed: Bool

    public init(subscriberID: Int64, sendConfirmation: Bool, alreadySubscribed: Bool) {
        self.subscriberID = subscriberID
        self.sendConfirmation = sendConfirmation
        self.alreadySubscribed = alreadySubscribed
    }
}
