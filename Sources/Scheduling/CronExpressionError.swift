/// A schedule that cannot be parsed, or that could never fire.
///
/// `column` points at the offending token in the text as written, so that a caller can place
/// it inside its own diagnostic: `config.json: newsletters[0].schedule: column 7: …`. The
/// message says what was found and what is expected instead.
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based position of the offending token in the original string, counted in `Character`s
    /// (what an editor shows as one character). One past the end when something is missing.
    public var column: Int
    /// What is wrong and what to write instead, without the column.
    public var message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    /// `column 7: day of month 32 is out of range 1–31`.
    public var description: String { "column \(column): \(message)" }
}
