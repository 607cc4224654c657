import CivilCalendar
import Foundation
import Testing
@testable import Posts

@Suite struct PostDateTests {
    let paris = PostDate(timeZone: TimeZone(identifier: "Europe/Paris")!)

    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date(offsetSeconds: 0)
    }

    @Test func dateOnlyIsMidnightInTheSiteTimeZone() {
        // Winter: Paris is UTC+1.
        #expect(paris.parse("2026-01-15") == utc(2026, 1, 14, 23))
        // Summer: UTC+2.
        #expect(paris.parse("2026-07-15") == utc(2026, 7, 14, 22))
    }

    @Test func localTimes() {
        #expect(paris.parse("2026-03-14 18:30") == utc(2026, 3, 14, 17, 30))
        #expect(paris.parse("2026-03-14T18:30:05") == utc(2026, 3, 14, 17, 30, 5))
        #expect(paris.parse(" 2026-03-14 9:05 ") == utc(2026, 3, 14, 8, 5))
    }

    @Test func explicitZones() {
        #expect(paris.parse("2026-03-14T18:30:00Z") == utc(2026, 3, 14, 18, 30))
        #expect(paris.parse("2026-03-14T18:30:00+02:00") == utc(2026, 3, 14, 16, 30))
        #expect(paris.parse("2026-03-14 18:30:00 -0500") == utc(2026, 3, 14, 23, 30))
        #expect(paris.parse("2026-03-14T18:30:00.250+01") == utc(2026, 3, 14, 17, 30).addingTimeInterval(0.25))
    }

    @Test func daylightSavingGapMovesForward() {
        // 2026-03-29 02:30 does not exist in Paris (clocks jump from 02:00 to 03:00): 03:30+02:00.
        #expect(paris.parse("2026-03-29 02:30") == utc(2026, 3, 29, 1, 30))
    }

    @Test func daylightSavingOverlapTakesTheFirstInstant() {
        // 2026-10-25 02:30 happens twice in Paris; the first is 02:30+02:00.
        #expect(paris.parse("2026-10-25 02:30") == utc(2026, 10, 25, 0, 30))
    }

    @Test func midnightChangeKeepsTheDay() {
        // Cairo moves its clocks at midnight: a date-only post must stay on its own day.
        let cairo = PostDate(timeZone: TimeZone(identifier: "Africa/Cairo")!)
        let date = cairo.parse("2026-04-24")!
        let zone = TimeZone(identifier: "Africa/Cairo")!
        let civil = CivilTime(date, offsetSeconds: zone.secondsFromGMT(for: date))
        #expect((civil.year, civil.month, civil.day) == (2026, 4, 24))
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-1-1x", "hier", "2026-03-14 25:00", "2026-03-14 10:00 +25:00", ""])
    func rejectsBadDates(text: String) {
        #expect(paris.parse(text) == nil)
    }

    @Test func fileNamePrefix() {
        #expect(paris.parseFileNamePrefix("2026-09-05-forum.md") == utc(2026, 9, 4, 22))
        #expect(paris.parseFileNamePrefix("forum.md") == nil)
        #expect(paris.parseFileNamePrefix("2026-09-05.md") == nil)
    }

    @Test func civilTimeRoundTripsEveryDayFrom1900To2100() {
        var date = utc(1900, 1, 1, 12)
        let end = utc(2100, 12, 31)
        while date < end {
            let civil = CivilTime(date, offsetSeconds: 0)
            #expect(civil.isValid)
            #expect(civil.date(offsetSeconds: 0) == date)
            date.addTimeInterval(86_400 * 7 + 3_601)
        }
        #expect(CivilTime(utc(2024, 2, 29, 23, 59, 59), offsetSeconds: 3600) == CivilTime(year: 2024, month: 3, day: 1, hour: 0, minute: 59, second: 59))
    }
}
