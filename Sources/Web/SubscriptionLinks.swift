import Digests
import Foundation

/// The tokens of the links the server hands out and takes back.
///
/// An unsubscribe token is the one in every digest (`DigestComposer`): the subscriber id,
/// signed, valid for good. A confirm token also names the newsletter and when it was made,
/// all under the MAC, and is refused once `lifetime` has passed.
struct SubscriptionLinks: Sendable {
    let tokens: SubscriberTokens
    let lifetime: TimeInterval

    /// A confirmation for one newsletter.
    struct Confirmation: Hashable, Sendable {
        var subscriberID: Int64
        var newsletter: String
    }

    func confirmToken(_ confirmation: Confirmation, issued: Date) -> String {
        tokens.token(
            for: "\(confirmation.subscriberID) \(confirmation.newsletter) \(Int(issued.timeIntervalSince1970))", purpose: .confirm)
    }

    /// The confirmation a genuine, unexpired token is for; `nil` for anything else.
    func confirmation(fromToken token: Substring, now: Date, newsletters: Set<String>) -> Confirmation? {
        guard token.utf8.count <= 512, let key = tokens.subscriber(fromToken: String(token), purpose: .confirm) else { return nil }
        let parts = key.split(separator: " ")
        guard parts.count == 3, let id = Int64(parts[0]), newsletters.contains(String(parts[1])), let issued = Int(parts[2])
        else { return nil }
        let age = now.timeIntervalSince1970 - Double(issued)
        // A token from the future (a clock set back) is accepted for five minutes only.
        guard age <= lifetime, age >= -300 else { return nil }
        return Confirmation(subscriberID: id, newsletter: String(parts[1]))
    }

    /// The subscriber a genuine unsubscribe token is for.
    func unsubscriber(fromToken token: Substring) -> Int64? {
        guard token.utf8.count <= 512, let key = tokens.subscriber(fromToken: String(token), purpose: .unsubscribe) else { return nil }
        return Int64(key)
    }
}
