import Foundation

/// The two date formats of Internet messages and feeds, written in a given time zone and
/// independent of the host's locale: RFC 3339 (Atom, JSON Feed) and RFC 5322 §3.3 (mail
/// headers; RSS 2.0's RFC 822 dates as amended by RFC 1123).
public enum InternetDate {
    /// `2026-03-14T18:30:00+01:00` (`Z` for UTC). Fractions of a second are dropped.
    public static func rfc3339(_ date: Date, in timeZone: TimeZone) -> String {
        let (civil, offsetMinutes) = local(date, in: timeZone)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        appendDigits(civil.year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTime(civil, to: &bytes)
        if offsetMinutes == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            appendOffset(offsetMinutes, separator: true, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `Fri, 27 Nov 2026 08:00:00 +0100`.
    public static func rfc5322(_ date: Date, in timeZone: TimeZone) -> String {
        var bytes: [UInt8] = []
        appendRFC5322(date, in: timeZone, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 5322 form of `date` to `output` (for writers that build bytes).
    public static func appendRFC5322(_ date: Date, in timeZone: TimeZone, to output: inout [UInt8]) {
        let (civil, offsetMinutes) = local(date, in: timeZone)
        output.append(contentsOf: dayNames[civil.weekday].utf8)
        output.append(contentsOf: ", ".utf8)
        appendDigits(civil.day, count: 2, to: &output)
        output.append(0x20)
        output.append(contentsOf: monthNames[civil.month - 1].utf8)
        output.append(0x20)
        appendDigits(civil.year, count: 4, to: &output)
        output.append(0x20)
        appendTime(civil, to: &output)
        output.append(0x20)
        appendOffset(offsetMinutes, separator: false, to: &output)
    }

    /// The wall-clock time of `date` in `timeZone`. The offset is written in whole minutes; a
    /// historical offset with seconds (local mean time) is rounded, and the time shown follows
    /// the rounded offset, so that the instant stays exact.
    private static func local(_ date: Date, in timeZone: TimeZone) -> (CivilTime, Int) {
        let offsetMinutes = Int((Double(timeZone.secondsFromGMT(for: date)) / 60).rounded())
        return (CivilTime(date, offsetSeconds: offsetMinutes * 60), offsetMinutes)
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func appendTime(_ civil: CivilTime, to output: inout [UInt8]) {
        appendDigits(civil.hour, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(civil.minute, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(civil.second, count: 2, to: &output)
    }

    private static func appendOffset(_ minutes: Int, separator: Bool, to output: inout [UInt8]) {
        output.append(minutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        appendDigits(abs(minutes) / 60, count: 2, to: &output)
        if separator { output.append(UInt8(ascii: ":")) }
        appendDigits(abs(minutes) % 60, count: 2, to: &output)
    }

    private static func appendDigits(_ value: Int, count: Int, to output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = abs(value)
        while divisor > 0 {
            output.append(UInt8(truncatingIfNeeded: 0x30 + rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
