import Foundation
import Herald
import PostgresStore
import Scheduling
import Store
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Several Herald processes on one PostgreSQL store (a throw-away cluster of the test's own),
/// the real `herald` binary, a real SMTP server, real SIGKILLs.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PostgresDeliveryTests {
    /// The store's delivery rows of `digest`, read with psql: email → Message-ID.
    static func messageIDs(_ url: String, digest: Int) throws -> [String: String] {
        let out = try PostgresTestServer.sharedServer().psql(
            url, "SELECT s.email || ' ' || d.messageID FROM delivery d JOIN subscriber s ON s.id = d.subscriberID WHERE d.digestID = \(digest)")
        var result: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { result[String(parts[0])] = "<\(parts[1])>" }
        }
        return result
    }

    /// Three `herald digest send` processes drain one digest of 3,000 subscribers; one of them is
    /// killed with SIGKILL mid-send, twice (a new process taking its place the first time). The
    /// others finish: everyone receives the digest, each copy with the Message-ID planned for
    /// them, and each kill re-sends at most `concurrency` messages (an outcome is committed
    /// before its lane takes the next message: `commitBatch` 1).
    @Test func threeSendersTwoKillsNobodyLost() throws {
        let subscribers = 3000
        let url = try PostgresTestServer.sharedServer().makeDatabase()
        defer { try? PostgresTestServer.sharedServer().dropDatabase(url) }
        let server = try SMTPTestServer(.init(slowData: 0.003, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 4, commitBatch: 1, storeURL: url)
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let planned = try site.herald("digest", "send", "hebdo", "--no-wait")
        #expect(planned.stdout.contains("digest 1 planned: 1 posts, \(subscribers) recipients"), "\(planned.stdout)\(planned.stderr)")

        var senders = try (0..<3).map { _ in try site.start("digest", "send", "hebdo") }
        var kills = 0
        for point in [subscribers / 3, 2 * subscribers / 3] {
            let deadline = Date().addingTimeInterval(120)
            while try server.messageCount() < point, Date() < deadline { usleep(5_000) }
            let victim = try #require(senders.first { $0.isRunning }, "every sender ended before the kill at \(point)")
            #expect(victim.kill())
            kills += 1
            senders.removeAll { $0 === victim }
            if kills == 1 { senders.append(try site.start("digest", "send", "hebdo")) }
        }
        for sender in senders {
            #expect(sender.wait(timeout: 180) == 0, "\(sender.stdout)\(sender.stderr.prefix(3000))")
        }
        // Rows the killed processes held are resent by whoever finds their leases dead.
        var finalRuns = 0
        while try site.digests().first?["status"] as? String != "completed", finalRuns < 3 {
            _ = try site.herald("digest", "send", "hebdo")
            finalRuns += 1
        }
        let messages = try server.received(includingRejected: true)
        var copies: [String: [String?]] = [:]
        for message in messages { for recipient in message.rcptTo { copies[recipient, default: []].append(message.messageID) } }
        let everyone = Set((0..<subscribers).map { "s\($0)@example.org" })
        #expect(Set(copies.keys) == everyone, "never received: \(everyone.subtracting(copies.keys).sorted().prefix(20))")
        let duplicates = messages.count - copies.count
        #expect(duplicates <= kills * site.concurrency, "\(duplicates) duplicates for \(kills) kills")
        let stored = try Self.messageIDs(url, digest: 1)
        #expect(stored.count == subscribers)
        #expect(copies.allSatisfy { recipient, ids in ids.allSatisfy { $0 == stored[recipient] } }, "every copy has its planned Message-ID")
        #expect(try site.counts(digest: 1)["sent"] == subscribers)
        print("postgres crash test: \(subscribers) subscribers, 3 senders, \(kills) kills, \(messages.count) messages, \(duplicates) duplicates")
    }

    /// PostgreSQL restarted in the middle of a send: the workers reconnect and the send
    /// completes, nobody lost.
    @Test func aRestartOfThePostgreSQLServerDuringASend() throws {
        let cluster = try PostgresTestServer()
        defer { cluster.stop() }
        let url = try cluster.makeDatabase()
        let subscribers = 600
        let server = try SMTPTestServer(.init(slowData: 0.005, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2, commitBatch: 4, storeURL: url)
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        let send = try site.start("digest", "send", "hebdo")
        let deadline = Date().addingTimeInterval(60)
        while try server.messageCount() < subscribers / 3, Date() < deadline { usleep(5_000) }
        try #require(send.isRunning, "\(send.stdout)\(send.stderr)")
        try cluster.restart()
        #expect(send.wait(timeout: 180) == 0, "\(send.stdout)\(send.stderr.suffix(3000))")
        let recipients = try server.received(includingRejected: true).flatMap(\.rcptTo)
        #expect(Set(recipients) == Set((0..<subscribers).map { "s\($0)@example.org" }))
        #expect(recipients.count - Set(recipients).count <= site.concurrency, "\(recipients.count - Set(recipients).count) duplicates")
        #expect(try site.counts(digest: 1)["sent"] == subscribers)
    }

    /// Two instances (two schedule services, each with its own connection pool) on one store,
    /// with the same schedule and a clock the test moves: the digest is planned once.
    @Test func twoInstancesPlanAScheduledDigestOnce() async throws {
        let url = try PostgresTestServer.sharedServer().makeDatabase()
        defer { try? PostgresTestServer.sharedServer().dropDatabase(url) }
        let site = try DeliverySite(port: 9, storeURL: url)
        defer { site.remove() }
        try site.importSubscribers(0..<3)
        let configuration = try ScheduleServiceTests.configuration(site)
        let start = Date().addingTimeInterval(-7 * 86_400)
        let fire = try #require(try CronExpression("0 8 * * MON").nextFire(after: start, in: ScheduleServiceTests.paris))
        var tasks: [Task<Void, any Error>] = []
        var stores: [any HeraldStore] = []
        for _ in 0..<2 {
            let store = try await configuration.openStore()
            stores.append(store)
            let clock = ScheduleServiceTests.JumpingClock(start: start, jumps: 1)
            let service = ScheduleService(configuration: configuration, store: store, logger: ScheduleServiceTests.logger, clock: clock)
            tasks.append(Task { try await service.run() })
        }
        defer { for task in tasks { task.cancel() } }
        let deadline = Date().addingTimeInterval(30)
        while try await stores[0].digests().isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        // Both instances have had their time to fire.
        try await Task.sleep(for: .seconds(2))
        let digests = try await stores[1].digests()
        #expect(digests.count == 1, "\(digests.map(\.digest.id))")
        #expect(digests.first?.digest.trigger == .schedule && digests.first?.digest.windowEnd == fire)
        #expect(try await stores[0].lastScheduledFire(newsletterID: "hebdo") == fire)
    }

    /// SQLite → PostgreSQL → SQLite with `herald store copy`: the same counts, the same digest
    /// history, and links mailed before the copy still work after it.
    @Test func copyingAStoreThereAndBack() throws {
        let url = try PostgresTestServer.sharedServer().makeDatabase()
        defer { try? PostgresTestServer.sharedServer().dropDatabase(url) }
        let server = try SMTPTestServer()
        defer { server.stop() }
        let site = try DeliverySite(port: server.port)
        defer { site.remove() }
        try site.importSubscribers(0..<25)
        #expect(try site.herald("digest", "send", "hebdo").status == 0)
        let before = try site.herald("digest", "list", "--json").stdout
        let folder = site.site.folder.url
        let there = try ProcessResult.run(
            Repository.heraldBinary, ["store", "copy", "--from", "sqlite:var/herald.sqlite", "--to", url], in: folder)
        #expect(there.status == 0, "\(there.stdout)\(there.stderr)")
        #expect(there.stdout.contains("subscribers: 25 copied, 25 found"), "\(there.stdout)")
        #expect(there.stdout.contains("deliveries: 25 copied") && there.stdout.contains("token key: copied"), "\(there.stdout)")
        // Copying again into a store that is not empty is refused, changing nothing.
        let again = try ProcessResult.run(
            Repository.heraldBinary, ["store", "copy", "--from", "sqlite:var/herald.sqlite", "--to", url], in: folder)
        #expect(again.status == 1 && again.stderr.contains("not empty"), "\(again.stderr)")
        let back = try ProcessResult.run(
            Repository.heraldBinary, ["store", "copy", "--from", url, "--to", "sqlite:var/back.sqlite"], in: folder)
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")

        // The same history, read through each copy.
        for storeJSON in [#"{ "url": "\#(url)" }"#, #"{ "path": "var/back.sqlite" }"#] {
            var config = try String(contentsOfFile: site.config, encoding: .utf8)
            config = config.replacingOccurrences(of: #"{ "path": "var/herald.sqlite" }"#, with: storeJSON)
            try config.write(to: folder.appendingPathComponent("copy.json"), atomically: true, encoding: .utf8)
            let list = try ProcessResult.run(Repository.heraldBinary, ["digest", "list", "--json", "--config", "copy.json"], in: folder)
            #expect(list.stdout == before, "\(storeJSON)")
            let status = try ProcessResult.run(Repository.heraldBinary, ["subscribers", "list", "--json", "--config", "copy.json"], in: folder)
            #expect(status.stdout.components(separatedBy: "\"email\"").count - 1 == 25)
        }
        // The key went along: the PostgreSQL store's secret is the SQLite store's token.key.
        let key = try Data(contentsOf: folder.appendingPathComponent("var/token.key"))
        let hex = try PostgresTestServer.sharedServer().psql(url, "SELECT encode(value, 'hex') FROM secret WHERE name = 'token-key'")
        #expect(hex.trimmingCharacters(in: .whitespacesAndNewlines) == key.map { String(format: "%02x", $0) }.joined())
    }
}
