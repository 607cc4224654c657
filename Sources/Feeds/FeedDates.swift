import Foundation
import Posts

/// The two date formats feeds use, written in the site's time zone so that readers show the
/// author's wall-clock time: RFC 3339 (Atom, JSON Feed) and RFC 822 as amended by RFC 1123
/// (RSS 2.0). Independent of the host's locale.
struct FeedDates {
    let timeZone: TimeZone

    /// `2026-03-14T18:30:00+01:00`.
    func rfc3339(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let civil = CivilTime(date, offsetSeconds: offset)
        var text = "\(Self.fourDigits(civil.year))-\(Self.twoDigits(civil.month))-\(Self.twoDigits(civil.day))"
        text += "T\(Self.twoDigits(civil.hour)):\(Self.twoDigits(civil.minute)):\(Self.twoDigits(civil.second))"
        if offset == 0 { return text + "Z" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        return text + "\(sign)\(Self.twoDigits(magnitude / 60)):\(Self.twoDigits(magnitude % 60))"
    }

    /// `Sat, 14 Mar 2026 18:30:00 +0100`.
    func rfc822(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let civil = CivilTime(date, offsetSeconds: offset)
        let days = Int(((date.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down))
        let weekday = Self.weekdays[((days % 7) + 7 + 4) % 7]
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset) / 60
        return "\(weekday), \(Self.twoDigits(civil.day)) \(Self.months[civil.month - 1]) \(Self.fourDigits(civil.year)) "
            + "\(Self.twoDigits(civil.hour)):\(Self.twoDigits(civil.minute)):\(Self.twoDigits(civil.second)) "
            + "\(sign)\(Self.twoDigits(magnitude / 60))\(Self.twoDigits(magnitude % 60))"
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    static func fourDigits(_ value: Int) -> String {
        let text = String(value)
        return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
    }
}
