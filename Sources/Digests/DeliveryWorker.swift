import Foundation
import SMTPTransport
import Store
import Synchronization

/// Drains the delivery queue: claims due deliveries under a lease, makes each message as its
/// row is claimed (memory does not grow with the number of subscribers), hands it to the
/// transport, and records outcomes in bounded batches.
///
/// The promise: a delivery is claimed (`inflight`) in batches, and marked handed over in the
/// store just before its message goes to the transport; its outcome is committed at most
/// `commitBatch` outcomes later. So a crash re-sends at most `concurrency + commitBatch`
/// messages that had arrived, each with its original Message-ID (its row expires into
/// `uncertain`, which is retried once), and rows claimed but not handed over go back to the
/// queue untouched: however many times the process dies, no row is lost for being claimed.
public struct DeliveryWorker: Sendable {
    public struct Settings: Sendable {
        /// Names this worker's leases: `host:pid:random`.
        public var owner: String
        /// The transport's concurrency (its threads send at once): more rows are claimed when
        /// fewer than this many are left, and it bounds the messages in flight at a crash.
        public var concurrency: Int
        /// Rows claimed per round trip to the store.
        public var claimBatch: Int
        /// The most outcomes held before they are committed (they count in the duplicate bound).
        public var commitBatch: Int
        /// How long a claim holds; a worker that dies releases its rows this much later.
        public var lease: TimeInterval
        public var policy: RetryPolicy

        public init(
            owner: String = DeliveryWorker.defaultOwner(), concurrency: Int = 4, claimBatch: Int = 64, commitBatch: Int = 32,
            lease: TimeInterval = 300, policy: RetryPolicy = RetryPolicy()
        ) {
            self.owner = owner
            self.concurrency = max(1, concurrency)
            self.claimBatch = max(1, claimBatch)
            self.commitBatch = max(1, commitBatch)
            self.lease = lease
            self.policy = policy
        }
    }

    /// What this worker did so far, for a progress display.
    public struct Progress: Sendable, Hashable {
        public var sent = 0
        public var deferred = 0
        public var failed = 0
        public var uncertain = 0
        public var skipped = 0
        public var handled: Int { sent + deferred + failed + uncertain + skipped }

        public init() {}

        /// What two runs did together.
        public static func + (lhs: Progress, rhs: Progress) -> Progress {
            var sum = lhs
            sum.sent += rhs.sent
            sum.deferred += rhs.deferred
            sum.failed += rhs.failed
            sum.uncertain += rhs.uncertain
            sum.skipped += rhs.skipped
            return sum
        }
    }

    public var store: any DeliveryQueue & DigestStore
    public var transport: any MailTransport
    /// The mailer of a newsletter, by id.
    public var mailer: @Sendable (String) -> DigestMailer?
    public var settings: Settings

    public init(
        store: any DeliveryQueue & DigestStore, transport: any MailTransport, settings: Settings,
        mailer: @escaping @Sendable (String) -> DigestMailer?
    ) {
        self.store = store
        self.transport = transport
        self.settings = settings
        self.mailer = mailer
    }

    /// `host:pid:random`, so that a process of this host can tell a dead worker's leases.
    public static func defaultOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Delivers due rows of `digestID` (or of every digest) until none is due, or until `stop`
    /// is set. Deferred rows that come due within `retryHorizon` seconds are waited for; later
    /// ones are left queued. Claimed rows not yet handed to the transport when stopping are
    /// given back; messages already handed over finish first.
    ///
    /// The work runs in lanes, one on each of the transport's threads: a lane takes the next
    /// row, makes its message and sends it without handing anything to another thread; the
    /// claims, marks and commits it needs go to the store from the lane that needs them.
    @discardableResult
    public func run(
        digestID: Int64?, retryHorizon: TimeInterval = 0, stop: StopSignal = StopSignal(),
        // Escaping: the lanes report from the transport's threads, which may hold their last
        // lane for a moment after it has returned.
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws(StoreError) -> Progress {
        try await StoreRetry.run { () async throws(StoreError) in try await expireDeadWorkers() }
        // Leases are renewed while this worker lives: a claim that takes longer than a lease
        // (a slow server, a low maxPerSecond) is not taken over by another worker mid-way.
        let leases = LeaseClock(lease: settings.lease)
        let renewer = Task { [store, settings] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(settings.lease / 3))
                if Task.isCancelled { return }
                // Once the leases may have run out (the process was suspended), another worker
                // may have taken the rows: a renewal then finds none of them, yet succeeds, so
                // the clock stays run out and the lanes send nothing more.
                guard leases.areHeld else { return }
                let renewedAt = Date()
                if (try? await store.renewLeases(owner: settings.owner, until: renewedAt.addingTimeInterval(settings.lease))) != nil {
                    leases.renewed(at: renewedAt)
                }
            }
        }
        defer { renewer.cancel() }
        let lanes = DeliveryLanes(worker: self, leases: leases, digestID: digestID, stop: stop, progress: progress)
        // The digest asked for is checked for completion even if nothing of it was left to
        // claim: its last rows may have been recorded by a worker that died before completing it.
        if let digestID { lanes.touch(digestID) }
        var failure: StoreError?
        while true {
            let lanesRan = await lanes.round(through: transport)
            let leftover = lanes.endRound()
            do throws(StoreError) {
                if !leftover.results.isEmpty {
                    try await StoreRetry.run { () async throws(StoreError) in
                        try await store.record(leftover.results, owner: settings.owner, at: Date())
                    }
                }
                // Each commit reported the counts as they were when it began: the last
                // outcomes of a round may have come in during the last commit.
                progress(lanes.progress)
                try await StoreRetry.run { () async throws(StoreError) in
                    try await store.release(leftover.unsent.map(\.id), owner: settings.owner, at: Date())
                }
                if let error = leftover.error { throw error }
                // A transport that is shut down runs no lane: the rows stay queued.
                if stop.isStopped || !lanesRan { break }
                guard let due = try await StoreRetry.run({ () async throws(StoreError) in try await store.nextDue(digestID: digestID) }),
                    due.timeIntervalSinceNow <= retryHorizon
                else { break }
                // Wait for the next retry, a second at a time, so that `stop` is seen.
                let wait = min(max(0, due.timeIntervalSinceNow), 1)
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
            } catch {
                failure = error
                break
            }
        }
        // Whatever happened, the store may drop what it kept of this worker's work (it keeps
        // it while rows are still held).
        try? await store.endWork(owner: settings.owner)
        if let failure { throw failure }
        for digest in lanes.touchedDigests {
            _ = try await StoreRetry.run { () async throws(StoreError) in try await store.completeIfFinal(digestID: digest, at: Date()) }
        }
        return lanes.progress
    }

    /// What making a digest's messages needs, looked up once per digest.
    struct Context: Sendable {
        var mailer: DigestMailer?
        var prepared: DigestMailer.Prepared?
        var plannedAt: Date
        var problem: DigestMailError?
    }

    func context(forDigest id: Int64) async throws(StoreError) -> Context {
        guard let digest = try await store.digest(id: id) else {
            return Context(plannedAt: Date(), problem: .unreadableContent(digestID: id))
        }
        guard let mailer = mailer(digest.newsletterID) else {
            return Context(plannedAt: digest.createdAt, problem: .unknownNewsletter(digest.newsletterID))
        }
        guard let prepared = mailer.prepare(digest) else {
            return Context(plannedAt: digest.createdAt, problem: .unreadableContent(digestID: id))
        }
        return Context(mailer: mailer, prepared: prepared, plannedAt: digest.createdAt)
    }

    /// What became of a row a lane took.
    enum LaneOutcome {
        case result(DeliveryResult)
        /// Its mark could not be committed: it was not sent, and goes back with the claim.
        case notHandedOver(StoreError)
    }

    /// Makes `delivery`'s message and sends it with `send`, on the calling thread, the row
    /// marked handed over just before it is sent.
    func deliver(
        _ delivery: ClaimedDelivery, context: Context?, send: (OutgoingMessage) -> DeliveryOutcome
    ) -> LaneOutcome {
        guard delivery.subscriberStatus == .confirmed else {
            return .result(DeliveryResult(
                deliveryID: delivery.id, outcome: .skipped, replyText: "subscriber is \(delivery.subscriberStatus.rawValue)"))
        }
        guard let context, let mailer = context.mailer, let prepared = context.prepared else {
            let problem = context?.problem ?? .unreadableContent(digestID: delivery.digestID)
            return .result(DeliveryResult(deliveryID: delivery.id, outcome: .failed, replyText: problem.description))
        }
        let message: OutgoingMessage
        do {
            message = try mailer.message(for: delivery, prepared: prepared)
        } catch {
            return .result(DeliveryResult(deliveryID: delivery.id, outcome: .failed, replyText: error.description))
        }
        do {
            try store.markHandedOverBlocking(delivery, owner: settings.owner)
        } catch {
            return .notHandedOver(error)
        }
        let outcome = send(message)
        return .result(settings.policy.result(for: delivery, outcome: outcome, plannedAt: context.plannedAt, at: Date()))
    }

    /// Leases held by processes of this host that no longer exist are released at once,
    /// without waiting for them to run out.
    private func expireDeadWorkers() async throws(StoreError) {
        let host = ProcessInfo.processInfo.hostName
        let dead = try await store.leaseOwners().filter { owner in
            let parts = owner.split(separator: ":")
            guard parts.count == 3, parts[0] == host, let pid = Int32(parts[1]) else { return false }
            return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
        }
        try await store.expireLeases(heldBy: dead, at: Date(), uncertainRetries: settings.policy.uncertainRetries)
        try await store.expireLeases(at: Date(), uncertainRetries: settings.policy.uncertainRetries)
    }
}

/// When a worker's leases were last known to be renewed: every row it holds is leased at least
/// until then plus a lease (a row claimed later, longer). A lane sends nothing once that time,
/// less a margin, has passed.
final class LeaseClock: Sendable {
    private let lease: TimeInterval
    private let renewal = Atomic<Double>(Date().timeIntervalSince1970)

    init(lease: TimeInterval) {
        self.lease = lease
    }

    func renewed(at date: Date) { renewal.store(date.timeIntervalSince1970, ordering: .relaxed) }

    /// Whether every lease is surely still held (with a tenth of a lease to spare).
    var areHeld: Bool {
        Date().timeIntervalSince1970 < renewal.load(ordering: .relaxed) + lease * 0.9
    }
}

/// Tells a running `DeliveryWorker` to stop claiming (Ctrl-C, SIGTERM).
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    public init() {}
    public func stop() { stopped.store(true, ordering: .relaxed) }
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }
}
