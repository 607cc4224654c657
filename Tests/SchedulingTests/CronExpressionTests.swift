import CivilCalendar
import Foundation
import Scheduling
import Testing

/// Parsing: what each syntax allows, and errors with the column of the offending token.
@Suite struct CronExpressionTests {
    /// The values a schedule allows in one week of January 2026 (Thu 1st to Wed 7th) and over
    /// one day's hours and minutes, read through `matches`.
    private static func allowed(_ text: String) throws -> (minutes: [Int], hours: [Int], days: [Int], months: [Int]) {
        let cron = try CronExpression(text)
        let minutes = (0..<60).filter { minute in (0..<24).contains { cron.matches(CivilTime(year: 2026, month: 1, day: 1, hour: $0, minute: minute)) } }
        let hours = (0..<24).filter { hour in (0..<60).contains { cron.matches(CivilTime(year: 2026, month: 1, day: 1, hour: hour, minute: $0)) } }
        let firstMinute = minutes.first ?? 0, firstHour = hours.first ?? 0
        let days = (1...31).filter { cron.matches(CivilTime(year: 2026, month: 1, day: $0, hour: firstHour, minute: firstMinute)) }
        let months = (1...12).filter { month in
            (1...28).contains { cron.matches(CivilTime(year: 2026, month: month, day: $0, hour: firstHour, minute: firstMinute)) }
        }
        return (minutes, hours, days, months)
    }

    @Test func fieldSyntax() throws {
        #expect(try Self.allowed("1,15 * * * *").minutes == [1, 15])
        #expect(try Self.allowed("1-5 * * * *").minutes == [1, 2, 3, 4, 5])
        #expect(try Self.allowed("*/15 * * * *").minutes == [0, 15, 30, 45])
        #expect(try Self.allowed("10-40/10 * * * *").minutes == [10, 20, 30, 40])
        #expect(try Self.allowed("5/10 * * * *").minutes == [5, 15, 25, 35, 45, 55])
        #expect(try Self.allowed("*/60 * * * *").minutes == [0])
        #expect(try Self.allowed("0 22-23,0-1 * * *").hours == [0, 1, 22, 23])
        #expect(try Self.allowed("0 0 * 2-4,11 *").months == [2, 3, 4, 11])
        #expect(try Self.allowed("0 0 * feb-Apr,NOV *").months == [2, 3, 4, 11])
        #expect(try Self.allowed("0 0 * */5 *").months == [1, 6, 11])
        #expect(try Self.allowed("08 09 * * *").minutes == [8])
        // Jan 2026 starts on a Thursday: Sundays are the 4th, 11th, 18th, 25th.
        #expect(try Self.allowed("0 0 * * 7").days == [4, 11, 18, 25])
        #expect(try Self.allowed("0 0 * * 0").days == [4, 11, 18, 25])
        #expect(try Self.allowed("0 0 * * sun").days == [4, 11, 18, 25])
        #expect(try Self.allowed("0 0 * * 6-7").days == [3, 4, 10, 11, 17, 18, 24, 25, 31])
        #expect(try Self.allowed("0 0 * * FRI-SUN/2").days == [2, 4, 9, 11, 16, 18, 23, 25, 30])
        #expect(try Self.allowed("0 0 * * TUE/3").days == [2, 6, 9, 13, 16, 20, 23, 27, 30])
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"), ("@Daily", "0 0 * * *"),
    ])
    func aliasesStandForTheirFields(alias: String, fields: String) throws {
        let paris = TimeZone(identifier: "Europe/Paris")!
        let (a, b) = (try CronExpression(alias), try CronExpression(fields))
        var (x, y) = (Instants.date("2026-02-27T13:17:00Z"), Instants.date("2026-02-27T13:17:00Z"))
        for _ in 0..<5 {
            x = try #require(a.nextFire(after: x, in: paris))
            y = try #require(b.nextFire(after: y, in: paris))
            #expect(x == y)
        }
        #expect(a.description == alias)
    }

    /// Each error names the column of its token and what was expected.
    @Test(arguments: [
        ("0 0 32 * *", 5, "day of month 32 is out of range 1–31"),
        ("30 08 32 * *", 7, "day of month 32 is out of range 1–31"),
        ("60 * * * *", 1, "minute 60 is out of range 0–59"),
        ("0 24 * * *", 3, "hour 24 is out of range 0–23"),
        ("0 0 0 * *", 5, "day of month 0 is out of range 1–31"),
        ("0 0 * 13 *", 7, "month 13 is out of range 1–12"),
        ("0 0 * * 8", 9, "day of week 8 is out of range 0–7"),
        ("0 0 1-32 * *", 7, "day of month 32 is out of range 1–31"),
        ("0 0 * * 99999999999999999999", 9, "day of week 99999999999999999999 is out of range 0–7"),
        ("5-1 * * * *", 1, "the minute range \"5-1\" goes backwards"),
        ("0 0 * * FRI-MON", 9, "the day of week range \"FRI-MON\" goes backwards"),
        ("0 0 * * 5-0", 9, "(7 is Sunday too: \"5-7\")"),
        ("0 0 * DEC-JAN *", 7, "the month range \"DEC-JAN\" goes backwards"),
        ("*/0 * * * *", 3, "a step of 0 never advances; expected 1–60"),
        ("0 10-20/0 * * *", 9, "a step of 0 never advances; expected 1–24"),
        ("*/61 * * * *", 3, "the step 61 is larger than the minute range 0–59"),
        ("*/ * * * *", 3, "expected a step after '/'"),
        ("*/x * * * *", 3, "the step \"x\" is not a whole number"),
        ("1/2/3 * * * *", 4, "only one '/' step is allowed"),
        ("/5 * * * *", 1, "expected '*', a minute or a range before '/'"),
        ("1,,2 * * * *", 3, "empty item in the minute list \"1,,2\""),
        ("1, * * * *", 3, "empty item in the minute list"),
        ("0 ,1 * * *", 3, "empty item in the hour list"),
        ("1- * * * *", 3, "expected a minute (0–59)"),
        ("-1 * * * *", 1, "expected a minute (0–59)"),
        ("1-2-3 * * * *", 4, "a range has one '-'"),
        ("*5 * * * *", 1, "'*' stands alone or before a step"),
        ("0 0 * * FRY", 9, "unknown day of week name \"FRY\"; expected 0–7 or SUN–SAT"),
        ("0 0 * * MONDAY", 9, "use three-letter names such as MON"),
        ("0 0 * JANUARY *", 7, "unknown month name \"JANUARY\"; expected 1–12 or JAN–DEC"),
        ("0 0 * * JAN", 9, "unknown day of week name \"JAN\""),
        ("0 0 MON * *", 5, "day of month \"MON\" is not a number; expected 1–31"),
        ("0 0 ? * *", 5, "unexpected \"?\" in the day of month"),
        ("0 0 * * 5#3", 10, "unexpected \"#\" in the day of week"),
        ("0 0 1.5 * *", 6, "unexpected \".\""),
        ("0 8 * *", 8, "expected 5 fields (minute hour day-of-month month day-of-week) such as \"0 8 * * MON\", found 4"),
        ("", 1, "the schedule is empty"),
        ("   ", 1, "the schedule is empty"),
        ("0 0 8 * * MON", 11, "found 6; schedules have no seconds or year field"),
        ("0 8 * * * 2026", 11, "found 6"),
        ("@reboot", 1, "@reboot runs when a machine starts"),
        ("  @REBOOT", 3, "@reboot runs when a machine starts"),
        ("@fortnightly", 1, "unknown alias \"@fortnightly\"; expected one of @annually, @daily, @hourly, @midnight, @monthly, @weekly, @yearly"),
        ("@daily 8", 8, "nothing may follow @daily, found \"8\""),
        ("0 0 30 2 *", 5, "day of month \"30\" never occurs in month \"2\", so the schedule would never fire"),
        ("0 0 31 4,6,9,11 *", 5, "day of month \"31\" never occurs in month \"4,6,9,11\""),
        ("0 0 30-31 FEB */2", 5, "never occurs in month \"FEB\""),
        ("0 0 é * *", 5, "unexpected \"é\""),
    ])
    func errorsPointAtTheToken(text: String, column: Int, message: String) {
        #expect {
            _ = try CronExpression(text)
        } throws: { error in
            guard let error = error as? CronExpressionError else { return false }
            return error.column == column && error.message.contains(message)
                && error.description == "column \(column): \(error.message)"
        }
    }

    @Test func errorDescriptionIsColumnThenMessage() {
        #expect(throws: CronExpressionError(column: 7, message: "day of month 32 is out of range 1–31")) {
            try CronExpression("30 08 32 * *")
        }
        #expect(CronExpressionError(column: 7, message: "day of month 32 is out of range 1–31").description
            == "column 7: day of month 32 is out of range 1–31")
    }

    /// What parses although it looks unusual: Feb 29, a day field that cannot meet its month
    /// but is rescued by the day of week, names in any case.
    @Test(arguments: ["0 0 29 2 *", "0 0 31 4 MON", "0 0 1-31 FEB *", "0 0 30 2 1", "0 0 * * mon-sun", "@hourly", "\t0\t0\t*\t*\t*\t"])
    func accepted(text: String) throws {
        #expect(try CronExpression(text).text == text)
    }
}
