import Foundation
import SMTPTransport
import Store
import Testing
import TestSupport
@testable import Digests

@Suite struct DeliveryWorkerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A worker died after recording the last outcomes of a digest and before completing it:
    /// the next run for that digest completes it, though nothing is left to claim (it used to
    /// stay sending for ever, every later send resuming it and the window never moving on).
    @Test func aRunCompletesItsDigestEvenWithNothingLeftToClaim() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path + "/var/herald.sqlite")
        _ = try await store.addSubscribers([SubscriberInput(email: "a@example.org")], status: .confirmed, resubscribe: false, at: t0)
        let planned = try await store.plan(
            DigestPlan(
                newsletterID: "hebdo", windowStart: nil, windowEnd: t0, subject: "Lettre", trigger: .manual, postIDs: [],
                content: Data(), messageIDDomain: "example.org"),
            at: t0)
        let digest = try #require(planned).digest
        let rows = try await store.claim(limit: 10, digestID: digest.id, owner: "dead", leaseUntil: t0 + 60, at: t0)
        try await store.record(rows.map { DeliveryResult(deliveryID: $0.id, outcome: .sent) }, owner: "dead", at: t0 + 1)
        #expect(try await store.digest(id: digest.id)?.status == .sending)

        let worker = DeliveryWorker(
            store: store, transport: try MaildirTransport(directory: folder.url.appendingPathComponent("outbox")),
            settings: DeliveryWorker.Settings()
        ) { _ in nil }
        let progress = try await worker.run(digestID: digest.id)
        #expect(progress.handled == 0)
        #expect(try await store.digest(id: digest.id)?.status == .completed)
    }

    /// A transport that is shut down runs no lane: the worker returns at once, and every row
    /// is still queued as it was (nothing claimed is left `inflight`, no attempt is counted),
    /// even when told to wait for retries.
    @Test func aShutDownTransportLeavesEveryRowQueued() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path + "/var/herald.sqlite")
        let emails = (0..<5).map { SubscriberInput(email: "abonne\($0)@example.org") }
        let now = Date()
        _ = try await store.addSubscribers(emails, status: .confirmed, resubscribe: false, at: now)
        let planned = try await store.plan(
            DigestPlan(
                newsletterID: "hebdo", windowStart: nil, windowEnd: now, subject: "Lettre", trigger: .manual, postIDs: [],
                content: Data(), messageIDDomain: "example.org"),
            at: now)
        let digest = try #require(planned).digest
        let transport = try SMTPTransport(settings: SMTPSettings(url: "smtp://127.0.0.1:9", tls: .none))
        transport.shutdown()
        let worker = DeliveryWorker(store: store, transport: transport, settings: DeliveryWorker.Settings()) { _ in nil }
        let start = ContinuousClock.now
        // Bounded well below the retry horizon (the store's few synced writes can take seconds
        // on a loaded disk): no lane runs, so the worker does not wait for retries.
        let progress = try await worker.run(digestID: digest.id, retryHorizon: 300)
        #expect(start.duration(to: .now) < .seconds(60))
        #expect(progress.handled == 0)
        let counts = try await store.counts(digestID: digest.id)
        #expect(counts[.pending] == 5 && counts[.inflight] == 0, "\(counts)")
        let again = try await store.claim(limit: 10, digestID: digest.id, owner: "next", leaseUntil: Date() + 60, at: Date())
        #expect(again.count == 5 && again.allSatisfy { $0.attempts == 1 })
    }
}
