import CivilCalendar
import Foundation
import PropertyBased
import Scheduling
import Testing

/// `nextFire` against a brute-force walk: for generated schedules and instants, the fire time
/// is the first minute at which a walk over the zone's real clock, minute by minute, sees the
/// schedule's wall-clock time come up for the first time.
@Suite struct NextFirePropertyTests {
    /// How far the brute-force walk goes: the generated schedules mostly fire within a week.
    static let window: TimeInterval = 8 * 86_400

    /// Instants anywhere in 2000–2040 (a third), or near one of the zone's daylight-saving
    /// transitions (the first or second of a year), where the rules bite: within a day and a
    /// bit (a third), or from three hours before to one after (a third).
    static func instants(in zone: TimeZone) -> Generator<Date, some SendableSequenceType> {
        zip(Gen.int(in: 0...2), Gen.int(in: 2000...2040), Gen.int(in: 0...(366 * 86_400)), Gen.int(in: -100_000...100_000)).map {
            nearness, year, intoYear, shift in
            let january = CivilTime(year: year, month: 1, day: 1).date(offsetSeconds: 0)
            if nearness > 0, let first = zone.nextDaylightSavingTimeTransition(after: january) {
                let second = zone.nextDaylightSavingTimeTransition(after: first)
                let transition = (intoYear % 2 == 0 ? second : nil) ?? first
                let close = nearness == 1 ? shift : shift.mod(4 * 3600) - 3 * 3600
                return transition.addingTimeInterval(TimeInterval(close))
            }
            return january.addingTimeInterval(TimeInterval(intoYear) + TimeInterval(shift % 1000) / 1000)
        }
    }

    static let schedules = Gen.int(in: 0...9_999).array(of: 40...40).map(GeneratedSchedule.init(numbers:))

    /// The first whole minute after `date` and up to `end` at which `zone`'s clock reaches a
    /// time the schedule names that it had not shown before (a jump forward reaches every
    /// time it skips). The walk starts three hours early to know what the clock already showed.
    static func bruteForce(_ schedule: GeneratedSchedule, in zone: TimeZone, after date: Date, through end: Date) -> Date? {
        func wall(_ t: Int) -> Int { t + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }
        func civil(_ wall: Int) -> CivilTime { CivilTime(Date(timeIntervalSince1970: TimeInterval(wall)), offsetSeconds: 0) }
        let after = Int(date.timeIntervalSince1970.rounded(.down))
        var t = after - after.mod(60) - 3 * 3600
        var shown = wall(t)  // the latest wall-clock time the clock has shown
        while TimeInterval(t) < end.timeIntervalSince1970 {
            t += 60
            // Up to `end` and no further (the step may pass it when `end` is not on a minute).
            if TimeInterval(t) > end.timeIntervalSince1970 { break }
            let now = wall(t)
            guard now > shown else { continue }  // a repeated time
            let reached = stride(from: shown + 60, through: now, by: 60).contains { schedule.matches(civil($0)) }
            shown = now
            if reached && t > after && TimeInterval(t) > date.timeIntervalSince1970 { return Date(timeIntervalSince1970: TimeInterval(t)) }
        }
        return nil
    }

    @Test(arguments: ["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe"])
    func nextFireIsTheFirstMatchingMinute(zoneName: String) async throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        await propertyCheck(count: 150, input: Self.schedules, Self.instants(in: zone)) { schedule, date in
            let cron = try CronExpression(schedule.text)
            let fire = try #require(cron.nextFire(after: date, in: zone), "\(schedule) after \(date)")
            #expect(fire > date)
            #expect(fire.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0)
            // The fire time's wall clock is a scheduled time, or the clock jumped over one there.
            let offset = zone.secondsFromGMT(for: fire)
            let local = CivilTime(fire, offsetSeconds: offset)
            let jump = offset - zone.secondsFromGMT(for: fire.addingTimeInterval(-1))
            let skipped = stride(from: 60, through: max(jump, 0), by: 60).contains {
                schedule.matches(CivilTime(fire.addingTimeInterval(-TimeInterval($0)), offsetSeconds: offset))
            }
            #expect(schedule.matches(local) || skipped, "\(schedule) fired at \(InternetDate.rfc3339(fire, in: zone))")
            #expect(cron.matches(local) == schedule.matches(local))
            // Nothing fires in between, and the walk finds the same minute.
            let end = min(fire, date.addingTimeInterval(Self.window))
            let walked = Self.bruteForce(schedule, in: zone, after: date, through: end)
            #expect(walked == (fire <= end ? fire : nil), "\(schedule) after \(InternetDate.rfc3339(date, in: zone)): \(InternetDate.rfc3339(fire, in: zone)), walk \(walked.map { InternetDate.rfc3339($0, in: zone) } ?? "nil")")
        }
    }

    /// Searching again from a fire time never returns it, nor anything earlier: each scheduled
    /// time fires once, including in repeated hours.
    @Test(arguments: ["Europe/Paris", "America/New_York"])
    func firesStrictlyIncrease(zoneName: String) async throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        await propertyCheck(count: 100, input: Self.schedules, Self.instants(in: zone)) { schedule, date in
            let cron = try CronExpression(schedule.text)
            var previous = date
            for _ in 0..<20 {
                let next = try #require(cron.nextFire(after: previous, in: zone))
                #expect(next > previous)
                // Nothing scheduled is left between two fires: searching from just before the
                // later one (but after the earlier) finds the later one.
                #expect(cron.nextFire(after: max(previous, next.addingTimeInterval(-1)), in: zone) == next)
                previous = next
            }
        }
    }
}

extension Int {
    fileprivate func mod(_ n: Int) -> Int { ((self % n) + n) % n }
}
