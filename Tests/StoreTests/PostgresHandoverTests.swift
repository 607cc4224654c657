import Foundation
import Logging
import PostgresNIO
import PostgresStore
import Store
import Testing
import TestSupport

/// The PostgreSQL store's handed-over marks: written to the host's journal before each
/// message, copied to the rows a moment later. An instance of the same host reads the journal;
/// one of another host reads the rows.
@Suite struct PostgresHandoverTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A store of its own with three subscribers and a digest, opened as host "a", whose worker
    /// "a:1:1" claimed the three rows: `body` gets the fixture (for more handles), that handle,
    /// the digest and the rows.
    func withClaimedRows(
        _ body: (StoreFixture, any HeraldStore & StoreTransfer, Digest, [ClaimedDelivery]) async throws -> Void
    ) async throws {
        let fixture = try StoreFixture(.postgres)
        defer { fixture.remove() }
        let store = try await fixture.open(host: "a")
        _ = try await store.addSubscribers((0..<3).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
        let digest = try #require(try await store.plan(
            DigestPlan(
                newsletterID: "hebdo", windowStart: nil, windowEnd: t0, subject: "Lettre", trigger: .manual,
                postIDs: ["tag:a.org,2026-01-01:x"], content: Data("contenu".utf8), messageIDDomain: "a.org"),
            at: t0)).digest
        let rows = try await store.claim(limit: 10, digestID: nil, owner: "a:1:1", leaseUntil: t0 + 60, at: t0)
        try #require(rows.count == 3)
        try await body(fixture, store, digest, rows)
    }

    /// Another instance of the same host finds the dead worker's marks in the journal at once,
    /// before any copy could reach the rows.
    @Test func anInstanceOfTheSameHostReadsTheJournal() async throws {
        try await withClaimedRows { fixture, dying, digest, rows in
            try dying.markHandedOverBlocking(rows[0], owner: "a:1:1")
            try dying.markHandedOverBlocking(rows[2], owner: "a:1:1")
            // It dies: nothing of it is copied to the rows any more.
            try #require(dying as? PostgresStore).close()
            let neighbour = try await fixture.open(host: "a")
            #expect(try await neighbour.leaseOwners() == ["a:1:1"])
            #expect(try await neighbour.expireLeases(heldBy: ["a:1:1"], at: t0 + 1, uncertainRetries: 1) == 3)
            #expect(try await neighbour.counts(digestID: digest.id).byState == [.uncertain: 2, .pending: 1])
            // Dead and expired: its journal is gone.
            #expect(try await neighbour.leaseOwners().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: fixture.folder.path + "/a/var/handover/a:1:1.marks"))
        }
    }

    /// An instance of another host cannot read the journal: it finds the marks in the rows,
    /// copied there within a quarter of a second.
    @Test func anInstanceOfAnotherHostReadsTheCopiedMarks() async throws {
        try await withClaimedRows { fixture, dying, digest, rows in
            try dying.markHandedOverBlocking(rows[1], owner: "a:1:1")
            let elsewhere = try await fixture.open(host: "b")
            // Its journal is not there: only the rows tell.
            #expect(try await elsewhere.leaseOwners() == ["a:1:1"])
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await elsewhere.expireLeases(at: t0 + 61, uncertainRetries: 1) == 3)
            #expect(try await elsewhere.counts(digestID: digest.id).byState == [.uncertain: 1, .pending: 2])
            let again = try await elsewhere.claim(limit: 10, digestID: nil, owner: "b:2:2", leaseUntil: t0 + 200, at: t0 + 100)
            // The uncertain one is retried with its Message-ID; the others were never sent.
            let retried = try #require(again.first { $0.id == rows[1].id })
            #expect(retried.messageID == rows[1].messageID && retried.uncertainCount == 1 && retried.attempts == 2)
            #expect(again.filter { $0.id != rows[1].id }.allSatisfy { $0.attempts == 1 && $0.uncertainCount == 0 })
        }
    }

    /// A mark copied while the row is locked by another statement (an outcome being recorded,
    /// a lease renewed) is copied in a later round, not dropped.
    @Test func aMarkOnALockedRowIsCopiedOnceTheLockIsGone() async throws {
        try await withClaimedRows { fixture, dying, digest, rows in
            // Another session holds the row (as an outcome being recorded would) while the copier tries.
            let settings = try PostgresStoreSettings.parse(try #require(fixture.url)).get()
            let logger = Logger(label: "test")
            let locker = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: settings.host, port: settings.port, username: settings.user, password: PostgresTestServer.password,
                    database: settings.database, tls: .disable),
                id: 1, logger: logger)
            try await locker.query("BEGIN", logger: logger)
            try await locker.query("SELECT id FROM delivery WHERE id = \(rows[0].id) FOR UPDATE", logger: logger)
            try dying.markHandedOverBlocking(rows[0], owner: "a:1:1")
            try await Task.sleep(for: .seconds(1))
            try await locker.query("COMMIT", logger: logger)
            try await locker.close()
            try await Task.sleep(for: .seconds(1))
            let elsewhere = try await fixture.open(host: "b")
            #expect(try await elsewhere.expireLeases(at: t0 + 61, uncertainRetries: 1) == 3)
            #expect(try await elsewhere.counts(digestID: digest.id).byState == [.uncertain: 1, .pending: 2])
        }
    }

    /// A worker that ends with nothing held removes its journal; one still holding rows keeps it.
    @Test func endingWorkRemovesTheJournalOnlyWhenNothingIsHeld() async throws {
        try await withClaimedRows { fixture, store, _, rows in
            try store.markHandedOverBlocking(rows[0], owner: "a:1:1")
            let journal = fixture.folder.path + "/a/var/handover/a:1:1.marks"
            try await store.endWork(owner: "a:1:1")
            #expect(FileManager.default.fileExists(atPath: journal))
            #expect(try await store.record(rows.map { DeliveryResult(deliveryID: $0.id, outcome: .sent, replyText: "250 ok") }, owner: "a:1:1", at: t0 + 1) == 3)
            try await store.endWork(owner: "a:1:1")
            #expect(!FileManager.default.fileExists(atPath: journal))
            #expect(try await store.leaseOwners().isEmpty)
        }
    }
}
