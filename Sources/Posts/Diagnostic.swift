/// A problem found in a post or in the configuration, located precisely enough for an editor
/// to jump to it.
///
/// Its `description` is the compiler-style line `FILE:LINE:COL: error: MESSAGE` that
/// `herald check` and `herald build` print, always one line: file name and message are
/// escaped with `DiagnosticText`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is. An error keeps the post out of every output; a warning
    /// does not.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// The file, as given to the reader (usually relative to the working directory).
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column, counted in Unicode scalars; 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `FILE:LINE:COL: error: MESSAGE`; the position is `1:1` when the problem is about the whole file,
    /// so that tools that parse this format always find three fields. Control characters, line
    /// breaks and backslashes are escaped in both, and `:` in the file name (see `DiagnosticText`).
    public var description: String {
        "\(DiagnosticText.escapedFileName(file)):\(max(line, 1)):\(max(column, 1)): \(severity.rawValue): "
            + DiagnosticText.escaped(message)
    }
}

extension Diagnostic {
    static func error(_ file: String, line: Int = 0, column: Int = 0, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .error, message: message)
    }

    static func warning(_ file: String, line: Int = 0, column: Int = 0, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .warning, message: message)
    }
}
