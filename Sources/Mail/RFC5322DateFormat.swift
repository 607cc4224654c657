import CivilCalendar
import Foundation

/// The date-time of RFC 5322 §3.3: `Fri, 27 Nov 2026 08:00:00 +0100`.
///
/// Computed with integer arithmetic on the civil calendar rather than a `DateFormatter`,
/// which would be slower and would depend on the locale. Fractions of a second are dropped.
public enum RFC5322DateFormat {
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
        let offset = Int((Double(timeZone.secondsFromGMT(for: date)) / 60).rounded()) * 60
        let year = CivilTime(date, offsetSeconds: offset).year
        guard (1900...9999).contains(year) else { throw outOfRange() }
        InternetDate.appendRFC5322(date, in: timeZone, to: &output)
    }

    private static func outOfRange() -> MailError {
        .invalidHeaderValue(field: "Date", reason: "RFC 5322 can only write years 1900 to 9999; use a real date")
    }
}
