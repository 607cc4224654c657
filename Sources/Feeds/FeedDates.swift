import CivilCalendar
import Foundation

/// The two date formats feeds use, written in the site's time zone so that readers show the
/// author's wall-clock time: RFC 3339 (Atom, JSON Feed) and RFC 822 as amended by RFC 1123
/// (RSS 2.0), which is RFC 5322's date-time.
struct FeedDates {
    let timeZone: TimeZone

    /// `2026-03-14T18:30:00+01:00`.
    func rfc3339(_ date: Date) -> String { InternetDate.rfc3339(date, in: timeZone) }

    /// `Sat, 14 Mar 2026 18:30:00 +0100`.
    func rfc822(_ date: Date) -> String { InternetDate.rfc5322(date, in: timeZone) }
}
