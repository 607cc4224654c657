import CivilCalendar
import Foundation
import Scheduling

/// Test instants written as RFC 3339 text, which reads as the wall clock and its offset.
enum Instants {
    /// `2026-03-29T03:00:00+02:00` or `…Z` → the instant. Traps on anything else: the tables
    /// are written by hand.
    static func date(_ text: String) -> Date {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int { Int(String(decoding: bytes[start..<start + count], as: UTF8.self))! }
        let civil = CivilTime(
            year: number(0, 4), month: number(5, 2), day: number(8, 2), hour: number(11, 2), minute: number(14, 2),
            second: number(17, 2))
        precondition(civil.isValid && bytes.count >= 20, "bad test instant \(text)")
        var offset = 0
        if bytes[19] != UInt8(ascii: "Z") {
            offset = (number(20, 2) * 3600 + number(23, 2) * 60) * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        return civil.date(offsetSeconds: offset)
    }

    /// The instant as the zone's wall clock and offset show it.
    static func text(_ date: Date?, in zone: TimeZone) -> String {
        date.map { InternetDate.rfc3339($0, in: zone) } ?? "nil"
    }

    /// The first `count` fire times after `start`, each searched from the previous one.
    static func fires(_ expression: String, in zoneName: String, after start: String, count: Int) throws -> [String] {
        let cron = try CronExpression(expression)
        let zone = TimeZone(identifier: zoneName)!
        var result: [String] = []
        var date = Self.date(start)
        for _ in 0..<count {
            guard let next = cron.nextFire(after: date, in: zone) else {
                result.append("nil")
                break
            }
            result.append(text(next, in: zone))
            date = next
        }
        return result
    }
}
