import CivilCalendar
import Foundation
import Posts

/// Long dates as a reader of the site's language writes them: « 24 novembre 2020 »,
/// "24 November 2020". Independent of the host's locale data.
public struct DigestDates: Sendable {
    public var language: String
    public var timeZone: TimeZone

    public init(language: String, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    /// `24 novembre 2020`; the first of the month is `1er` in French.
    public func long(_ date: Date) -> String {
        let civil = CivilTime(date, offsetSeconds: timeZone.secondsFromGMT(for: date))
        if LanguageTag.isFrench(language) {
            let day = civil.day == 1 ? "1er" : String(civil.day)
            return "\(day) \(Self.frenchMonths[civil.month - 1]) \(civil.year)"
        }
        return "\(civil.day) \(Self.englishMonths[civil.month - 1]) \(civil.year)"
    }

    static let frenchMonths = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre",
    ]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}
