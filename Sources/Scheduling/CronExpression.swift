import CivilCalendar
import Foundation

/// A five-field cron schedule (minute, hour, day of month, month, day of week), as Vixie cron
/// and cronie read it.
///
/// Each field takes `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `10-40/10`,
/// and `5/10` for `5-LAST/10`); the month takes `JAN`–`DEC` and the day of week `SUN`–`SAT`
/// (case-insensitive, in ranges too: `MON-FRI`, `MON-SUN`), with 0 and 7 both Sunday. Fields
/// are separated by any whitespace. The aliases `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight` and `@hourly` stand for their usual five fields.
///
/// The day rule is Vixie cron's: when both the day of month and the day of week are
/// restricted, a day matches if *either* matches (`0 0 13 * FRI` fires on every 13th and on
/// every Friday); a day field written starting with `*` (`*`, `*/2`) counts as unrestricted,
/// and then both must match (`0 0 */2 * MON` fires on Mondays that fall on an odd day).
///
/// Parsing rejects what could never fire in any year (`0 0 30 2 *`); `0 0 29 2 *` is valid and
/// fires in leap years.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as it was given.
    public let text: String
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// Parses `text`; the error's column points at the offending token.
    public init(_ text: String) throws(CronExpressionError) {
        let fields = try CronParser.parse(text)
        self.text = text
        minutes = fields[0]
        hours = fields[1]
        daysOfMonth = fields[2]
        months = fields[3]
        daysOfWeek = fields[4]
    }

    /// The text as it was given.
    public var description: String { text }

    /// Whether the schedule names this wall-clock time (seconds are ignored). Says nothing about
    /// daylight saving: ``nextFire(after:in:)`` decides what a time that is skipped or repeated
    /// in a time zone does.
    public func matches(_ time: CivilTime) -> Bool {
        minutes.contains(time.minute) && hours.contains(time.hour) && months.contains(time.month)
            && dayMatches(time)
    }

    /// The day rule alone (month and time of day not checked).
    func dayMatches(_ time: CivilTime) -> Bool {
        let dayOfMonth = daysOfMonth.contains(time.day)
        let dayOfWeek = daysOfWeek.contains(time.weekday)
        if daysOfMonth.startsWithStar || daysOfWeek.startsWithStar { return dayOfMonth && dayOfWeek }
        return dayOfMonth || dayOfWeek
    }
}
