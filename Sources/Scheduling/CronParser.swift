/// Reads the text of a cron expression into its five fields, keeping each token's position so
/// that an error points at the token that caused it.
///
/// The syntax is Vixie cron's (cronie's): `*`, numbers, lists, ranges, steps, month and weekday
/// names, 0 and 7 for Sunday, and the `@` aliases. Quartz's extensions (`?`, `L`, `W`, `#`, a
/// seconds field) are rejected rather than guessed at.
enum CronParser {
    /// The five fields of an alias, as Vixie cron defines them.
    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// A run of the original text; `startIndex + 1` is its column.
    typealias Token = ArraySlice<Character>

    static func parse(_ text: String) throws(CronExpressionError) -> [CronField] {
        let characters = Array(text)
        let words = characters.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else {
            throw CronExpressionError(
                column: 1, message: "the schedule is empty; expected 5 fields (minute hour day-of-month month day-of-week) such as \"0 8 * * MON\", or an alias such as @daily")
        }
        if first.first == "@" {
            return try alias(first, rest: words.dropFirst())
        }
        guard words.count == 5 else {
            let fields = "expected 5 fields (minute hour day-of-month month day-of-week) such as \"0 8 * * MON\", found \(words.count)"
            if words.count < 5 {
                throw CronExpressionError(column: characters.count + 1, message: fields)
            }
            // Quartz and some libraries put seconds first or a year last; Herald fires on minutes.
            throw CronExpressionError(
                column: column(words[5]), message: fields + "; schedules have no seconds or year field")
        }
        var fields: [CronField] = []
        for (kind, word) in zip(CronField.Kind.allCases, words) {
            fields.append(try field(kind, word))
        }
        try checkCanFire(daysOfMonth: fields[2], months: fields[3], daysOfWeek: fields[4], words: Array(words))
        return fields
    }

    static func column(_ token: Token) -> Int { token.startIndex + 1 }

    private static func alias(_ word: Token, rest: ArraySlice<Token>) throws(CronExpressionError) -> [CronField] {
        let name = String(word).lowercased()
        if name == "@reboot" {
            throw CronExpressionError(
                column: column(word),
                message: "@reboot runs when a machine starts, which a newsletter schedule cannot mean; use a time such as \"0 8 * * MON\" or @daily")
        }
        guard let fields = aliases[name] else {
            let known = aliases.keys.sorted().joined(separator: ", ")
            throw CronExpressionError(column: column(word), message: "unknown alias \"\(String(word))\"; expected one of \(known)")
        }
        if let extra = rest.first {
            throw CronExpressionError(
                column: column(extra), message: "nothing may follow \(name), found \"\(String(extra))\"")
        }
        // The aliases' own text is known to be valid.
        let characters = Array(fields)
        return zip(CronField.Kind.allCases, characters.split(separator: " ")).map { try! field($0, $1) }
    }

    private static func field(_ kind: CronField.Kind, _ word: Token) throws(CronExpressionError) -> CronField {
        var bits: UInt64 = 0
        for item in word.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw CronExpressionError(
                    column: column(item), message: "empty item in the \(kind.name) list \"\(String(word))\"; remove the extra ','")
            }
            bits |= try self.item(kind, item)
        }
        return CronField(bits: bits, startsWithStar: word.first == "*")
    }

    /// One list item: `*`, `N`, `A-B`, each with an optional `/STEP`.
    private static func item(_ kind: CronField.Kind, _ item: Token) throws(CronExpressionError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 2 {
            throw CronExpressionError(
                column: column(parts[2]) - 1, message: "only one '/' step is allowed in \"\(String(item))\"")
        }
        let base = parts[0]
        var step = 1
        if parts.count == 2 {
            step = try self.step(kind, parts[1], after: item)
        }
        let low: Int
        var high: Int
        if base == ["*"] {
            (low, high) = (kind.range.lowerBound, kind.range.upperBound)
        } else if base.first == "*" {
            throw CronExpressionError(
                column: column(base), message: "'*' stands alone or before a step such as \"*/15\", found \"\(String(base))\"")
        } else if base.isEmpty {
            throw CronExpressionError(
                column: column(base), message: "expected '*', a \(kind.name) or a range before '/', such as \"*/15\" or \"10-40/10\"")
        } else if let dash = base.firstIndex(of: "-") {
            let end = base[(dash + 1)...]
            if let second = end.firstIndex(of: "-") {
                throw CronExpressionError(column: second + 1, message: "a range has one '-', found \"\(String(base))\"")
            }
            low = try value(kind, base[..<dash]).value
            let (endValue, isName) = try value(kind, end)
            // MON-SUN: a range that ends on Sunday by name means the end of the week (7).
            high = kind == .dayOfWeek && isName && endValue == 0 && low > 0 ? 7 : endValue
            guard low <= high else {
                let sunday = kind == .dayOfWeek && high == 0 ? " (7 is Sunday too: \"\(low)-7\")" : ""
                throw CronExpressionError(
                    column: column(base),
                    message: "the \(kind.name) range \"\(String(base))\" goes backwards; ranges do not wrap around, so write the smaller value first or use two ranges\(sunday)")
            }
        } else {
            low = try value(kind, base).value
            // Vixie cron: "5/10" is "5-LAST/10".
            high = parts.count == 2 ? kind.range.upperBound : low
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) {
            // 7 is Sunday too; keep one bit per weekday.
            bits |= 1 << UInt64(kind == .dayOfWeek && value == 7 ? 0 : value)
        }
        return bits
    }

    private static func step(_ kind: CronField.Kind, _ token: Token, after item: Token) throws(CronExpressionError) -> Int {
        let span = kind.range.upperBound - kind.range.lowerBound + 1
        guard !token.isEmpty else {
            throw CronExpressionError(column: column(token), message: "expected a step after '/' in \"\(String(item))\", such as \"*/15\"")
        }
        guard token.allSatisfy(\.isASCIIDigit), let step = Int(String(token.prefix(6))), token.count <= 6 else {
            throw CronExpressionError(
                column: column(token), message: "the step \"\(String(token))\" is not a whole number; expected 1–\(span)")
        }
        guard step > 0 else {
            throw CronExpressionError(column: column(token), message: "a step of 0 never advances; expected 1–\(span)")
        }
        guard step <= span else {
            throw CronExpressionError(
                column: column(token), message: "the step \(step) is larger than the \(kind.name) range \(kind.range.lowerBound)–\(kind.range.upperBound)")
        }
        return step
    }

    /// A number or a name; `isName` so that a range can read a final SUN as 7.
    private static func value(_ kind: CronField.Kind, _ token: Token) throws(CronExpressionError) -> (value: Int, isName: Bool) {
        guard !token.isEmpty else {
            throw CronExpressionError(column: column(token), message: "expected a \(kind.name) (\(kind.expected))")
        }
        let text = String(token)
        if token.allSatisfy(\.isASCIIDigit) {
            guard token.count <= 6, let number = Int(text), kind.range.contains(number) else {
                throw CronExpressionError(column: column(token), message: "\(kind.name) \(text) is out of range \(kind.range.lowerBound)–\(kind.range.upperBound)")
            }
            return (number, false)
        }
        if token.allSatisfy(\.isASCIILetter) {
            if let index = kind.names.firstIndex(of: text.uppercased()) {
                return (kind.range.lowerBound + index, true)
            }
            guard !kind.names.isEmpty else {
                throw CronExpressionError(column: column(token), message: "\(kind.name) \"\(text)\" is not a number; expected \(kind.expected)")
            }
            let hint = token.count > 3 ? "; use three-letter names such as \(kind.names[1])" : ""
            throw CronExpressionError(
                column: column(token), message: "unknown \(kind.name) name \"\(text)\"; expected \(kind.expected)\(hint)")
        }
        let offending = token.first { !$0.isASCIIDigit && !$0.isASCIILetter }!
        let position = token.firstIndex(of: offending)!
        throw CronExpressionError(
            column: position + 1,
            message: "unexpected \"\(offending)\" in the \(kind.name) \"\(text)\"; expected numbers, names, '*', ',', '-' and '/' (Quartz's ?, L, W and # are not supported)")
    }

    /// Rejects a day of month that no chosen month has (`0 0 30 2 *`) when the day-of-week
    /// field cannot rescue it. Feb 29 is allowed: it comes back every leap year.
    private static func checkCanFire(
        daysOfMonth: CronField, months: CronField, daysOfWeek: CronField, words: [Token]
    ) throws(CronExpressionError) {
        // With both day fields restricted either one matching is enough, and every weekday
        // occurs in every month; with `*` in the day of month, day 1 is allowed.
        if !daysOfMonth.startsWithStar && !daysOfWeek.startsWithStar { return }
        let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let possible = months.values.contains { month in
            daysOfMonth.next(atOrAfter: 1).map { $0 <= longest[month - 1] } ?? false
        }
        guard !possible else { return }
        throw CronExpressionError(
            column: column(words[2]),
            message: "day of month \"\(String(words[2]))\" never occurs in month \"\(String(words[3]))\", so the schedule would never fire")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
