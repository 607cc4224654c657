import Foundation

/// How subscribers change, the same in every store: each store only reads and writes rows.
public enum SubscriberRules {
    /// Newsletter ids as a row keeps them: space-separated, each once; empty means every one.
    public static func encodeNewsletters(_ ids: [String]) -> String {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }.joined(separator: " ")
    }

    public static func decodeNewsletters(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }

    /// The status of an existing subscriber added again with `status` (an import, the admin):
    /// confirming is the only move for pending and confirmed ones (re-adding a confirmed
    /// address as pending does not take its confirmation away); unsubscribed and bounced ones
    /// change only with `resubscribe`.
    public static func status(of current: SubscriberStatus, addedAs status: SubscriberStatus, resubscribe: Bool) -> SubscriberStatus {
        switch current {
        case .pending, .confirmed: return status == .confirmed ? .confirmed : current
        case .unsubscribed, .bounced: return resubscribe ? status : current
        }
    }

    /// What a sign-up for `newsletter` does to an existing subscriber.
    public enum SignUp: Sendable, Hashable {
        /// Nothing, and no mail: they take it confirmed already, or the address bounced.
        case nothing(alreadySubscribed: Bool)
        /// A confirmation link may be mailed; a pending subscriber's newsletters become
        /// `newsletters` (the link confirms all of them), when that is a change.
        case confirm(newsletters: [String]?)
    }

    public static func signUp(_ subscriber: Subscriber, for newsletter: String) -> SignUp {
        if subscriber.status == .confirmed && subscriber.takes(newsletter) { return .nothing(alreadySubscribed: true) }
        if subscriber.status == .bounced { return .nothing(alreadySubscribed: false) }
        if subscriber.status == .pending && !subscriber.takes(newsletter) { return .confirm(newsletters: subscriber.newsletters + [newsletter]) }
        return .confirm(newsletters: nil)
    }

    /// Whether another confirmation mail may go now: none sent within `interval` (a time in
    /// the future, a clock set back, does not block).
    public static func mayMailConfirmation(lastSent: Date?, interval: TimeInterval, at now: Date) -> Bool {
        guard let lastSent else { return true }
        return now.timeIntervalSince(lastSent) >= interval || lastSent > now
    }

    /// The subscriber after following a confirmation link for `newsletter`, and whether that is
    /// a change; `nil` for a bounced address (a link cannot revive it).
    public static func confirmed(_ subscriber: Subscriber, newsletter: String, at now: Date) -> (subscriber: Subscriber, changed: Bool)? {
        var result = subscriber
        switch subscriber.status {
        case .bounced:
            return nil
        case .confirmed where subscriber.takes(newsletter):
            return (subscriber, false)
        case .confirmed, .pending:
            if !subscriber.takes(newsletter) { result.newsletters.append(newsletter) }
        case .unsubscribed:
            // They left every newsletter; this link brings back the one it names.
            result.newsletters = [newsletter]
        }
        result.status = .confirmed
        result.updatedAt = now
        return (result, true)
    }
}
