import Foundation

/// Reads one JSON object of config.json, key by key, and refuses keys it was not asked about.
///
/// Every accessor names the full key path in its errors, so that a user reading
/// `feeds.limit: expected a whole number from 1 to 10000, found "50"` knows exactly what to fix.
struct ConfigReader {
    let file: String
    let path: String
    private let values: [String: JSONValue]
    private var consumed: Set<String> = []

    init(file: String, path: String, value: JSONValue?) throws(ConfigurationError) {
        self.file = file
        self.path = path
        switch value {
        case .object(let object)?: values = object
        case nil, .null?: values = [:]
        case let other?: throw ConfigurationError(file: file, keyPath: path, message: "expected an object, found \(other.kind)")
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, keyPath: keyPath(key), message: message)
    }

    var isEmpty: Bool { values.isEmpty }

    /// Whether `key` is present with a value other than `null` (which counts as missing).
    func has(_ key: String) -> Bool {
        if case .null? = values[key] { return false }
        return values[key] != nil
    }

    mutating func raw(_ key: String) -> JSONValue? {
        consumed.insert(key)
        if case .null? = values[key] { return nil }
        return values[key]
    }

    mutating func object(_ key: String) throws(ConfigurationError) -> ConfigReader {
        try ConfigReader(file: file, path: keyPath(key), value: raw(key))
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        switch raw(key) {
        case nil: return nil
        case .string(let text)?: return text
        case let other?: throw error(key, "expected a string, found \(other.kind)")
        }
    }

    mutating func string(_ key: String, default fallback: String) throws(ConfigurationError) -> String {
        try string(key) ?? fallback
    }

    mutating func requiredString(_ key: String, hint: String) throws(ConfigurationError) -> String {
        guard let text = try string(key) else { throw error(key, "missing; \(hint)") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty; \(hint)") }
        return text
    }

    mutating func bool(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        switch raw(key) {
        case nil: return fallback
        case .bool(let flag)?: return flag
        case let other?: throw error(key, "expected true or false, found \(other.kind)")
        }
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>, default fallback: Int) throws(ConfigurationError) -> Int {
        switch raw(key) {
        case nil: return fallback
        case .number(let number)? where Int(exactly: number).map(range.contains) == true:
            return Int(exactly: number)!
        case let other?:
            throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(Self.show(other))")
        }
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>, default fallback: Double) throws(ConfigurationError) -> Double {
        switch raw(key) {
        case nil: return fallback
        case .number(let number)? where range.contains(number): return number
        case let other?:
            throw error(key, "expected a number from \(range.lowerBound) to \(range.upperBound), found \(Self.show(other))")
        }
    }

    mutating func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        switch raw(key) {
        case nil: return nil
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw ConfigurationError(
                        file: file, keyPath: "\(keyPath(key))[\(index)]", message: "expected a string, found \(item.kind)")
                }
                result.append(text)
            }
            return result
        case let other?: throw error(key, "expected a list of strings, found \(other.kind)")
        }
    }

    mutating func objects(_ key: String) throws(ConfigurationError) -> [ConfigReader] {
        switch raw(key) {
        case nil: return []
        case .array(let items)?:
            var readers: [ConfigReader] = []
            for (index, item) in items.enumerated() {
                readers.append(try ConfigReader(file: file, path: "\(keyPath(key))[\(index)]", value: item))
            }
            return readers
        case let other?: throw error(key, "expected a list of objects, found \(other.kind)")
        }
    }

    /// Fails on the first key that no accessor asked for (sorted, so the message is stable).
    func finish() throws(ConfigurationError) {
        let known = consumed.sorted()
        for key in values.keys.sorted() where !consumed.contains(key) {
            let suggestion = known.first { $0.lowercased() == key.lowercased() }.map { "; did you mean '\($0)'?" } ?? ""
            throw error(key, "unknown key\(suggestion) (known keys here: \(known.joined(separator: ", ")))")
        }
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .number(let number): return Int(exactly: number).map(String.init) ?? String(number)
        default: return value.kind
        }
    }
}
