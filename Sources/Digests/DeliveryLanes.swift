import Foundation
import SMTPTransport
import Store
import Synchronization

/// What the lanes of one `DeliveryWorker.run` share: the rows claimed and the outcomes not
/// yet committed.
///
/// A lane is one of the transport's threads running `drive`: it takes a claimed row, marks it
/// handed over, makes its message and sends it, then adds the outcome, with no hand-off to
/// another thread per message (the hand-offs between the cooperative pool, the store's queue
/// and the transport's threads cost a quarter of the time before). When few claimed rows are
/// left, the lane that notices claims more while the others keep sending; when half a commit
/// batch of outcomes is waiting, the lane that adds the last one commits them while the
/// others keep sending. Outcomes waiting and being committed are never more than
/// `commitBatch` together, so the duplicate bound stays `concurrency + commitBatch`.
final class DeliveryLanes: @unchecked Sendable {
    /// What a round left behind for the worker: outcomes to commit, rows to give back.
    struct Leftover {
        var results: [DeliveryResult]
        var unsent: [ClaimedDelivery]
        var error: StoreError?
    }

    private let worker: DeliveryWorker
    private let leases: LeaseClock
    private let digestID: Int64?
    private let stop: StopSignal
    private let report: @Sendable (DeliveryWorker.Progress) -> Void
    /// Outcomes are committed once this many wait (half a batch: one batch commits while the
    /// next one fills).
    private let commitThreshold: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var claimed: ArraySlice<ClaimedDelivery> = []
    private var results: [DeliveryResult] = []
    /// Outcomes being committed by a lane now.
    private var committing = 0
    /// A lane is claiming rows (the others wait for them when none is left).
    private var talkingToStore = false
    private var exhausted = false
    private var error: StoreError?
    private var lanesStarted = 0
    private var contexts: [Int64: DeliveryWorker.Context] = [:]
    private var touched = Set<Int64>()
    private var counts = DeliveryWorker.Progress()
    private var lastExpiry = Date()

    init(
        worker: DeliveryWorker, leases: LeaseClock, digestID: Int64?, stop: StopSignal,
        progress: @escaping @Sendable (DeliveryWorker.Progress) -> Void
    ) {
        self.worker = worker
        self.leases = leases
        self.digestID = digestID
        self.stop = stop
        self.report = progress
        self.commitThreshold = max(1, worker.settings.commitBatch / 2)
    }

    /// What the lanes did so far.
    var progress: DeliveryWorker.Progress { locked { counts } }

    /// The digests whose rows were handled, to be checked for completion.
    var touchedDigests: Set<Int64> { locked { touched } }

    func touch(_ digestID: Int64) { locked { _ = touched.insert(digestID) } }

    /// Runs one lane on each of the transport's threads until nothing is due, `stop` is set,
    /// or the store fails; returns whether any lane ran (none does on a transport shut down).
    func round(through transport: any MailTransport) async -> Bool {
        locked {
            exhausted = false
            lanesStarted = 0
        }
        await transport.runLanes { send in self.drive(send) }
        return locked { lanesStarted > 0 }
    }

    /// Takes what the round left: outcomes not committed yet, rows claimed but not sent, the
    /// store's error if it failed.
    func endRound() -> Leftover {
        locked {
            defer {
                results = []
                claimed = []
                error = nil
            }
            return Leftover(results: results, unsent: Array(claimed), error: error)
        }
    }

    /// One lane: row after row, made and sent on this thread.
    private func drive(_ send: (OutgoingMessage) -> DeliveryOutcome) {
        locked { lanesStarted += 1 }
        while let (delivery, context) = take() {
            switch worker.deliver(delivery, context: context, send: send) {
            case .result(let result):
                add(result)
            case .notHandedOver(let error):
                // Not marked, so not sent: the row goes back with the rest of the claim.
                giveBack(delivery, because: error)
                return
            }
        }
    }

    /// The next row and its digest's context; `nil` when the lane should end. The row is marked
    /// handed over by `DeliveryWorker.deliver`, on this thread, just before it is sent: should
    /// the process die now, only the rows in flight may have gone out, and the rest of the
    /// claim goes back as it was. Nothing is sent once the leases may have run out (the process
    /// was suspended longer than a lease): another worker may have the rows.
    private func take() -> (ClaimedDelivery, DeliveryWorker.Context?)? {
        guard let (row, context) = nextClaimed() else { return nil }
        guard leases.areHeld else {
            giveBack(row, because: StoreError("the leases of \(worker.settings.owner) ran out (the process was suspended?); nothing more is sent by it"))
            return nil
        }
        return (row, context)
    }

    /// Puts a row taken but not sent back at the head of the claim (it is released with the
    /// rest when the round ends) and stops the round with `error`.
    private func giveBack(_ row: ClaimedDelivery, because error: StoreError) {
        locked {
            self.error = self.error ?? error
            claimed.insert(row, at: claimed.startIndex)
        }
    }

    /// The next claimed row. The lane that takes one when fewer than `concurrency` stay
    /// claims more before it goes on, so that the other lanes seldom wait for the store.
    private func nextClaimed() -> (ClaimedDelivery, DeliveryWorker.Context?)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if error != nil || stop.isStopped { return nil }
            if let next = claimed.popFirst() {
                if claimed.count < worker.settings.concurrency && !talkingToStore && !exhausted { claimMore() }
                return (next, contexts[next.digestID])
            }
            if exhausted { return nil }
            if talkingToStore {
                condition.wait()
                continue
            }
            claimMore()
        }
    }

    /// Claims the next rows, with the lock released meanwhile; called with it held, by one
    /// lane at a time.
    private func claimMore() {
        talkingToStore = true
        let expire = Date().timeIntervalSince(lastExpiry) > 10
        if expire { lastExpiry = Date() }
        let known = Set(contexts.keys)
        condition.unlock()
        let outcome: Result<([ClaimedDelivery], [Int64: DeliveryWorker.Context]), StoreError>
        do {
            outcome = .success(try claimRows(expiringLeases: expire, knownDigests: known))
        } catch {
            outcome = .failure(error)
        }
        condition.lock()
        talkingToStore = false
        condition.broadcast()
        switch outcome {
        case .failure(let failure): error = failure
        case .success(let (rows, found)):
            if rows.isEmpty { exhausted = true }
            claimed += rows
            contexts.merge(found) { old, _ in old }
            touched.formUnion(found.keys)
        }
    }

    /// Claims up to `claimBatch` due rows (expiring dead workers' leases first, every 10 s),
    /// and makes the context of each digest not seen yet.
    private func claimRows(
        expiringLeases expire: Bool, knownDigests known: Set<Int64>
    ) throws(StoreError) -> ([ClaimedDelivery], [Int64: DeliveryWorker.Context]) {
        let (worker, digestID, now) = (worker, digestID, Date())
        return try Self.blocking { () async throws(StoreError) in
            let (store, settings) = (worker.store, worker.settings)
            if expire {
                try await StoreRetry.run { () async throws(StoreError) in
                    try await store.expireLeases(at: now, uncertainRetries: settings.policy.uncertainRetries)
                }
            }
            let rows = try await StoreRetry.run { () async throws(StoreError) in
                try await store.claim(
                    limit: settings.claimBatch, digestID: digestID, owner: settings.owner,
                    leaseUntil: now.addingTimeInterval(settings.lease), at: now)
            }
            var found: [Int64: DeliveryWorker.Context] = [:]
            for id in Set(rows.map(\.digestID)).subtracting(known) {
                found[id] = try await StoreRetry.run { () async throws(StoreError) in try await worker.context(forDigest: id) }
            }
            return (rows, found)
        }
    }

    /// Adds one outcome; commits the waiting ones once half a batch waits and no other lane is
    /// committing. Waits while a full batch is waiting or being committed.
    private func add(_ result: DeliveryResult) {
        condition.lock()
        defer { condition.unlock() }
        while results.count + committing >= worker.settings.commitBatch && error == nil { condition.wait() }
        results.append(result)
        DeliveryMetrics.count(result)
        switch result.outcome {
        case .sent: counts.sent += 1
        case .deferred: counts.deferred += 1
        case .failed: counts.failed += 1
        case .uncertain: counts.uncertain += 1
        case .skipped: counts.skipped += 1
        }
        while committing == 0, results.count >= commitThreshold, error == nil {
            let batch = results
            results = []
            committing = batch.count
            let snapshot = counts
            condition.unlock()
            let (store, owner) = (worker.store, worker.settings.owner)
            var failure: StoreError?
            do {
                _ = try Self.blocking { () async throws(StoreError) in
                    try await StoreRetry.run { () async throws(StoreError) in try await store.record(batch, owner: owner, at: Date()) }
                }
                report(snapshot)
            } catch {
                failure = error
            }
            condition.lock()
            committing = 0
            // Outcomes that could not be committed stay with their rows' leases: the rows
            // expire into `uncertain`, as after a crash.
            if let failure { error = failure }
            condition.broadcast()
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    /// Runs `body` from a lane's thread (never one of the cooperative pool's), blocking it:
    /// the store's calls are asynchronous, and the few a lane makes per batch cost less than a
    /// hand-off per message.
    private static func blocking<T: Sendable>(
        _ body: @escaping @Sendable () async throws(StoreError) -> T
    ) throws(StoreError) -> T {
        let outcome = Mutex<Result<T, StoreError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<T, StoreError>
            do throws(StoreError) {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
