import Posts

/// config.json cannot be used. `description` names the file and the key path
/// (`mail.transport.url`), says what was found and what is expected.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The configuration file, as the user named it.
    public var file: String
    /// Dotted key path with list indexes (`newsletters[1].schedule`); empty for the whole file.
    public var keyPath: String
    public var message: String
    /// Where the key is written in the file (1-based; 1:1 when the problem is the whole file).
    public var line: Int
    public var column: Int

    public init(file: String, keyPath: String, message: String, line: Int = 1, column: Int = 1) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL: error: KEY.PATH: MESSAGE`, the format of every diagnostic Herald prints,
    /// on one line: escaped like a post's `Diagnostic`.
    public var description: String {
        let location = "\(DiagnosticText.escapedFileName(file)):\(line):\(column): error: "
        return location + DiagnosticText.escaped(keyPath.isEmpty ? message : "\(keyPath): \(message)")
    }
}
