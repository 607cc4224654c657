import Dispatch
import Synchronization

/// Renders Markdown in child processes, each post within a time budget: what Herald uses for
/// every post that reaches a feed, a digest or `herald check`.
///
/// Why processes. cmark-gfm 0.29.0.gfm.6 is super-linear on some inputs (nested emphasis
/// `*a **a ` × n … ` a** a*` × n took 14 s at 140 KB, and the time grows with the square of
/// the size: hours at the size limit), its parse is one blocking C call that cannot be
/// interrupted, and its inline parser switches process-wide tables on and off around every
/// parse (see `CmarkDocument`), so parses in one process must be serialised. A thread given
/// up on past the budget would keep a core busy for as long as cmark takes, and hold the lock
/// every other post needs; a pre-screen for "dangerous" Markdown could never be complete. A
/// child process can be killed at the budget, which frees its CPU and memory at once; it has
/// its own copy of cmark's globals, so processes render in parallel without any lock; and a
/// crash in cmark-gfm or libxml2 takes down one renderer, not Herald.
///
/// How. Up to `maximumWorkers` long-lived children (the same executable, started with
/// `workerCommand`, see `MarkdownWorkerProcess`) each render one post at a time: the request
/// and the reply go over a Unix socket pair, and the budget covers sending the Markdown,
/// rendering it (parsing, sanitising) and reading the HTML back. A child past the budget is
/// killed with `SIGKILL` and replaced on the next request. A post that failed (too slow,
/// crashed its renderer, too much output) is remembered by the hash of what was rendered: a
/// daemon that reads it again gets the same error at once, without spending another budget on
/// it. Each child also runs under a memory limit and exits when Herald does.
///
/// Cost: a child starts in tens of milliseconds, once; a post costs a round trip and a copy of
/// its Markdown and HTML through the socket, which is small next to rendering.
public final class MarkdownWorkers: MarkdownRenderingEngine {
    /// The first argument that makes Herald's executable a renderer (`MarkdownWorkerProcess`).
    public static let workerCommand = "__markdown-worker"

    /// The longest one post may take.
    public let budget: Duration
    private let executable: String
    private let memoryLimit: Int
    private let slots: DispatchSemaphore
    private let idle = Mutex<[RenderWorker]>([])
    private let failures = Mutex(FailureMemory())

    /// - Parameters:
    ///   - executable: a program that serves `workerCommand` (Herald's own: `/proc/self/exe`,
    ///     which stays valid even when the file is replaced by an upgrade).
    ///   - budget: the longest one post may take to render.
    ///   - maximumWorkers: how many posts render at once (default: one per online core).
    ///   - memoryLimit: the data segment limit of each child (`RLIMIT_DATA`), in bytes.
    public init(
        executable: String = "/proc/self/exe", budget: Duration, maximumWorkers: Int? = nil, memoryLimit: Int = 2 << 30
    ) {
        self.executable = executable
        self.budget = budget
        self.memoryLimit = memoryLimit
        slots = DispatchSemaphore(value: max(1, maximumWorkers ?? MarkdownWorkers.onlineCores))
    }

    static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Renders `source` in a child process; throws `.tooSlow` past the budget.
    public func render(_ source: MarkdownSource) throws(MarkdownRenderingError) -> RenderedMarkdown {
        let key = FailureMemory.Key(source)
        if let known = failures.withLock({ $0[key] }) { throw known }
        slots.wait()
        defer { slots.signal() }
        let worker: RenderWorker
        if let ready = idle.withLock({ $0.popLast() }) {
            worker = ready
        } else {
            worker = try RenderWorker(
                executable: executable,
                arguments: [Self.workerCommand, "--parent", "\(getpid())", "--memory-limit", "\(memoryLimit)"],
                startTimeout: .seconds(30))
        }
        let reply: WorkerMessage.Reply
        do throws(RenderWorker.Failure) {
            reply = try worker.exchange(WorkerMessage.Request(source), before: .now + budget)
        } catch {
            let failure: MarkdownRenderingError = error.kind == .timedOut ? .tooSlow(budget: budget) : .rendererCrashed(error.reason)
            failures.withLock { $0.remember(failure, for: key) }
            throw failure
        }
        idle.withLock { $0.append(worker) }
        let result = reply.result()
        if case .failure(let error) = result { failures.withLock { $0.remember(error, for: key) } }
        return try result.get()
    }
}

/// The sources that failed lately and why, by hash: at most `capacity`, the oldest forgotten first.
struct FailureMemory {
    struct Key: Hashable {
        var hash: Int

        /// A per-process keyed hash (SipHash) of everything a rendering depends on.
        init(_ source: MarkdownSource) {
            var hasher = Hasher()
            hasher.combine(source)
            hash = hasher.finalize()
        }
    }

    static let capacity = 1024
    private var errors: [Key: MarkdownRenderingError] = [:]
    private var order: [Key] = []

    subscript(key: Key) -> MarkdownRenderingError? { errors[key] }

    mutating func remember(_ error: MarkdownRenderingError, for key: Key) {
        if case .workerUnavailable = error { return }
        if errors.updateValue(error, forKey: key) == nil { order.append(key) }
        if order.count > Self.capacity { errors[order.removeFirst()] = nil }
    }
}

#if canImport(Glibc)
import Glibc
#endif
