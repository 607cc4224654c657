import Foundation

/// The date-time of RFC 5322 §3.3: `Fri, 27 Nov 2026 08:00:00 +0100`.
///
/// Computed with integer arithmetic on the civil calendar rather than a `DateFormatter`,
/// which would be slower and would depend on the locale. Fractions of a second are dropped.
public enum RFC5322DateFormat {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` as seen in `timeZone`, with that zone's offset from UTC.
    /// - Throws: `MailError.invalidHeaderValue` for a date outside the years 1900–9999,
    ///   which RFC 5322 cannot write.
    public static func string(from date: Date, in timeZone: TimeZone) throws(MailError) -> String {
        var bytes: [UInt8] = []
        try append(date, in: timeZone, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ date: Date, in timeZone: TimeZone, to output: inout [UInt8]) throws(MailError) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 1e13 else { throw outOfRange() }
        let seconds = Int(interval.rounded(.down))
        // The zone is written in whole minutes; a historical offset with seconds (local mean
        // time) is rounded, and the local time shown follows the rounded offset, so the
        // instant stays exact.
        let offsetMinutes = Int((Double(timeZone.secondsFromGMT(for: date)) / 60).rounded())
        let local = seconds + offsetMinutes * 60
        let days = local.floorDivided(by: 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        guard (1900...9999).contains(year) else { throw outOfRange() }
        let weekday = (days + 4).floorModulo(7)  // 1970-01-01 was a Thursday

        output.append(contentsOf: dayNames[weekday].utf8)
        output.append(contentsOf: ", ".utf8)
        appendTwoDigits(day, to: &output)
        output.append(MailCharacters.space)
        output.append(contentsOf: monthNames[month - 1].utf8)
        output.append(MailCharacters.space)
        appendTwoDigits(year / 100, to: &output)
        appendTwoDigits(year % 100, to: &output)
        output.append(MailCharacters.space)
        appendTwoDigits(secondOfDay / 3600, to: &output)
        output.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60, to: &output)
        output.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay % 60, to: &output)
        output.append(MailCharacters.space)
        output.append(offsetMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        appendTwoDigits(abs(offsetMinutes) / 60, to: &output)
        appendTwoDigits(abs(offsetMinutes) % 60, to: &output)
    }

    private static func outOfRange() -> MailError {
        .invalidHeaderValue(field: "Date", reason: "RFC 5322 can only write years 1900 to 9999; use a real date")
    }

    private static func appendTwoDigits(_ value: Int, to output: inout [UInt8]) {
        output.append(UInt8(truncatingIfNeeded: 0x30 + value / 10))
        output.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    /// Proleptic Gregorian year, month (1–12) and day from days since 1970-01-01
    /// (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int {
    /// Division rounding toward negative infinity (dates before 1970 have negative days).
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int) -> Int {
        self - floorDivided(by: divisor) * divisor
    }
}
