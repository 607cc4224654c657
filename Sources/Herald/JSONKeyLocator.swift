/// Finds where each key of a JSON document is written, so that configuration errors can say
/// `config.json:12:5:` like a compiler, not only name the key path.
///
/// A tolerant scanner: it only needs to walk documents that `JSONDecoder` accepted.
struct JSONKeyLocator {
    /// Key path (`feeds.limit`, `newsletters[1].schedule`) → 1-based line and column (in
    /// Unicode scalars) of the key, or of the element for list items.
    private(set) var positions: [String: (line: Int, column: Int)] = [:]

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        skipWhitespace()
        value(path: "")
    }

    /// The position of `keyPath`, else of its nearest enclosing key, else 1:1.
    func position(of keyPath: String) -> (line: Int, column: Int) {
        var path = keyPath
        while !path.isEmpty {
            if let found = positions[path] { return found }
            if let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) {
                path = String(path[..<cut])
            } else {
                break
            }
        }
        return (1, 1)
    }

    private mutating func value(path: String) {
        guard index < bytes.count else { return }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            advance()
            skipWhitespace()
            while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                let keyPosition = (line, column)
                let key = string()
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                positions[keyPath] = keyPosition
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") { advance() }
                skipWhitespace()
                value(path: keyPath)
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") { advance() } else { break }
                skipWhitespace()
            }
            advance()
        case UInt8(ascii: "["):
            advance()
            skipWhitespace()
            var element = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                let elementPath = "\(path)[\(element)]"
                positions[elementPath] = (line, column)
                value(path: elementPath)
                skipWhitespace()
                element += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") { advance() } else { break }
                skipWhitespace()
            }
            advance()
        case UInt8(ascii: "\""):
            _ = string()
        default:
            while index < bytes.count, !",}] \t\r\n".utf8.contains(bytes[index]) { advance() }
        }
    }

    /// Reads a string token; escapes are kept as written (keys in config.json are plain).
    private mutating func string() -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return "" }
        advance()
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") { advance() }
            advance()
        }
        let text = String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self)
        advance()
        return text
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, " \t\r\n".utf8.contains(bytes[index]) { advance() }
    }

    private mutating func advance() {
        guard index < bytes.count else { return }
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
}
