import CivilCalendar
import Foundation
import Scheduling
import Testing

/// Next fire times, written as the zone's wall clock with its offset: each row is an
/// expression, a zone, the instant searched after, and the fire times that follow one another.
@Suite struct NextFireTests {
    @Test(arguments: [
        // Steps, ranges and lists; strictly after, whole minutes.
        ("*/15 * * * *", "UTC", "2026-01-01T00:07:30Z", ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"]),
        ("10-40/10 * * * *", "UTC", "2026-01-01T00:00:00Z", ["2026-01-01T00:10:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:10:00Z"]),
        ("5/20 * * * *", "UTC", "2026-01-01T00:05:00Z", ["2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z"]),
        ("0 8 * * *", "UTC", "2026-01-01T08:00:00Z", ["2026-01-02T08:00:00Z"]),
        ("0 8 * * *", "UTC", "2026-01-01T07:59:59Z", ["2026-01-01T08:00:00Z"]),
        ("0 8,20 1,15 * *", "UTC", "2026-01-01T09:00:00Z", ["2026-01-01T20:00:00Z", "2026-01-15T08:00:00Z", "2026-01-15T20:00:00Z", "2026-02-01T08:00:00Z"]),
        ("0 0 1 1 *", "UTC", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        ("59 23 31 12 *", "Europe/Paris", "2026-12-31T22:59:00Z", ["2027-12-31T23:59:00+01:00"]),
        // Names, case-insensitive, in ranges and lists; 0 and 7 are both Sunday.
        ("0 9 * * mon-FRI", "UTC", "2026-01-02T10:00:00Z", ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-08T09:00:00Z", "2026-01-09T09:00:00Z", "2026-01-12T09:00:00Z"]),
        ("0 12 1 Jan,JUL *", "UTC", "2026-02-01T00:00:00Z", ["2026-07-01T12:00:00Z", "2027-01-01T12:00:00Z"]),
        ("0 12 1 MAR-may/2 *", "UTC", "2026-01-01T00:00:00Z", ["2026-03-01T12:00:00Z", "2026-05-01T12:00:00Z", "2027-03-01T12:00:00Z"]),
        ("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("0 0 * * 5-7", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),
        ("0 0 * * SAT-SUN", "UTC", "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z"]),
        ("0 0 * * MON-SUN", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        // Aliases.
        ("@yearly", "UTC", "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        ("@annually", "UTC", "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        ("@monthly", "UTC", "2026-03-01T00:00:00Z", ["2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z"]),
        ("@weekly", "UTC", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("@daily", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        ("@MIDNIGHT", "UTC", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"]),
        ("  @hourly\t", "UTC", "2026-01-01T00:30:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
        // Any whitespace between fields.
        (" 0\t8 *\n*   MON ", "UTC", "2026-01-01T00:00:00Z", ["2026-01-05T08:00:00Z"]),
        // The case the property test's walk got wrong (it looked one minute past its window):
        // a week after New York's spring change of 2037.
        ("24,24/1 3-3/1 16 * *", "America/New_York", "2037-03-08T03:23:59-04:00", ["2037-03-16T03:24:00-04:00", "2037-03-16T03:25:00-04:00"]),
    ])
    func nextFires(expression: String, zone: String, after: String, expected: [String]) throws {
        #expect(try Instants.fires(expression, in: zone, after: after, count: expected.count) == expected)
    }

    /// Feb 29 fires in leap years only, and 2100 is not one.
    @Test(arguments: [
        ("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
        ("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"]),
        ("0 0 29 2 *", "UTC", "1999-03-01T00:00:00Z", ["2000-02-29T00:00:00Z"]),
        ("30 12 29 FEB *", "Europe/Paris", "2028-02-29T11:30:00Z", ["2032-02-29T12:30:00+01:00"]),
        // Vixie's AND (day of week starts with '*'): a Sunday Feb 29, 28 years apart within a
        // century, 40 across 2100: beyond the horizon.
        ("0 0 29 2 */7", "UTC", "2026-01-01T00:00:00Z", ["2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z", "2088-02-29T00:00:00Z", "nil"]),
    ])
    func february29(expression: String, zone: String, after: String, expected: [String]) throws {
        #expect(try Instants.fires(expression, in: zone, after: after, count: expected.count) == expected)
    }

    /// Vixie cron's day rule: both day fields restricted → either matches; a day field written
    /// with a leading `*` → both must match.
    @Test(arguments: [
        // April 2026: Fridays 3, 10, 17, 24; the 13th is a Monday.
        ("0 0 13 * FRI", "2026-04-01T00:00:00Z", ["2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z", "2026-05-01T00:00:00Z"]),
        // Mondays that are odd days: Feb 2 and 16 are even, Mar 2 and 16 too.
        ("0 0 */2 * MON", "2026-02-01T00:00:00Z", ["2026-02-09T00:00:00Z", "2026-02-23T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-23T00:00:00Z", "2026-04-13T00:00:00Z"]),
        // "1-31" is a restriction (it does not start with '*'): every day matches.
        ("0 0 1-31 * MON", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
        // "*/1" is not: Mondays only.
        ("0 0 */1 * MON", "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"]),
        // The 1st and 15th, and Wednesdays (Jan 2026: 7, 14, 21, 28).
        ("0 0 1,15 * WED", "2026-01-01T00:00:00Z", ["2026-01-07T00:00:00Z", "2026-01-14T00:00:00Z", "2026-01-15T00:00:00Z", "2026-01-21T00:00:00Z"]),
        // Day of month restricted, day of week '*': the day of month alone.
        ("0 0 31 * *", "2026-01-01T00:00:00Z", ["2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"]),
        // Both restricted, with a month: Fridays of February or the 30th (never), i.e. Fridays.
        ("0 0 30 2 FRI", "2026-01-01T00:00:00Z", ["2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z", "2026-02-27T00:00:00Z", "2027-02-05T00:00:00Z"]),
    ])
    func eitherDayRule(expression: String, after: String, expected: [String]) throws {
        #expect(try Instants.fires(expression, in: "UTC", after: after, count: expected.count) == expected)
    }

    /// Spring forward: Paris 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); New York 2026-03-08
    /// 02:00 EST → 03:00 EDT (07:00Z). A skipped time fires once at the transition, several
    /// skipped times fire once, and merge with a time matching at the end of the gap.
    @Test(arguments: [
        ("30 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
        ("0 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
        ("30 2 * * *", "Europe/Paris", "2026-03-29T01:00:00Z", ["2026-03-30T02:30:00+02:00"]),
        ("30 2 * * *", "Europe/Paris", "2026-03-29T00:59:59Z", ["2026-03-29T03:00:00+02:00"]),
        ("0 * * * *", "Europe/Paris", "2026-03-29T00:30:00Z", ["2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"]),
        ("*/15 1-3 * * *", "Europe/Paris", "2026-03-29T00:20:00Z", ["2026-03-29T01:30:00+01:00", "2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:15:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-29T03:45:00+02:00", "2026-03-30T01:00:00+02:00"]),
        ("15,45 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", ["2026-03-29T03:00:00+02:00", "2026-03-30T02:15:00+02:00"]),
        ("30 3 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", ["2026-03-29T03:30:00+02:00"]),
        ("30 1 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", ["2026-03-29T01:30:00+01:00"]),
        ("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        ("0 * * * *", "America/New_York", "2026-03-08T06:30:00Z", ["2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"]),
        ("*/15 1-3 * * *", "America/New_York", "2026-03-08T06:40:00Z", ["2026-03-08T01:45:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:15:00-04:00"]),
        ("30 1 * * *", "America/New_York", "2026-03-07T12:00:00Z", ["2026-03-08T01:30:00-05:00", "2026-03-09T01:30:00-04:00"]),
    ])
    func springForward(expression: String, zone: String, after: String, expected: [String]) throws {
        #expect(try Instants.fires(expression, in: zone, after: after, count: expected.count) == expected)
    }

    /// Fall back: Paris 2026-10-25 03:00 CEST → 02:00 CET (01:00Z), New York 2026-11-01 02:00
    /// EDT → 01:00 EST (06:00Z). A repeated time fires on its first pass only, whether the
    /// search starts before the repeated hour, inside its first pass or inside its second.
    @Test(arguments: [
        ("30 2 * * *", "Europe/Paris", "2026-10-24T12:00:00Z", ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
        ("30 2 * * *", "Europe/Paris", "2026-10-25T00:45:00Z", ["2026-10-26T02:30:00+01:00"]),
        ("30 2 * * *", "Europe/Paris", "2026-10-25T01:15:00Z", ["2026-10-26T02:30:00+01:00"]),
        ("0 * * * *", "Europe/Paris", "2026-10-24T23:30:00Z", ["2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00"]),
        ("*/15 1-3 * * *", "Europe/Paris", "2026-10-25T00:40:00Z", ["2026-10-25T02:45:00+02:00", "2026-10-25T03:00:00+01:00", "2026-10-25T03:15:00+01:00"]),
        ("*/15 1-3 * * *", "Europe/Paris", "2026-10-25T01:20:00Z", ["2026-10-25T03:00:00+01:00"]),
        ("30 3 * * *", "Europe/Paris", "2026-10-24T12:00:00Z", ["2026-10-25T03:30:00+01:00"]),
        ("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        ("30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z", ["2026-11-02T01:30:00-05:00"]),
        ("0 * * * *", "America/New_York", "2026-11-01T03:30:00Z", ["2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"]),
        ("*/15 1-3 * * *", "America/New_York", "2026-11-01T05:40:00Z", ["2026-11-01T01:45:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T02:15:00-05:00"]),
        ("30 2 * * *", "America/New_York", "2026-10-31T12:00:00Z", ["2026-11-01T02:30:00-05:00"]),
    ])
    func fallBack(expression: String, zone: String, after: String, expected: [String]) throws {
        #expect(try Instants.fires(expression, in: zone, after: after, count: expected.count) == expected)
    }

    /// The DST examples above, pinned in UTC too (so a wrong offset in the formatter could not
    /// hide a wrong instant).
    @Test func gapFiresAtTheTransitionInstant() throws {
        let paris = TimeZone(identifier: "Europe/Paris")!
        let fire = try CronExpression("30 2 * * *").nextFire(after: Instants.date("2026-03-28T12:00:00Z"), in: paris)
        #expect(fire == Instants.date("2026-03-29T01:00:00Z"))
        let newYork = TimeZone(identifier: "America/New_York")!
        let repeated = try CronExpression("30 1 * * *").nextFire(after: Instants.date("2026-10-31T12:00:00Z"), in: newYork)
        #expect(repeated == Instants.date("2026-11-01T05:30:00Z"))
    }

    /// A zone whose clock moves by 30 minutes (Lord Howe Island, 2026-04-05 02:00 +11 → 01:30
    /// +10:30, 2026-10-04 02:00 +10:30 → 02:30 +11).
    @Test func halfHourTransitions() throws {
        #expect(try Instants.fires("*/20 1-2 * * *", in: "Australia/Lord_Howe", after: "2026-04-04T14:10:00Z", count: 4)
            == ["2026-04-05T01:20:00+11:00", "2026-04-05T01:40:00+11:00", "2026-04-05T02:00:00+10:30", "2026-04-05T02:20:00+10:30"])
        #expect(try Instants.fires("*/20 1-2 * * *", in: "Australia/Lord_Howe", after: "2026-10-03T14:50:00Z", count: 3)
            == ["2026-10-04T01:40:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T02:40:00+11:00"])
    }

    /// Samoa skipped 2011-12-30 entirely: a daily schedule fires once, at the transition.
    @Test func skippedDay() throws {
        #expect(try Instants.fires("0 12 * * *", in: "Pacific/Apia", after: "2011-12-29T00:00:00Z", count: 3)
            == ["2011-12-29T12:00:00-10:00", "2011-12-31T00:00:00+14:00", "2011-12-31T12:00:00+14:00"])
    }

    /// Far from any match the search stays fast: it steps over months and days.
    @Test func rareSchedulesAreQuick() throws {
        let cron = try CronExpression("0 0 29 2 */7")
        let paris = TimeZone(identifier: "Europe/Paris")!
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for year in 2000..<2100 {
                _ = cron.nextFire(after: Instants.date("\(year)-03-01T00:00:00Z"), in: paris)
            }
        }
        // About 30 µs a call when optimised; a minute-by-minute walk would take seconds.
        #expect(elapsed < .seconds(2), "\(elapsed)")
    }

    @Test func matchesReadsTheWallClock() throws {
        let cron = try CronExpression("0 0 13 * FRI")
        #expect(cron.matches(CivilTime(year: 2026, month: 4, day: 13)))
        #expect(cron.matches(CivilTime(year: 2026, month: 4, day: 17)))
        #expect(!cron.matches(CivilTime(year: 2026, month: 4, day: 14)))
        #expect(!cron.matches(CivilTime(year: 2026, month: 4, day: 17, minute: 1)))
    }
}
