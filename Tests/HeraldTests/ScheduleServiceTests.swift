import Foundation
import Herald
import Logging
import Scheduling
import Store
import Synchronization
import Testing
import TestSupport

/// Schedules fired with a clock the test controls, end to end: the digest planned at the fire
/// time (trigger `schedule`) and delivered to a real SMTP server.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ScheduleServiceTests {
    /// A clock that jumps to the end of each wait, `jumps` times, then waits until cancelled.
    final class JumpingClock: ScheduleClock {
        private let state: Mutex<(now: Date, jumps: Int)>

        init(start: Date, jumps: Int) { state = Mutex((start, jumps)) }

        func now() -> Date { state.withLock { $0.now } }

        func sleep(until date: Date) async {
            let jumped = state.withLock { state in
                guard state.jumps > 0 else { return false }
                state.jumps -= 1
                state.now = max(state.now, date)
                return true
            }
            if !jumped { try? await Task.sleep(for: .seconds(3600)) }
        }
    }

    static let paris = TimeZone(identifier: "Europe/Paris")!

    /// The site's configuration with a Monday-08:00 schedule, and renderers from the built binary.
    static func configuration(_ site: DeliverySite, catchUpHours: Double = 24) throws -> Configuration {
        setenv("HERALD_MARKDOWN_WORKER", Repository.heraldBinary, 1)
        var configuration = try Configuration.load(path: site.config)
        configuration.newsletters[0].schedule = try CronExpression("0 8 * * MON")
        configuration.newsletters[0].catchUp = .seconds(catchUpHours * 3600)
        return configuration
    }

    /// Runs the service until the store holds a digest (or `timeout` seconds), then stops it.
    static func runUntilPlanned(_ service: ScheduleService, store: SQLiteStore, timeout: Double = 30) async throws -> Digest? {
        let task = Task { try await service.run() }
        defer { task.cancel() }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let digest = try await store.digests().first?.digest { return digest }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    static var logger: Logger { Logger(label: "test") { _ in JournalLogHandler { _ in } } }

    @Test func firesAtItsTimeAndTheDigestIsDelivered() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let site = try DeliverySite(port: server.port)
        defer { site.remove() }
        try site.importSubscribers(0..<5)
        try site.post("ancien.md", title: "Un billet plus ancien", daysAgo: 12)
        let configuration = try Self.configuration(site)
        let store = try SQLiteStore(path: site.storePath)
        // A week ago, so that the fire (and the deliveries it queues) is due by the real clock.
        let start = Date().addingTimeInterval(-7 * 86_400)
        let fire = try #require(try CronExpression("0 8 * * MON").nextFire(after: start, in: Self.paris))
        let clock = JumpingClock(start: start, jumps: 1)
        let service = ScheduleService(configuration: configuration, store: store, logger: Self.logger, clock: clock)
        let digest = try #require(try await Self.runUntilPlanned(service, store: store))
        #expect(digest.trigger == .schedule)
        #expect(digest.windowEnd == fire, "planned at the fire time, \(fire)")
        #expect(try await store.lastScheduledFire(newsletterID: "hebdo") == fire)
        // A second process taking the same fire is refused.
        #expect(try await store.takeScheduledFire(newsletterID: "hebdo", fireAt: fire, at: Date()) == false)

        let done = try await DigestSending(configuration: configuration, store: store)
            .deliver(digestID: digest.id, retryHorizon: 0, stop: StopSignal()) { _ in }
        #expect(done.sent == 5)
        #expect(Set(try server.received().flatMap(\.rcptTo)).count == 5)
    }

    @Test(arguments: [(24.0, true), (1.0, false)])
    func aMissedFireIsMadeUpOnlyWhenRecent(catchUpHours: Double, madeUp: Bool) async throws {
        let site = try DeliverySite(port: 9)
        defer { site.remove() }
        try site.importSubscribers(0..<2)
        let configuration = try Self.configuration(site, catchUpHours: catchUpHours)
        let store = try SQLiteStore(path: site.storePath)
        let schedule = try CronExpression("0 8 * * MON")
        // Last week's fire was taken; this week's came while Herald was stopped, 2 hours ago.
        let thisWeek = try #require(schedule.nextFire(after: Date().addingTimeInterval(-7 * 86_400), in: Self.paris))
        let lastWeek = thisWeek.addingTimeInterval(-7 * 86_400)
        #expect(try await store.takeScheduledFire(newsletterID: "hebdo", fireAt: lastWeek, at: lastWeek))
        let clock = JumpingClock(start: thisWeek.addingTimeInterval(2 * 3600), jumps: 0)
        let service = ScheduleService(configuration: configuration, store: store, logger: Self.logger, clock: clock)
        let digest = try await Self.runUntilPlanned(service, store: store, timeout: madeUp ? 30 : 3)
        #expect((digest != nil) == madeUp)
        if let digest { #expect(digest.trigger == .schedule && digest.windowEnd == thisWeek.addingTimeInterval(2 * 3600)) }
        // Made up or skipped, the fire is taken: it is not considered again.
        #expect(try await store.lastScheduledFire(newsletterID: "hebdo") == thisWeek)
    }
}
