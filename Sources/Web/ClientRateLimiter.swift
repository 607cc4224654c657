import Synchronization

/// At most `perHour` requests per client, in bursts of up to `burst`: a token bucket per
/// client, refilled continuously. The table is bounded: past `maxClients`, the clients whose
/// buckets are full again (idle for a while) are forgotten first, then the oldest.
final class ClientRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let burst: Double
    let perSecond: Double
    let maxClients: Int
    private let buckets = Mutex([String: Bucket]())

    init(perHour: Int, burst: Int? = nil, maxClients: Int = 10_000) {
        self.burst = Double(burst ?? max(1, perHour / 5))
        perSecond = Double(perHour) / 3600
        self.maxClients = maxClients
    }

    /// Takes one request of `client`'s allowance; false when it has none left.
    func allow(_ client: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = refilled(bucket, now)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets[client] == nil && buckets.count >= maxClients { prune(&buckets, now) }
            buckets[client] = bucket
            return allowed
        }
    }

    /// How many clients are remembered.
    var count: Int { buckets.withLock { $0.count } }

    private func refilled(_ bucket: Bucket, _ now: ContinuousClock.Instant) -> Double {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(burst, bucket.tokens + seconds * perSecond)
    }

    private func prune(_ buckets: inout [String: Bucket], _ now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now) < burst }
        guard buckets.count >= maxClients else { return }
        for (client, _) in buckets.sorted(by: { $0.value.updated < $1.value.updated }).prefix(buckets.count - maxClients / 2) {
            buckets.removeValue(forKey: client)
        }
    }
}
