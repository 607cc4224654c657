import CivilCalendar

/// A cron expression built from generated numbers, together with the values each field allows,
/// worked out here from how the text was built (not by the parser), so that property tests have
/// a model to check `CronExpression` against.
///
/// The schedules are dense enough to fire within days: every month is allowed, and the day
/// fields are combined so that most schedules fire at least weekly.
struct GeneratedSchedule: Sendable, CustomStringConvertible {
    var text: String
    var minutes: Set<Int>
    var hours: Set<Int>
    var daysOfMonth: Set<Int>
    /// 0–6, Sunday 0 (7 folded).
    var daysOfWeek: Set<Int>
    var dayOfMonthStar: Bool
    var dayOfWeekStar: Bool

    var description: String { text }

    /// Vixie cron's reading, written independently of `CronExpression.matches`.
    func matches(_ time: CivilTime) -> Bool {
        guard minutes.contains(time.minute), hours.contains(time.hour) else { return false }
        let dom = daysOfMonth.contains(time.day)
        let dow = daysOfWeek.contains(time.weekday)
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow
    }

    /// Reads numbers from the generated list, round and round.
    private struct Dice {
        var numbers: [Int]
        var position = 0
        mutating func roll(_ sides: Int) -> Int {
            defer { position += 1 }
            return numbers.isEmpty ? 0 : numbers[position % numbers.count] % sides
        }
        mutating func roll(in range: ClosedRange<Int>) -> Int { range.lowerBound + roll(range.count) }
    }

    private static let months = ["*", "*/1", "1-12", "JAN-DEC", "jan-Jun,JUL-dec", "1-6,7/1"]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    init(numbers: [Int]) {
        var dice = Dice(numbers: numbers)
        let minute = Self.field(0...59, names: nil, star: dice.roll(4) == 0, dice: &dice)
        let hour = Self.field(0...23, names: nil, star: dice.roll(4) == 0, dice: &dice)
        let dom: (text: String, values: Set<Int>)
        let dow: (text: String, values: Set<Int>)
        let mode = dice.roll(4)
        switch mode {
        case 0:  // day of month '*': the day of week alone
            dom = ("*", Set(1...31))
            dow = Self.field(0...7, names: Self.weekdayNames, star: dice.roll(3) == 0, dice: &dice)
        case 1:  // both restricted: either one
            dom = Self.field(1...31, names: nil, star: false, dice: &dice)
            dow = Self.field(0...7, names: Self.weekdayNames, star: false, dice: &dice)
        case 2:  // '*/k' in the day of month: both must match
            let step = dice.roll(in: 1...3)
            dom = ("*/\(step)", Set(stride(from: 1, through: 31, by: step)))
            dow = dice.roll(2) == 0 ? ("*", Set(0...6)) : Self.field(0...7, names: Self.weekdayNames, star: true, dice: &dice)
        default:  // the day of month alone
            dom = Self.field(1...31, names: nil, star: false, dice: &dice)
            dow = ("*", Set(0...6))
        }
        let month = Self.months[dice.roll(Self.months.count)]
        let separators = [" ", "  ", "\t"]
        var text = minute.text
        for next in [hour.text, dom.text, month, dow.text] {
            text += separators[dice.roll(separators.count)] + next
        }
        self.text = text
        minutes = minute.values
        hours = hour.values
        daysOfMonth = dom.values
        daysOfWeek = Set(dow.values.map { $0 % 7 })
        dayOfMonthStar = dom.text.hasPrefix("*")
        dayOfWeekStar = dow.text.hasPrefix("*")
    }

    /// One field: `*`, `*/s`, or a list of one to three items `a`, `a-b`, `a-b/s`, `a/s`,
    /// numbers or (where the field has them) names.
    private static func field(
        _ range: ClosedRange<Int>, names: [String]?, star: Bool, dice: inout Dice
    ) -> (text: String, values: Set<Int>) {
        if star {
            let step = dice.roll(2) == 0 ? 1 : dice.roll(in: 1...range.count)
            let text = step == 1 && dice.roll(2) == 0 ? "*" : "*/\(step)"
            return (text, Set(stride(from: range.lowerBound, through: range.upperBound, by: step)))
        }
        func written(_ value: Int, end: Bool) -> String {
            // A name for about a third of the values; SUN stands for 7 only at the end of a range.
            guard let names, dice.roll(3) == 0 else { return String(value) }
            if value == 7 { return end ? names[0] : "7" }
            return names[value]
        }
        var items: [String] = []
        var values = Set<Int>()
        for _ in 0..<dice.roll(in: 1...3) {
            let a = dice.roll(in: range)
            switch dice.roll(4) {
            case 0:
                items.append(written(a, end: false))
                values.insert(a)
            case 1:
                let b = dice.roll(in: a...range.upperBound)
                items.append("\(written(a, end: false))-\(written(b, end: a > 0))")
                values.formUnion(a...b)
            case 2:
                let b = dice.roll(in: a...range.upperBound)
                let step = dice.roll(in: 1...range.count)
                items.append("\(written(a, end: false))-\(written(b, end: a > 0))/\(step)")
                values.formUnion(stride(from: a, through: b, by: step))
            default:
                let step = dice.roll(in: 1...range.count)
                items.append("\(written(a, end: false))/\(step)")
                values.formUnion(stride(from: a, through: range.upperBound, by: step))
            }
        }
        return (items.joined(separator: ","), values)
    }
}
