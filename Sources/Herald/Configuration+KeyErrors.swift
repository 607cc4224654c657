import Foundation

extension Configuration {
    /// Finds keys in config.json as it is on disk now, for checks made after parsing.
    func keyLocator() -> JSONKeyLocator {
        JSONKeyLocator(FileManager.default.contents(atPath: file.path).map { [UInt8]($0) } ?? [])
    }

    /// A problem with the value of `key`, at its line and column in config.json.
    func error(at key: String, _ message: String, locator: JSONKeyLocator) -> ConfigurationError {
        let (line, column) = locator.position(of: key)
        return ConfigurationError(file: DisplayPath.relative(file), keyPath: key, message: message, line: line, column: column)
    }
}
