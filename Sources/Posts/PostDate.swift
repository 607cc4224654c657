import CivilCalendar
import Foundation

/// Parses the dates authors write in front matter.
///
/// Accepted: `2026-03-14`, `2026-03-14 18:30`, `2026-03-14T18:30:05`, with optional fractional
/// seconds, and an optional zone (`Z`, `+01:00`, `+0100`, `+01`, with or without a space before it).
/// Without a zone, the time is wall-clock time in the site's time zone; without a time, it is
/// midnight there.
public struct PostDate: Sendable {
    public var timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Why a text is not a post date.
    public enum Failure: Error, Sendable, Equatable {
        /// Not one of the accepted forms, or not a real date or time (`2026-02-30`, `12:00:60`).
        case unreadable
        /// A real date, but outside the years 0001–9999, as written or once moved to UTC or to
        /// the site's time zone: feeds write four-digit years in one of those.
        case yearOutOfRange
    }

    /// The years every feed format can write: RFC 3339 and RFC 822 dates have four digits,
    /// and year 0 does not exist in RFC 3339.
    public static let years = 1...9999

    /// The instant `text` names, or `nil` when it is not one of the accepted forms, not a real
    /// date, or outside the years feeds can write (see `read`).
    public func parse(_ text: String) -> Date? {
        try? read(text).get()
    }

    /// The instant `text` names, or why it is not a post date. Leap seconds (`:60`) are
    /// refused: `Date` cannot hold them, and feeds would show the next minute.
    public func read(_ text: String) -> Result<Date, Failure> {
        var scanner = ByteScanner(Array(text.utf8))
        scanner.skipSpaces()
        guard let year = scanner.digits(4), scanner.take(UInt8(ascii: "-")),
            let month = scanner.digits(1...2), scanner.take(UInt8(ascii: "-")),
            let day = scanner.digits(1...2)
        else { return .failure(.unreadable) }
        var civil = CivilTime(year: year, month: month, day: day)
        var offset: Int?
        if scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) || scanner.takeSpaceBeforeDigit() {
            guard let hour = scanner.digits(1...2), scanner.take(UInt8(ascii: ":")),
                let minute = scanner.digits(2)
            else { return .failure(.unreadable) }
            civil.hour = hour
            civil.minute = minute
            if scanner.take(UInt8(ascii: ":")) {
                guard let second = scanner.digits(2), second <= 59 else { return .failure(.unreadable) }
                civil.second = second
                if scanner.take(UInt8(ascii: ".")) || scanner.take(UInt8(ascii: ",")) {
                    guard let fraction = scanner.fraction() else { return .failure(.unreadable) }
                    civil.nanosecond = fraction
                }
            }
            scanner.skipSpaces()
            if !scanner.atEnd {
                guard let zone = scanner.zoneOffset() else { return .failure(.unreadable) }
                offset = zone
            }
        }
        scanner.skipSpaces()
        guard scanner.atEnd, civil.isValid else { return .failure(.unreadable) }
        guard Self.years.contains(year) else { return .failure(.yearOutOfRange) }
        let date = offset.map { civil.date(offsetSeconds: $0) } ?? civil.date(in: timeZone)
        // A zone moves an instant by less than a day: only the first and last years can leave
        // the range (9999-12-31T23:00-05:00 is year 10000 in UTC).
        if year == Self.years.lowerBound || year == Self.years.upperBound {
            let inUTC = CivilTime(date, offsetSeconds: 0).year
            let inSiteZone = CivilTime(date, offsetSeconds: timeZone.secondsFromGMT(for: date)).year
            guard Self.years.contains(inUTC), Self.years.contains(inSiteZone) else { return .failure(.yearOutOfRange) }
        }
        return .success(date)
    }

    /// The date in a file name such as `2026-09-05-fete-de-quartier.md`, as midnight in the
    /// site's time zone; `nil` when the name does not start with one.
    public func parseFileNamePrefix(_ fileName: String) -> Date? {
        let bytes = Array(fileName.utf8.prefix(11))
        guard bytes.count == 11, bytes[10] == UInt8(ascii: "-") else { return nil }
        return parse(String(decoding: bytes[0..<10], as: UTF8.self))
    }
}

/// A cursor over ASCII bytes, for the small fixed grammars of dates.
struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    /// A single space followed by a digit (the `date time` form).
    mutating func takeSpaceBeforeDigit() -> Bool {
        var probe = index
        while probe < bytes.count, bytes[probe] == 0x20 { probe += 1 }
        guard probe > index, probe < bytes.count, isDigit(bytes[probe]) else { return false }
        index = probe
        return true
    }

    mutating func digits(_ count: Int) -> Int? { digits(count...count) }

    mutating func digits(_ range: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while count < range.upperBound, index < bytes.count, isDigit(bytes[index]) {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            count += 1
        }
        return count >= range.lowerBound ? value : nil
    }

    /// Fractional seconds as nanoseconds (digits beyond the ninth are read and dropped).
    mutating func fraction() -> Int? {
        var value = 0
        var count = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if count < 9 { value = value * 10 + Int(bytes[index] - 0x30) }
            index += 1
            count += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 9) { value *= 10 }
        return value
    }

    /// `Z`, `+hh:mm`, `+hhmm` or `+hh`, in seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
        let sign: Int
        if take(UInt8(ascii: "+")) {
            sign = 1
        } else if take(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let hours = digits(2), hours <= 23 else { return nil }
        var minutes = 0
        if take(UInt8(ascii: ":")) {
            guard let m = digits(2) else { return nil }
            minutes = m
        } else if let m = digits(2) {
            minutes = m
        }
        guard minutes <= 59 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
