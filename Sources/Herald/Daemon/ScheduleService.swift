import CivilCalendar
import Digests
import Foundation
import Logging
import Scheduling
import ServiceLifecycle
import Store

/// Fires each newsletter's `schedule` in its time zone: at each fire time, the one process that
/// takes the fire in the store plans the digest (trigger `schedule`), and the delivery service
/// sends it. A fire missed while the daemon was down is made up at start when it is at most
/// `catchUpHours` late, and skipped with a log line otherwise.
public struct ScheduleService: Service {
    let configuration: Configuration
    let store: any HeraldStore
    let logger: Logger
    let clock: any ScheduleClock

    public init(configuration: Configuration, store: any HeraldStore, logger: Logger, clock: any ScheduleClock = SystemScheduleClock()) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        let scheduled = configuration.newsletters.filter { $0.schedule != nil }
        await withTaskGroup(of: Void.self) { group in
            for newsletter in scheduled {
                group.addTask { await run(newsletter) }
            }
        }
    }

    private func run(_ newsletter: NewsletterSettings) async {
        guard let schedule = newsletter.schedule else { return }
        let zone = newsletter.timeZone ?? configuration.site.timeZone
        var tagged = self.logger
        tagged[metadataKey: "newsletter"] = "\(newsletter.id)"
        let logger = tagged
        await catchUp(newsletter, schedule: schedule, zone: zone, logger: logger)
        let start = clock.now()
        await cancelWhenGracefulShutdown {
            var after = start
            while !Task.isCancelled {
                guard let next = schedule.nextFire(after: after, in: zone) else {
                    logger.warning("the schedule \"\(schedule)\" never fires again")
                    return
                }
                logger.info("next digest", metadata: ["at": "\(Self.describe(next, in: zone))"])
                await clock.sleep(until: next)
                if Task.isCancelled { return }
                await fire(newsletter, at: next, logger: logger)
                after = max(next, clock.now())
            }
        }
    }

    /// Makes up the latest fire missed since the last one taken, when it is recent enough.
    private func catchUp(_ newsletter: NewsletterSettings, schedule: CronExpression, zone: TimeZone, logger: Logger) async {
        let now = clock.now()
        let last: Date?
        do {
            last = try await store.lastScheduledFire(newsletterID: newsletter.id)
        } catch {
            logger.error("cannot read the last scheduled digest: \(error.description)")
            return
        }
        // A first start has missed nothing.
        guard var cursor = last else { return }
        var missed: Date?
        // Bounded: a schedule every minute, down for a year, is half a million steps at most.
        for _ in 0..<1_000_000 {
            guard let next = schedule.nextFire(after: cursor, in: zone), next <= now else { break }
            missed = next
            cursor = next
        }
        guard let missed else { return }
        let late = now.timeIntervalSince(missed)
        if late <= Double(newsletter.catchUp.components.seconds) {
            logger.notice("the digest due at \(Self.describe(missed, in: zone)) was missed while Herald was stopped: sending it now")
            await fire(newsletter, at: missed, logger: logger)
        } else {
            logger.notice(
                "the digest due at \(Self.describe(missed, in: zone)) is \(Int(late / 3600)) h late (more than catchUpHours): skipped; its posts go in the next one")
            _ = try? await store.takeScheduledFire(newsletterID: newsletter.id, fireAt: missed, at: now)
        }
    }

    private func fire(_ newsletter: NewsletterSettings, at fireAt: Date, logger: Logger) async {
        do {
            guard try await store.takeScheduledFire(newsletterID: newsletter.id, fireAt: fireAt, at: clock.now()) else {
                logger.info("the digest due at \(fireAt) was already planned by another process")
                return
            }
            let outcome = try await DigestSending(configuration: configuration, store: store)
                .plan(newsletterID: newsletter.id, trigger: .schedule, now: clock.now())
            switch outcome {
            case .planned(let digest, let deliveries):
                logger.notice("digest planned", metadata: ["digest": "\(digest.id)", "deliveries": "\(deliveries)"])
            case .resumed(let digest):
                logger.notice("a digest is still sending: it goes on", metadata: ["digest": "\(digest.id)"])
            case .nothingNew:
                logger.info("no new post since the last digest: none planned")
            case .renderersUnavailable(let reason):
                logger.error("digest not planned: the Markdown renderers cannot run (\(reason)); planned at the next fire")
            }
        } catch {
            logger.error("digest not planned: \(String(describing: error))")
        }
    }

    /// `2026-12-07T08:00:00+01:00 Europe/Paris (2026-12-07T07:00:00Z)`.
    static func describe(_ date: Date, in zone: TimeZone) -> String {
        "\(InternetDate.rfc3339(date, in: zone)) \(zone.identifier) (\(InternetDate.rfc3339(date, in: .gmt)))"
    }
}
