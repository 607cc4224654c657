import Foundation
import Testing
import TestSupport
import Mail

@Suite struct RFC5322DateFormatTests {
    private func format(_ seconds: TimeInterval, _ zone: String) throws -> String {
        try RFC5322DateFormat.string(from: Date(timeIntervalSince1970: seconds), in: try #require(TimeZone(identifier: zone)))
    }

    @Test func writesTheExamplesOfTheDesign() throws {
        #expect(try format(1_795_762_800, "Europe/Paris") == "Fri, 27 Nov 2026 08:00:00 +0100")
        #expect(try format(1_795_762_800, "UTC") == "Fri, 27 Nov 2026 07:00:00 +0000")
        #expect(try format(1_795_762_800.999, "UTC") == "Fri, 27 Nov 2026 07:00:00 +0000")
        #expect(try format(0, "UTC") == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(try format(-1, "UTC") == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(try format(1_709_164_800, "UTC") == "Thu, 29 Feb 2024 00:00:00 +0000")
        #expect(try format(1_795_762_800, "America/St_Johns") == "Fri, 27 Nov 2026 03:30:00 -0330")
        #expect(try format(1_795_762_800, "Asia/Kathmandu") == "Fri, 27 Nov 2026 12:45:00 +0545")
        #expect(try format(1_782_892_800, "Europe/Paris") == "Wed, 01 Jul 2026 10:00:00 +0200")
    }

    @Test func refusesYearsRFC5322CannotWrite() {
        #expect(throws: MailError.self) { try RFC5322DateFormat.string(from: Date(timeIntervalSince1970: -3_000_000_000), in: .gmt) }
        #expect(throws: MailError.self) { try RFC5322DateFormat.string(from: Date(timeIntervalSince1970: 300_000_000_000), in: .gmt) }
        #expect(throws: MailError.self) { try RFC5322DateFormat.string(from: Date(timeIntervalSince1970: .nan), in: .gmt) }
    }

    /// Compared with Foundation's `DateFormatter` on seeded random instants and zones since
    /// 1970 (when every zone's offset is a whole number of minutes).
    @Test func agreesWithDateFormatter() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss xx"
        var random = SeededGenerator(seed: 5322)
        let zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "Pacific/Chatham",
                     "America/St_Johns", "Asia/Kolkata", "Pacific/Kiritimati", "America/Sao_Paulo"]
        for _ in 0..<2000 {
            let seconds = TimeInterval(Int64.random(in: 0...7_000_000_000, using: &random))
            let zone = try #require(TimeZone(identifier: zones[Int.random(in: 0..<zones.count, using: &random)]))
            formatter.timeZone = zone
            let date = Date(timeIntervalSince1970: seconds)
            #expect(try RFC5322DateFormat.string(from: date, in: zone) == formatter.string(from: date), "\(seconds) \(zone.identifier)")
        }
    }

    /// Before 1935, St. John's was 3:30:52 behind UTC: the zone is written rounded to the
    /// minute, and the local time follows the rounded offset, so the instant is exact.
    @Test func offsetsWithSecondsKeepTheInstant() throws {
        let zone = try #require(TimeZone(identifier: "America/St_Johns"))
        let date = Date(timeIntervalSince1970: -1_900_000_000)
        let text = try RFC5322DateFormat.string(from: date, in: zone)
        #expect(text.hasSuffix(" -0331"))
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss xx"
        #expect(parser.date(from: text) == date)
    }
}
