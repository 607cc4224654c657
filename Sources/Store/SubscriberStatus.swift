/// Where a subscriber stands. Only `confirmed` subscribers get digests.
public enum SubscriberStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Signed up through the public form; waiting for the confirmation link.
    case pending
    case confirmed
    /// Left the list (link, one-click, or the admin); kept so that an import does not
    /// silently subscribe them again.
    case unsubscribed
    /// The address does not exist (a 5.1.x reply); no more mail goes to it.
    case bounced
}
