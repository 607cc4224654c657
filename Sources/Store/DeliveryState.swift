/// Where one delivery (one digest to one subscriber) stands.
///
/// `pending → inflight → sent | deferred | failed | uncertain`, and `skipped` for a subscriber
/// who left between planning and sending. `deferred` and `uncertain` rows come back to
/// `inflight` while they are due again; the others are final.
public enum DeliveryState: String, Sendable, Hashable, CaseIterable, Codable {
    case pending
    /// Claimed by a worker, whose lease says until when; the message may be on the wire.
    case inflight
    case sent
    /// A temporary failure; tried again at `nextAttemptAt`.
    case deferred
    /// A permanent failure, or a temporary one that outlived the retry lifetime.
    case failed
    /// The final dot went out and no reply came back, or a worker died holding the row: the
    /// message may or may not have arrived. Retried once with the same Message-ID by default.
    case uncertain
    /// The subscriber unsubscribed (or bounced) after the digest was planned.
    case skipped
}

/// How a digest came to be.
public enum DigestTrigger: String, Sendable, Hashable, CaseIterable, Codable {
    case schedule
    case manual
}

/// Whether a digest still has deliveries to make.
public enum DigestStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Some deliveries are not final yet; the newsletter's window stays where it was.
    case sending
    /// Every delivery is final; the next digest starts at this one's window end.
    case completed
}
