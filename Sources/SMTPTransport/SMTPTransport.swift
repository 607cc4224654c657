import Foundation
import Mail
import Synchronization

/// Sends mail over SMTP through libcurl: `concurrency` connections in parallel, each on a
/// thread of its own and reused for message after message, under an optional rate limit.
/// libcurl opens each session (TLS, STARTTLS required or implicit, AUTH); `SMTPConnection`
/// runs the transactions on it, pipelined when the server allows.
///
/// Blocking calls (libcurl, `poll`) never run on Swift's cooperative pool: `send` suspends its
/// caller and a worker thread resumes it with the outcome. `shutdown()` lets the messages
/// already handed over finish and stops taking new ones: a message handed over after it is
/// `temporary` at once ("the transport is shut down").
public final class SMTPTransport: MailTransport {
    private let queue: JobQueue
    /// Sends one message on worker `index`'s connection, under the rate limit.
    private let sendOn: @Sendable (_ worker: Int, OutgoingMessage) -> DeliveryOutcome

    /// Opens no connection yet (each worker connects on its first message), but checks the
    /// settings (`SMTPSettings.validate()`) and that libcurl accepts them.
    public init(settings: SMTPSettings) throws(SMTPConfigurationError) {
        let concurrency = max(1, settings.concurrency)
        var made: [ConnectionBox] = []
        for _ in 0..<concurrency { made.append(ConnectionBox(try SMTPConnection(settings: settings))) }
        let connections = made
        let limiter = settings.maxPerSecond > 0 ? RateLimiter(perSecond: settings.maxPerSecond) : nil
        sendOn = { worker, message in
            limiter?.wait()
            return connections[worker].connection.send(message)
        }
        // Each worker ends its session as it ends (a deinit would wait for the transport).
        queue = JobQueue(workers: concurrency, name: "herald-smtp") { connections[$0].connection.close() }
    }

    deinit { queue.close() }

    public func send(_ message: OutgoingMessage) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.add(.message({ message }, send: sendOn) { continuation.resume(returning: $0!) })
        }
    }

    public func sendAll(_ messages: [OutgoingMessage]) -> [DeliveryOutcome] {
        deliver(count: messages.count) { messages[$0] }.map { $0! }
    }

    /// Delivers `count` messages that each worker thread makes itself, just before sending:
    /// composing one message overlaps with the network waits of the others, and no thread
    /// hands a message to another. `make` returns `nil` to skip an index (its outcome is
    /// `nil`). Outcomes are in index order. Blocks the calling thread. After `shutdown()`,
    /// `make` is not called and every outcome is `temporary`.
    public func deliver(count: Int, making make: @escaping @Sendable (Int) -> OutgoingMessage?) -> [DeliveryOutcome?] {
        let results = Mutex([DeliveryOutcome?](repeating: nil, count: count))
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            queue.add(.message({ make(index) }, send: sendOn) { outcome in
                results.withLock { $0[index] = outcome }
                group.leave()
            })
        }
        group.wait()
        return results.withLock { $0 }
    }

    public func runLanes(_ lane: @escaping @Sendable (_ send: (OutgoingMessage) -> DeliveryOutcome) -> Void) async {
        await queue.runOnEachWorker { [sendOn] worker in lane { sendOn(worker, $0) } }
    }

    /// Stops taking messages once those already handed over are done; connections close as
    /// their threads finish. A message handed over later fails at once as `temporary`.
    public func shutdown() { queue.close() }
}

/// Hands a connection to the one thread that will use it.
private final class ConnectionBox: @unchecked Sendable {
    let connection: SMTPConnection
    init(_ connection: SMTPConnection) { self.connection = connection }
}
