import Foundation

/// A calendar date and wall-clock time with no time zone attached, and the proleptic
/// Gregorian arithmetic that turns it into an instant and back.
///
/// Written out (rather than going through `Calendar`) because feeds format and parse tens of
/// thousands of dates, and because the result must not depend on the host's locale.
public struct CivilTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
    }

    /// Whether the fields name a real date and time (seconds up to 60 for a leap second).
    public var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= CivilTime.daysInMonth(year: year, month: month)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...60).contains(second)
    }

    /// The wall-clock time `date` shows at `offsetSeconds` east of UTC.
    public init(_ date: Date, offsetSeconds: Int) {
        let total = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = total - days * 86_400
        let (y, m, d) = CivilTime.civil(fromDays: days)
        self.init(
            year: y, month: m, day: d, hour: secondsOfDay / 3600, minute: secondsOfDay / 60 % 60,
            second: secondsOfDay % 60)
    }

    /// The instant this wall-clock time names at a fixed offset east of UTC.
    public func date(offsetSeconds: Int) -> Date {
        let days = CivilTime.days(fromCivilYear: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanosecond) / 1e9)
    }

    /// The instant this wall-clock time names in `timeZone`. In a daylight-saving gap (a time
    /// that does not exist) it moves forward by the gap; in an overlap it takes the first of the
    /// two instants.
    public func date(in timeZone: TimeZone) -> Date {
        let asUTC = withoutNanoseconds.date(offsetSeconds: 0)
        // The offsets in force a day before and a day after bracket any transition nearby.
        let before = timeZone.secondsFromGMT(for: asUTC.addingTimeInterval(-86_400))
        let after = timeZone.secondsFromGMT(for: asUTC.addingTimeInterval(86_400))
        let candidates = Set([before, after]).map { asUTC.addingTimeInterval(TimeInterval(-$0)) }
            .filter { CivilTime($0, offsetSeconds: timeZone.secondsFromGMT(for: $0)) == self.withoutNanoseconds }
            .sorted()
        if let first = candidates.first { return first.addingTimeInterval(TimeInterval(nanosecond) / 1e9) }
        // A gap: read the time with the offset from before the change, which lands after it.
        return asUTC.addingTimeInterval(TimeInterval(-before) + TimeInterval(nanosecond) / 1e9)
    }

    private var withoutNanoseconds: CivilTime {
        var copy = self
        copy.nanosecond = 0
        return copy
    }

    /// Day of the week, 0 for Sunday to 6 for Saturday.
    public var weekday: Int {
        let days = CivilTime.days(fromCivilYear: year, month: month, day: day)
        return ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
