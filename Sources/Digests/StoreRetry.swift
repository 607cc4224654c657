import Store

/// Store calls of a delivery run that fail for a moment (a PostgreSQL server restarting or
/// failing over, a connection reset) are tried again, for up to `limit`, before the run gives
/// up: what a lane committed or claimed is not lost to a blip. Every call retried is safe to
/// repeat: a claim that committed unseen holds rows that expire back untouched, an outcome
/// recorded twice changes nothing the second time (its row is no longer in flight).
enum StoreRetry {
    static let limit: Duration = .seconds(30)

    static func run<T: Sendable>(_ body: () async throws(StoreError) -> T) async throws(StoreError) -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await body()
            } catch {
                if clock.now + delay > deadline || Task.isCancelled { throw error }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
