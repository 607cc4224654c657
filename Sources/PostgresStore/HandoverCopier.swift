import Synchronization

/// Copies the handed-over marks of this process's workers to their rows, a quarter of a
/// second after they were written to the local journal, in one statement per owner and batch:
/// for the instances of other hosts, which cannot read this host's journal.
///
/// Why not mark the row before each message: that is a round trip to the server per message
/// (about 40 % of a send's throughput on one 2-core host). The journal is what decides on this
/// host; the copy only lags by the batch's quarter of a second. A row whose mark had not been
/// copied when its instance died goes back to the queue instead of `uncertain` and is sent
/// again with its Message-ID: a duplicate that the bound (concurrency + commitBatch per crash)
/// already counts, since only sent rows whose outcome was not recorded can be duplicated.
final class HandoverCopier: Sendable {
    /// The marks of each owner not copied yet, and whether a copy is scheduled.
    private struct Pending {
        var marks: [String: [Int64]] = [:]
        var count = 0
        var scheduled = false
        /// Since when copies fail (the server is away); nil while they succeed.
        var failingSince: ContinuousClock.Instant?
        /// The store was closed: nothing more is copied.
        var stopped = false
    }

    /// At most this many marks wait (a server down for long): beyond, the oldest are dropped
    /// (the journal still has them, for this host).
    static let limit = 1 << 16
    static let delay: Duration = .milliseconds(250)
    /// Copies failing for this long are given up (the journal keeps the marks for this host).
    static let giveUpAfter: Duration = .seconds(30)

    private let pending = Mutex(Pending())
    private let copy: @Sendable (_ owner: String, _ ids: [Int64]) async -> Bool

    /// - Parameter copy: writes the marks of `owner` to their rows; false when it could not.
    init(copy: @escaping @Sendable (_ owner: String, _ ids: [Int64]) async -> Bool) {
        self.copy = copy
    }

    /// Queues the mark of row `id`, copied within `delay`; from any thread.
    func add(_ id: Int64, owner: String) {
        let start = pending.withLock { pending in
            if pending.stopped { return false }
            pending.marks[owner, default: []].append(id)
            pending.count += 1
            if pending.count > Self.limit, let oldest = pending.marks.keys.first {
                pending.count -= pending.marks[oldest]?.count ?? 0
                pending.marks[oldest] = nil
            }
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if start { Task { await self.run() } }
    }

    /// Copies nothing more (the store is closed).
    func stop() {
        pending.withLock { pending in
            pending.stopped = true
            pending.marks = [:]
            pending.count = 0
        }
    }

    /// Forgets `owner`'s marks not copied yet (it holds no row any more).
    func forget(_ owner: String) {
        pending.withLock { pending in
            pending.count -= pending.marks.removeValue(forKey: owner)?.count ?? 0
        }
    }

    /// Copies what waits, every `delay`, until nothing does.
    private func run() async {
        let clock = ContinuousClock()
        while true {
            try? await Task.sleep(for: Self.delay)
            let batch = pending.withLock { pending in
                defer { pending.marks = [:]; pending.count = 0 }
                if pending.marks.isEmpty { pending.scheduled = false }
                return pending.marks
            }
            if batch.isEmpty { return }
            for (owner, ids) in batch {
                let copied = await copy(owner, ids)
                pending.withLock { pending in
                    if copied {
                        pending.failingSince = nil
                        return
                    }
                    let since = pending.failingSince ?? clock.now
                    pending.failingSince = since
                    // Kept for the next round (the server may be back by then), for a while.
                    guard !pending.stopped, clock.now - since < Self.giveUpAfter else { return }
                    pending.marks[owner, default: []].insert(contentsOf: ids, at: 0)
                    pending.count += ids.count
                }
            }
        }
    }
}
