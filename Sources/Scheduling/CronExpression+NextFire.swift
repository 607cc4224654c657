import CivilCalendar
import Foundation

extension CronExpression {
    /// How many years ahead ``nextFire(after:in:)`` looks: the 28-year cycle after which
    /// weekdays and leap years repeat (within a century), so that a bounded search still finds
    /// a Feb 29 that must also be a Sunday (`0 0 29 2 */7`).
    public static let horizonYears = 28

    /// The first instant strictly after `date` at which the schedule fires in `timeZone`, or
    /// `nil` when it does not fire within ``horizonYears`` years of `date`. Only a Feb 29 that
    /// must also be a given weekday is that rare, and only across a century year that is not a
    /// leap year: `0 0 29 2 */7` fires on 2088-02-29 and then not before 2128, so after
    /// 2088-02-29 the answer is `nil`.
    ///
    /// Fire times fall on whole minutes of the zone's wall clock. Daylight saving follows one
    /// rule: a scheduled wall-clock time fires at the first instant the zone's clock shows that
    /// time or a later one. So each scheduled time fires at most once:
    /// - in a repeated hour (autumn), only the first occurrence fires: `30 1 * * *` in New York
    ///   fires at 01:30 EDT and not again at 01:30 EST;
    /// - a time that does not exist (spring gap) fires once, at the transition: `30 2 * * *` in
    ///   Paris on 2026-03-29 fires at 03:00 CEST (01:00 UTC); several skipped times fire once
    ///   together, and merge with a time that matches at the end of the gap (`*/15 1-3 * * *`
    ///   fires at 01:45 CET, then once at 03:00 CEST for 02:00–03:00, then at 03:15 CEST).
    ///
    /// Calendar fields are stepped month by month, day by day and hour by hour, never minute by
    /// minute, and the time zone is asked only for the candidate found.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        let here = CivilTime(date, offsetSeconds: timeZone.secondsFromGMT(for: date))
        var start = CivilTime(year: here.year, month: here.month, day: here.day, hour: here.hour, minute: here.minute)
            .advancedByOneMinute
        let lastYear = here.year + Self.horizonYears
        while let candidate = firstMatch(atOrAfter: start, throughYear: lastYear) {
            let fire = Self.firstInstant(showing: candidate, in: timeZone)
            if fire > date { return fire }
            // The clock already showed this time before `date`, which lies in the second pass
            // of a repeated hour: the time has fired, try the next one. At most the matching
            // minutes of one repeated stretch land here.
            start = candidate.advancedByOneMinute
        }
        return nil
    }

    /// The first wall-clock minute at or after `start` that the schedule names, ignoring time
    /// zones (every day has 24 hours of 60 minutes here).
    func firstMatch(atOrAfter start: CivilTime, throughYear lastYear: Int) -> CivilTime? {
        var (year, month, day, hour, minute) = (start.year, start.month, start.day, start.hour, start.minute)
        while year <= lastYear {
            guard let nextMonth = months.next(atOrAfter: month), nextMonth <= 12 else {
                (year, month, day, hour, minute) = (year + 1, 1, 1, 0, 0)
                continue
            }
            if nextMonth != month { (month, day, hour, minute) = (nextMonth, 1, 0, 0) }
            let length = Self.daysIn(year: year, month: month)
            while day <= length && !dayMatches(CivilTime(year: year, month: month, day: day)) {
                (day, hour, minute) = (day + 1, 0, 0)
            }
            guard day <= length else {
                (month, day, hour, minute) = (month + 1, 1, 0, 0)
                if month > 12 { (year, month) = (year + 1, 1) }
                continue
            }
            guard let nextHour = hours.next(atOrAfter: hour), nextHour <= 23 else {
                (day, hour, minute) = (day + 1, 0, 0)
                continue
            }
            if nextHour != hour { (hour, minute) = (nextHour, 0) }
            guard let nextMinute = minutes.next(atOrAfter: minute), nextMinute <= 59 else {
                (hour, minute) = (hour + 1, 0)
                continue
            }
            return CivilTime(year: year, month: month, day: day, hour: hour, minute: nextMinute)
        }
        return nil
    }

    /// The first instant at which `timeZone`'s clock shows `time` or later: the instant itself
    /// for an ordinary time, the first of two in a repeated hour, and the transition for a time
    /// inside a gap.
    static func firstInstant(showing time: CivilTime, in timeZone: TimeZone) -> Date {
        // `time` read as UTC; the instant sought is `wall - offset` for the offset in force then.
        let wall = Int(time.date(offsetSeconds: 0).timeIntervalSince1970)
        // No offset reaches a day, so the instant lies within a day of `wall`: walk the
        // stretches of constant offset across that window, in order, and take the first one
        // whose clock reaches `time`. Within a stretch the clock runs forward steadily.
        let window = 26 * 3600
        var stretchStart = wall - window
        var offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(stretchStart)))
        while true {
            let transition = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(stretchStart)))
                .map { Int($0.timeIntervalSince1970.rounded(.down)) }
            let stretchEnd = transition.map { $0 > stretchStart ? $0 : Int.max } ?? Int.max
            let reached = max(stretchStart, wall - offset)
            if reached < stretchEnd || stretchEnd > wall + window {
                return Date(timeIntervalSince1970: TimeInterval(reached))
            }
            stretchStart = stretchEnd
            offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(stretchStart)))
        }
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension CivilTime {
    /// The wall-clock minute after this one (seconds dropped), across day, month and year ends.
    fileprivate var advancedByOneMinute: CivilTime {
        let next = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute).date(offsetSeconds: 0)
        return CivilTime(next.addingTimeInterval(60), offsetSeconds: 0)
    }
}
