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
    private let maximumWorkers: Int
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
        self.maximumWorkers = max(1, maximumWorkers ?? MarkdownWorkers.onlineCores)
        slots = DispatchSemaphore(value: self.maximumWorkers)
    }

    /// Starts the renderer processes in the background (a renderer takes tens of milliseconds
    /// to start); a failure here is left for `render` to report.
    public func warmUp() {
        for _ in 0..<maximumWorkers {
            DispatchQueue.global().async { [self] in
                guard slots.wait(timeout: .now()) == .success else { return }
                defer { slots.signal() }
                guard idle.withLock({ $0.count }) < maximumWorkers, let worker = try? startWorker() else { return }
                idle.withLock { $0.append(worker) }
            }
        }
    }

    private func startWorker() throws(MarkdownRenderingError) -> RenderWorker {
        try RenderWorker(
            executable: executable,
            arguments: [Self.workerCommand, "--parent", "\(getpid())", "--memory-limit", "\(memoryLimit)"],
            startTimeout: .seconds(30))
    }

    static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Renders `source` in a child process; throws `.tooSlow` past the budget.
    public func render(_ source: MarkdownSource) throws(MarkdownRenderingError) -> RenderedMarkdown {
        try render([source])[0].get()
    }

    /// Renders `sources`, in batches spread over the renderers (one exchange carries many small
    /// posts), each post within the budget, counted from the reply before it (the first post's
    /// also covers sending the batch). After a post that is too slow or crashes its renderer,
    /// the rest of its batch goes to a new one.
    public func render(_ sources: [MarkdownSource]) -> [Result<RenderedMarkdown, MarkdownRenderingError>] {
        var results = [Result<RenderedMarkdown, MarkdownRenderingError>?](repeating: nil, count: sources.count)
        // Posts are hashed only to look up earlier failures, so not at all while there are none
        // (every build so far), and afterwards only the ones that fail.
        var pending: [Int] = []
        failures.withLock { memory in
            guard !memory.isEmpty else {
                pending = Array(sources.indices)
                return
            }
            for index in sources.indices {
                if let known = memory[FailureMemory.Key(sources[index])] { results[index] = .failure(known) } else { pending.append(index) }
            }
        }
        // About two batches per renderer, so that one slow batch does not hold up the end.
        let size = max(1, min(64, (pending.count + 2 * maximumWorkers - 1) / (2 * maximumWorkers)))
        let batches = stride(from: 0, to: pending.count, by: size).map { Array(pending[$0..<min($0 + size, pending.count)]) }
        let rendered = Mutex<[(Int, Result<RenderedMarkdown, MarkdownRenderingError>)]>([])
        DispatchQueue.concurrentPerform(iterations: batches.count) { batch in
            let done = renderBatch(batches[batch], of: sources)
            rendered.withLock { $0 += done }
        }
        for (index, result) in rendered.withLock({ $0 }) { results[index] = result }
        failures.withLock { memory in
            for (index, result) in results.enumerated() {
                if case .failure(let error)? = result { memory.remember(error, for: FailureMemory.Key(sources[index])) }
            }
        }
        return results.map { $0! }
    }

    /// Renders the sources at `indices` on one renderer at a time, in order.
    private func renderBatch(
        _ indices: [Int], of sources: [MarkdownSource]
    ) -> [(Int, Result<RenderedMarkdown, MarkdownRenderingError>)] {
        var done: [(Int, Result<RenderedMarkdown, MarkdownRenderingError>)] = []
        var pending = indices[...]
        while !pending.isEmpty {
            let batch = Array(pending.prefix(WorkerMessage.batchLimit))
            pending = pending.dropFirst(batch.count)
            slots.wait()
            defer { slots.signal() }
            let worker: RenderWorker
            do throws(MarkdownRenderingError) {
                if let ready = idle.withLock({ $0.popLast() }) { worker = ready } else { worker = try startWorker() }
            } catch {
                done += (batch + pending).map { ($0, .failure(error)) }
                break
            }
            let (replies, failure) = worker.exchange(batch.map { WorkerMessage.Request(sources[$0]) }, budget: budget)
            done += zip(batch, replies).map { ($0, $1.result()) }
            if let failure {
                let failed = batch[replies.count]
                done.append((failed, .failure(failure.kind == .timedOut ? .tooSlow(budget: budget) : .rendererCrashed(failure.reason))))
                // The rest of this batch goes to the next renderer.
                pending = batch[(replies.count + 1)...] + pending
            } else {
                idle.withLock { $0.append(worker) }
            }
        }
        return done
    }
}

/// The sources that failed lately and why, by hash: at most `capacity`, the oldest forgotten first.
struct FailureMemory {
    struct Key: Hashable {
        var hash: Int

        /// A per-process keyed hash (SipHash) of everything a rendering depends on, over the
        /// UTF-8 bytes (hashing a `String` normalises it first, which costs far more).
        init(_ source: MarkdownSource) {
            var hasher = Hasher()
            for var field in [source.body, source.excerpt ?? "", source.baseURL ?? ""] {
                field.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                hasher.combine(field.utf8.count)
            }
            hasher.combine(source.excerpt == nil)
            hasher.combine(source.baseURL == nil)
            hasher.combine(source.wantsExcerptHTML)
            hash = hasher.finalize()
        }
    }

    static let capacity = 1024
    private var errors: [Key: MarkdownRenderingError] = [:]
    private var order: [Key] = []

    subscript(key: Key) -> MarkdownRenderingError? { errors[key] }

    var isEmpty: Bool { errors.isEmpty }

    mutating func remember(_ error: MarkdownRenderingError, for key: Key) {
        if case .workerUnavailable = error { return }
        if errors.updateValue(error, forKey: key) == nil { order.append(key) }
        if order.count > Self.capacity { errors[order.removeFirst()] = nil }
    }
}

#if canImport(Glibc)
import Glibc
#endif
