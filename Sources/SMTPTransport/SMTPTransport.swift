import Foundation
import Mail
import Synchronization

/// Sends mail over SMTP through libcurl: `concurrency` connections in parallel, each on a
/// thread of its own and reused for message after message, under an optional rate limit.
/// libcurl opens each session (TLS, STARTTLS required or implicit, AUTH); `SMTPConnection`
/// runs the transactions on it, pipelined when the server allows.
///
/// Blocking calls (libcurl, `poll`) never run on Swift's cooperative pool: `send` suspends its
/// caller and a worker thread resumes it with the outcome. `shutdown()` lets transactions in
/// progress finish and stops taking new ones.
public final class SMTPTransport: MailTransport {
    private let queue = JobQueue()
    private let limiter: RateLimiter?

    /// Opens no connection yet (each worker connects on its first message), but checks that
    /// libcurl accepts the settings.
    public init(settings: SMTPSettings) throws(SMTPConfigurationError) {
        let concurrency = max(1, settings.concurrency)
        var connections: [SMTPConnection] = []
        for _ in 0..<concurrency { connections.append(try SMTPConnection(settings: settings)) }
        limiter = settings.maxPerSecond > 0 ? RateLimiter(perSecond: settings.maxPerSecond) : nil
        let queue = self.queue
        let limiter = self.limiter
        // The threads hold the queue, not the transport: when the transport goes away, `deinit`
        // closes the queue and each thread ends after its current message.
        let workers = connections.enumerated().map { index, connection in
            let box = ConnectionBox(connection)
            let thread = Thread {
                while let job = queue.next() {
                    guard let message = job.message() else {
                        job.complete(nil)
                        continue
                    }
                    limiter?.wait()
                    job.complete(box.connection.send(message))
                }
            }
            thread.name = "herald-smtp-\(index)"
            thread.stackSize = 1 << 20
            return thread
        }
        for worker in workers { worker.start() }
    }

    deinit { queue.close() }

    public func send(_ message: OutgoingMessage) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.add(Job(message: { message }) { continuation.resume(returning: $0!) })
        }
    }

    public func sendAll(_ messages: [OutgoingMessage]) -> [DeliveryOutcome] {
        deliver(count: messages.count) { messages[$0] }.map { $0! }
    }

    /// Delivers `count` messages that each worker thread makes itself, just before sending:
    /// composing one message overlaps with the network waits of the others, and no thread
    /// hands a message to another. `make` returns `nil` to skip an index (its outcome is
    /// `nil`). Outcomes are in index order. Blocks the calling thread.
    public func deliver(count: Int, making make: @escaping @Sendable (Int) -> OutgoingMessage?) -> [DeliveryOutcome?] {
        let results = Mutex([DeliveryOutcome?](repeating: nil, count: count))
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            queue.add(Job(message: { make(index) }) { outcome in
                results.withLock { $0[index] = outcome }
                group.leave()
            })
        }
        group.wait()
        return results.withLock { $0 }
    }

    /// Stops taking messages once those already queued are done; connections close as their
    /// threads finish.
    public func shutdown() { queue.close() }
}

/// One message to send (made on the worker thread) and what to do with its outcome.
private struct Job: Sendable {
    let message: @Sendable () -> OutgoingMessage?
    let complete: @Sendable (DeliveryOutcome?) -> Void
}

/// Hands a connection to the one thread that will use it.
private final class ConnectionBox: @unchecked Sendable {
    let connection: SMTPConnection
    init(_ connection: SMTPConnection) { self.connection = connection }
}

/// A FIFO of jobs that worker threads block on.
private final class JobQueue: Sendable {
    private struct State {
        /// A taken job is replaced by `nil` at once, so that its message is freed when it has
        /// been sent, not up to 1,024 jobs later when the array is compacted (1,024 digests of
        /// 20 KB, each in a buffer sized for quoted-printable's worst case, were ~35 MiB of RSS).
        var jobs: [Job?] = []
        var head = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    func add(_ job: Job) {
        state.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// The next job, or `nil` once the queue is closed and drained. Blocks while empty.
    func next() -> Job? {
        while true {
            let job: Job?? = state.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head].take()!
                    state.head += 1
                    if state.head > 1024 && state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return .some(job)
                }
                return state.closed ? .some(nil) : nil
            }
            if let job { return job }
            available.wait()
        }
    }

    func close() {
        state.withLock { $0.closed = true }
        // Wake every waiting worker so that it sees the queue is closed.
        for _ in 0..<64 { available.signal() }
    }
}
