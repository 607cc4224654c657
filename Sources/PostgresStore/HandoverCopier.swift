import Store
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
        var marks: [String: [HandoverJournal.Mark]] = [:]
        var scheduled = false
        /// Since when copies fail (the server is away); nil while they succeed.
        var failingSince: ContinuousClock.Instant?
        /// The store was closed: nothing more is copied.
        var stopped = false
    }

    /// At most this many marks wait (a server down for long): beyond, new marks are not kept
    /// for copying (the journal still has them, for this host).
    static let limit = 1 << 16
    static let delay: Duration = .milliseconds(250)
    /// Copies failing for this long are given up (the journal keeps the marks for this host).
    static let giveUpAfter: Duration = .seconds(30)

    private let pending = Mutex(Pending())
    /// Writes marks of `owner` to their rows; returns those to copy again (rows locked now).
    private let copy: @Sendable (_ marks: [HandoverJournal.Mark], _ owner: String) async throws -> [HandoverJournal.Mark]
    private let failed: @Sendable (_ error: any Error, _ count: Int, _ givingUp: Bool) -> Void

    /// - Parameters:
    ///   - copy: writes marks of `owner` to their rows; returns those to copy again later.
    ///   - failed: told of a copy that failed (`givingUp`: its marks are dropped).
    init(
        copy: @escaping @Sendable (_ marks: [HandoverJournal.Mark], _ owner: String) async throws -> [HandoverJournal.Mark],
        failed: @escaping @Sendable (_ error: any Error, _ count: Int, _ givingUp: Bool) -> Void
    ) {
        self.copy = copy
        self.failed = failed
    }

    /// Queues `mark`, copied within `delay`; from any thread.
    func add(_ mark: HandoverJournal.Mark, owner: String) {
        let start = pending.withLock { pending in
            // Owners are a handful (one per worker of this process): the sum is cheap.
            guard !pending.stopped, pending.marks.values.reduce(0, { $0 + $1.count }) < Self.limit else { return false }
            pending.marks[owner, default: []].append(mark)
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
        }
    }

    /// Forgets `owner`'s marks not copied yet (it holds no row any more).
    func forget(_ owner: String) {
        pending.withLock { _ = $0.marks.removeValue(forKey: owner) }
    }

    /// Copies what waits, every `delay`, until nothing does.
    private func run() async {
        let clock = ContinuousClock()
        while true {
            try? await Task.sleep(for: Self.delay)
            let batch = pending.withLock { pending in
                defer { pending.marks = [:] }
                if pending.marks.isEmpty { pending.scheduled = false }
                return pending.marks
            }
            if batch.isEmpty { return }
            for (owner, marks) in batch {
                var again: [HandoverJournal.Mark] = []
                do {
                    again = try await copy(marks, owner)
                    pending.withLock { $0.failingSince = nil }
                } catch {
                    let givingUp = pending.withLock { pending in
                        let since = pending.failingSince ?? clock.now
                        pending.failingSince = since
                        guard clock.now - since >= Self.giveUpAfter else { return false }
                        // Given up: the next failure starts its own 30 s.
                        pending.failingSince = nil
                        return true
                    }
                    failed(error, marks.count, givingUp)
                    if !givingUp { again = marks }
                }
                guard !again.isEmpty else { continue }
                // Kept for the next round (the rows unlocked, the server back by then).
                pending.withLock { pending in
                    guard !pending.stopped else { return }
                    pending.marks[owner, default: []].insert(contentsOf: again, at: 0)
                }
            }
        }
    }
}
