/// The values one of the five fields of a cron expression allows, as a bit set.
struct CronField: Sendable, Hashable {
    /// Which field, with its range and names: what parsing checks and error messages quote.
    enum Kind: Int, Sendable, CaseIterable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        /// As error messages name it.
        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day of month"
            case .month: "month"
            case .dayOfWeek: "day of week"
            }
        }

        /// The values that may be written. Day of week accepts 7 as well as 0 for Sunday.
        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// Three-letter names (upper case), first for the lowest value; empty when none.
        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// How the range reads in messages: `1–31`, or `0–7 or SUN–SAT`.
        var expected: String {
            let numbers = "\(range.lowerBound)–\(range.upperBound)"
            guard let first = names.first, let last = names.last else { return numbers }
            return "\(numbers) or \(first)–\(last)"
        }
    }

    /// Bit `n` set when value `n` is allowed (day of week: 0–6, Sunday folded from 7 to 0).
    var bits: UInt64
    /// Whether the field was written starting with `*` (`*`, `*/2`). Vixie cron's day rule
    /// looks at the text, not at the values: `*/1` and `1-31` allow the same days of the month,
    /// but only the second one counts as a restriction.
    var startsWithStar: Bool

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest allowed value at or after `value`, if any.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let remaining = bits >> UInt64(max(value, 0))
        guard remaining != 0 else { return nil }
        return max(value, 0) + remaining.trailingZeroBitCount
    }

    /// The allowed values, in increasing order.
    var values: [Int] { (0..<64).filter(contains) }
}
