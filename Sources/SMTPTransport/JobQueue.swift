import Foundation
import Synchronization

/// Work for one of a transport's threads: `run` gets the thread's index (its connection),
/// `refuse` is called instead when the queue is closed.
struct Job: Sendable {
    let run: @Sendable (_ worker: Int) -> Void
    let refuse: @Sendable () -> Void

    /// Sends the message `make` returns (made on the worker thread, `nil` to skip) with
    /// `send`, and hands the outcome to `complete`; on a closed queue, `JobQueue.shutDown`.
    static func message(
        _ make: @escaping @Sendable () -> OutgoingMessage?, send: @escaping @Sendable (Int, OutgoingMessage) -> DeliveryOutcome,
        complete: @escaping @Sendable (DeliveryOutcome?) -> Void
    ) -> Job {
        Job(run: { worker in complete(make().map { send(worker, $0) }) }, refuse: { complete(JobQueue.shutDown) })
    }
}

/// A FIFO of jobs served by a fixed set of worker threads of its own (blocking work never
/// runs on Swift's cooperative pool). Once closed, it takes no new job — `add` refuses it at
/// once — and each worker ends when the jobs already queued are done.
final class JobQueue: Sendable {
    /// The outcome of a message handed to a closed queue.
    static let shutDown = DeliveryOutcome.temporary(code: nil, text: "the transport is shut down; nothing was sent")

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
    private let workers: Int

    /// Starts `workers` threads named `name-0`, `name-1`… (at most 15 bytes, or Linux keeps
    /// no name); each runs job after job, passing its own index, then `onExit(index)` once
    /// the queue is closed and drained. The threads hold the queue, not its owner: when the
    /// owner closes the queue (in its `deinit`, say), they end after the jobs already queued.
    init(workers: Int, name: String, onExit: @escaping @Sendable (_ worker: Int) -> Void = { _ in }) {
        self.workers = workers
        for index in 0..<workers {
            let thread = Thread { [self] in
                Self.nameCurrentThread("\(name)-\(index)")
                while let job = next() { job.run(index) }
                onExit(index)
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Gives the calling thread the name the system shows (`ps -L`, `top -H`, `comm` under
    /// /proc): Foundation's `Thread.name` only reaches it when the new thread loses a race
    /// with `start()`.
    private static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        Glibc.close(descriptor)
    }

    /// Queues `job`; on a closed queue, refuses it at once.
    func add(_ job: Job) {
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() } else { job.refuse() }
    }

    /// Runs `lane` once on each worker thread, all at once, and returns when every lane has
    /// returned (or been refused, on a closed queue). Each lane runs after the jobs queued
    /// before it; it is the way to keep a thread for a stream of work without a hand-off per
    /// item.
    func runOnEachWorker(_ lane: @escaping @Sendable (_ worker: Int) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let remaining = Mutex(workers)
            let finish: @Sendable () -> Void = {
                if remaining.withLock({ value in value -= 1; return value == 0 }) { continuation.resume() }
            }
            for _ in 0..<workers { add(Job(run: { worker in lane(worker); finish() }, refuse: finish)) }
        }
    }

    /// Stops taking jobs. Idempotent.
    func close() {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        // Each worker waits at most once more after this (it then sees the queue closed and
        // empty, and ends): one signal per worker wakes each exactly once.
        if wasOpen { for _ in 0..<workers { available.signal() } }
    }

    /// The next job, or `nil` once the queue is closed and drained. Blocks while empty.
    private func next() -> Job? {
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
}
