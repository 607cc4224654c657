import Foundation

/// The real feed readers the tests check Herald's output with: Python's feedparser (through
/// `Tests/Scripts/feedparser_dump.py`), the independent conformance checker
/// (`feed_conformance.py`) and libxml2's `xmllint`.
public enum FeedReaders {
    /// One feed as feedparser read it.
    public struct Parsed: Sendable {
        public var file: String
        public var bozo: Bool
        public var bozoException: String?
        public var version: String
        public var parser: String
        public var feedTitle: String?
        public var entries: [[String: JSONValue]]

        public func entry(id: String) -> [String: JSONValue]? {
            entries.first { $0["id"]?.string == id }
        }

        public var entryTitles: [String] { entries.compactMap { $0["title"]?.string } }
    }

    /// Parses each file with feedparser.
    public static func feedparser(_ files: [String]) throws -> [Parsed] {
        let result = try ProcessResult.run(Repository.python, [Repository.script("feedparser_dump.py")] + files)
        guard result.status == 0 else { throw ReaderError(tool: "feedparser_dump.py", output: result.stderr + result.stdout) }
        return try result.stdout.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let entries = (object["entries"] as? [[String: Any]] ?? []).map { entry in
                entry.mapValues(JSONValue.init)
            }
            return Parsed(
                file: object["file"] as? String ?? "", bozo: (object["bozo"] as? Int ?? 1) != 0,
                bozoException: object["bozo_exception"] as? String, version: object["version"] as? String ?? "",
                parser: object["parser"] as? String ?? "", feedTitle: object["feed_title"] as? String,
                entries: entries)
        }
    }

    /// Runs the conformance checker; returns its output, and whether every file passed.
    public static func conformance(_ files: [String]) throws -> (passed: Bool, output: String) {
        let result = try ProcessResult.run(Repository.python, [Repository.script("feed_conformance.py")] + files)
        return (result.status == 0, result.stdout + result.stderr)
    }

    /// The HTML each feed carries for its entries, as written (ElementTree and `json` only undo
    /// XML and JSON escaping; no reader's sanitiser runs), keyed by file.
    public static func contentHTML(_ files: [String]) throws -> [String: [String]] {
        let result = try ProcessResult.run(Repository.python, [Repository.script("feed_html.py")] + files)
        guard result.status == 0 else { throw ReaderError(tool: "feed_html.py", output: result.stderr) }
        var html: [String: [String]] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let file = object["file"] as? String, let values = object["html"] as? [String]
            else { throw ReaderError(tool: "feed_html.py", output: String(line)) }
            html[file] = values
        }
        return html
    }

    /// `xmllint --noout`: whether every file is well-formed XML (namespaces included).
    public static func xmllint(_ files: [String]) throws -> (passed: Bool, output: String) {
        let result = try ProcessResult.run("/usr/bin/xmllint", ["--noout", "--nonet"] + files)
        return (result.status == 0 && result.stderr.isEmpty, result.stderr)
    }

    /// Every feed file under `directory`.
    public static func feedFiles(under directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix("atom.xml") || relative.hasSuffix("rss.xml") || relative.hasSuffix("feed.json") {
                files.append(directory.appendingPathComponent(relative).path)
            }
        }
        return files.sorted()
    }

    public struct ReaderError: Error, CustomStringConvertible {
        public var tool: String
        public var output: String
        public var description: String { "\(tool) failed: \(output)" }
    }
}

/// A JSON value from a reader's output.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(_ any: Any) {
        switch any {
        case let text as String: self = .string(text)
        case let number as NSNumber: self = .number(number.doubleValue)
        case let list as [Any]: self = .array(list.map(JSONValue.init))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init))
        default: self = .null
        }
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let list) = self { return list }
        return nil
    }
}
