import Foundation

/// Runs blocking work (file reads and writes, the renderers' pipes, a synchronous store call)
/// on a thread of its own, never on Swift's cooperative pool, and suspends the caller until
/// it is done.
enum OffPool {
    static func run<T: Sendable, Failure: Error>(
        _ name: String, _ work: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(Failure) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.stackSize = 4 << 20
            thread.start()
        }
        return try result.get()
    }
}
