/// config.json cannot be used. `description` names the file and the key path
/// (`mail.transport.url`), says what was found and what is expected.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The configuration file, as the user named it.
    public var file: String
    /// Dotted key path with list indexes (`newsletters[1].schedule`); empty for the whole file.
    public var keyPath: String
    public var message: String

    public init(file: String, keyPath: String, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): error: \(message)" : "\(file): error: \(keyPath): \(message)"
    }
}
