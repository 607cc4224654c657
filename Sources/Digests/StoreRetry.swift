import Store
import Synchronization

/// Store calls of a delivery run that fail for a moment (a PostgreSQL server restarting or
/// failing over, a connection reset) are tried again, for up to `limit`, before the run gives
/// up: what a lane committed or claimed is not lost to a blip. Each attempt is bounded by
/// `attemptLimit` (a call waiting on a connection that will not come back is cancelled and made
/// again). Every call retried is safe to repeat: a claim that committed unseen holds rows that
/// expire back untouched, an outcome recorded twice changes nothing the second time (its row is
/// no longer in flight).
enum StoreRetry {
    static let limit: Duration = .seconds(30)
    static let attemptLimit: Duration = .seconds(10)

    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws(StoreError) -> T) async throws(StoreError) -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await bounded(body)
            } catch {
                if clock.now + delay > deadline || Task.isCancelled { throw error }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// `body`, or a `StoreError` once `attemptLimit` has passed: then `body` is left to end on its
    /// own, not waited for (a call stuck on a connection that is gone ends when the connection
    /// does), and the caller tries again.
    private static func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws(StoreError) -> T) async throws(StoreError) -> T {
        let first = FirstResult<T>()
        let outcome: Result<T, StoreError> = await withCheckedContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: attemptLimit)
                if !Task.isCancelled, first.take() {
                    continuation.resume(returning: .failure(StoreError("the store did not answer within \(attemptLimit)")))
                }
            }
            Task {
                let result: Result<T, StoreError>
                do throws(StoreError) {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                timer.cancel()
                if first.take() { continuation.resume(returning: result) }
            }
        }
        return try outcome.get()
    }
}

/// Which of two racing tasks resumes the continuation: the first to ask.
private final class FirstResult<T>: Sendable {
    private let taken = Mutex(false)

    func take() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
