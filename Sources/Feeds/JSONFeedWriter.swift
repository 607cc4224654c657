import Foundation
import Posts

/// JSON Feed 1.1, written straight into one buffer sized from the entries: keys sorted and
/// two-space indents (the layout `JSONEncoder` gave with `.prettyPrinted` and `.sortedKeys`),
/// so that the same feed gives the same bytes.
///
/// Why not `JSONEncoder`: it builds a tree of the whole feed, then serialises it into a buffer
/// that grows by doubling, then copies it: a feed holding a 10 MB post took 30 MB more than
/// the post, the largest share of `herald build`'s peak memory.
struct JSONFeedWriter {
    let dates: FeedDates

    func write(_ feed: FeedDocument) throws(FeedWriteError) -> [UInt8] {
        var json = JSONOutput(capacity: feed.entries.reduce(2048) { $0 + $1.contentHTML.utf8.count * 11 / 10 + $1.summary.utf8.count + 1024 })
        json.openObject()
        json.key("authors", level: 1)
        json.array(level: 1, [feed.author]) { json, author, level in json.person(author, level: level) }
        json.optional("description", feed.subtitle, level: 1)
        json.string("feed_url", feed.url(of: .json), level: 1)
        json.string("home_page_url", feed.homePageURL, level: 1)
        json.key("items", level: 1)
        json.array(level: 1, feed.entries) { json, entry, level in
            json.openObject()
            json.key("authors", level: level + 1)
            json.array(level: level + 1, [entry.author]) { json, author, level in json.person(author, level: level) }
            json.string("content_html", entry.contentHTML, level: level + 1)
            json.string("date_modified", dates.rfc3339(entry.updated), level: level + 1)
            json.string("date_published", dates.rfc3339(entry.published), level: level + 1)
            json.string("id", entry.id, level: level + 1)
            json.optional("image", entry.image, level: level + 1)
            json.optional("language", entry.language, level: level + 1)
            json.optional("summary", entry.summary.isEmpty ? nil : entry.summary, level: level + 1)
            if !entry.tags.isEmpty {
                json.key("tags", level: level + 1)
                json.array(level: level + 1, entry.tags) { json, tag, _ in json.quoted(tag) }
            }
            json.string("title", entry.title, level: level + 1)
            json.string("url", entry.url, level: level + 1)
            json.closeObject(level: level)
        }
        json.string("language", feed.language, level: 1)
        json.string("title", feed.title, level: 1)
        json.string("version", "https://jsonfeed.org/version/1.1", level: 1)
        json.closeObject(level: 0)
        json.bytes.append(0x0A)
        return json.bytes
    }
}

/// The bytes of a pretty-printed JSON document, written in order. Members are written with
/// their separators: a comma before every member of an object or array but its first.
private struct JSONOutput {
    var bytes: [UInt8]
    /// Whether the innermost open object or array has a member yet.
    private var hasMember: [Bool] = []

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func openObject() {
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
    }

    mutating func closeObject(level: Int) {
        let had = hasMember.removeLast()
        if had { newline(level: level) }
        bytes.append(UInt8(ascii: "}"))
    }

    /// `"name" : ` on its own line, after a comma when needed.
    mutating func key(_ name: StaticString, level: Int) {
        separate(level: level)
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), 0x20, UInt8(ascii: ":"), 0x20])
    }

    mutating func string(_ name: StaticString, _ value: String, level: Int) {
        key(name, level: level)
        quoted(value)
    }

    mutating func optional(_ name: StaticString, _ value: String?, level: Int) {
        if let value { string(name, value, level: level) }
    }

    mutating func array<Element>(level: Int, _ elements: [Element], _ write: (inout JSONOutput, Element, Int) -> Void) {
        bytes.append(UInt8(ascii: "["))
        hasMember.append(false)
        for element in elements {
            separate(level: level + 1)
            write(&self, element, level + 1)
        }
        let had = hasMember.removeLast()
        if had { newline(level: level) }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func person(_ author: Author, level: Int) {
        openObject()
        string("name", author.name, level: level + 1)
        optional("url", author.uri ?? author.email.map { "mailto:\($0)" }, level: level + 1)
        closeObject(level: level)
    }

    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`… or
    /// `\u00XX`, U+2028 and U+2029 as `\u2028` and `\u2029` (JavaScript reads them as line
    /// ends); everything else as its UTF-8 bytes. Runs that need no escape are copied whole.
    mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = text
        copy.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let escape: [UInt8]?
                switch byte {
                case UInt8(ascii: "\""): escape = Array("\\\"".utf8)
                case UInt8(ascii: "\\"): escape = Array("\\\\".utf8)
                case 0x0A: escape = Array("\\n".utf8)
                case 0x0D: escape = Array("\\r".utf8)
                case 0x09: escape = Array("\\t".utf8)
                case 0x08: escape = Array("\\b".utf8)
                case 0x0C: escape = Array("\\f".utf8)
                case 0..<0x20: escape = Array(String(format: "\\u%04x", byte).utf8)
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    escape = Array((utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                default: escape = nil
                }
                guard let escape else {
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(contentsOf: escape)
                index += byte == 0xE2 ? 3 : 1
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A comma after the previous member, then a new line at `level`.
    private mutating func separate(level: Int) {
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
        newline(level: level)
    }

    private mutating func newline(level: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * level))
    }
}
