import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Yams

/// Turns the bytes of one post file into a `Post`, or into diagnostics that say what to fix.
///
/// Pure and thread-safe: `PostsReader` runs many of these at once.
public struct PostParser: Sendable {
    /// Dates without a zone are read in this time zone.
    public var dates: PostDate

    public init(timeZone: TimeZone) {
        dates = PostDate(timeZone: timeZone)
    }

    /// The outcome of parsing one file: a post unless an error was found, and every
    /// diagnostic (errors and warnings) in file order.
    public struct Outcome: Sendable {
        public var post: Post?
        public var diagnostics: [Diagnostic]
    }

    /// Parses one file.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - path: the file's path relative to the posts folder (becomes `Post.path`).
    ///   - displayPath: how diagnostics name the file (usually the path from the working directory).
    public func parse(_ bytes: [UInt8], path: String, displayPath: String) -> Outcome {
        var context = Context(file: displayPath)
        let post = parse(bytes, path: path, context: &context)
        return Outcome(post: context.hasErrors ? nil : post, diagnostics: context.diagnostics)
    }

    private func parse(_ bytes: [UInt8], path: String, context: inout Context) -> Post? {
        let source: SourceText
        switch SourceText.decode(bytes) {
        case .success(let decoded): source = decoded
        case .failure(let position):
            context.error(position.line, position.column, "invalid UTF-8; save the file as UTF-8")
            return nil
        }
        let frontMatter: FrontMatter
        do {
            frontMatter = try FrontMatter.split(source.text)
        } catch .missingOpening {
            context.error(1, 1, "missing front matter; a post starts with a line '---', then YAML with at least 'title:', then '---'")
            return nil
        } catch {
            context.error(1, 1, "front matter is not closed; add a line '---' after the YAML")
            return nil
        }
        let document: FrontMatterYAML.Document
        switch FrontMatterYAML.load(frontMatter.yaml, firstLine: frontMatter.firstLine) {
        case .success(let loaded): document = loaded
        case .failure(let problem):
            context.error(problem.line, problem.column, problem.message)
            return nil
        }
        context.locator = document.locator
        guard let root = document.root else {
            context.error(frontMatter.firstLine, 1, "front matter is empty; 'title' is required")
            return nil
        }
        guard let mapping = root.mapping else {
            context.error(at: root, "front matter must be a YAML mapping of 'key: value' lines")
            return nil
        }
        var fields = FrontMatterFields(context: context, dates: dates)
        fields.read(mapping)
        context = fields.context

        // Not `NSString.lastPathComponent`: bridging costs a microsecond per post.
        let fileName = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[path.index(after: $0)...]) } ?? path
        guard let title = fields.title else {
            if !fields.sawTitle { context.error(frontMatter.firstLine, 1, "missing 'title'") }
            return nil
        }
        var date = fields.date
        if date == nil && !fields.sawDate {
            date = dates.parseFileNamePrefix(fileName)
            if date == nil {
                context.error(
                    frontMatter.firstLine, 1,
                    "missing 'date'; add 'date: YYYY-MM-DD' or start the file name with YYYY-MM-DD-")
            }
        }
        guard let date else { return nil }

        let slug = fields.slug ?? Slug.make(Self.baseName(fileName))
        guard !slug.isEmpty else {
            context.error(1, 1, "cannot make a slug from the file name; add 'slug:' with letters or digits")
            return nil
        }

        var body = String(frontMatter.body)
        var excerpt: String?
        if let marker = Self.range(of: Self.moreMarker, in: body) {
            excerpt = String(body[..<marker.lowerBound])
            body.removeSubrange(marker)
        }
        return Post(
            path: path, title: title, slug: slug, date: date, updated: fields.updated,
            author: fields.author, tags: fields.tags, summary: fields.summary, isDraft: fields.draft,
            explicitID: fields.id, language: fields.language, image: fields.image,
            body: body, excerptMarkdown: excerpt)
    }

    /// The excerpt marker, as in WordPress, Hugo and Jekyll.
    static let moreMarker = "<!--more-->"

    /// The first occurrence of `needle`, found with `memchr`/`memcmp` on the UTF-8 bytes
    /// (Foundation's `range(of:)` does locale-aware Unicode matching, and showed up first in
    /// profiles).
    static func range(of needle: String, in text: String) -> Range<String.Index>? {
        var text = text
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        let offset: Int? = text.withUTF8 { haystack in
            guard let base = haystack.baseAddress else { return nil }
            var position = 0
            while position + pattern.count <= haystack.count {
                guard let hit = memchr(base + position, Int32(first), haystack.count - position) else { return nil }
                let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if index + pattern.count <= haystack.count, memcmp(base + index, pattern, pattern.count) == 0 {
                    return index
                }
                position = index + 1
            }
            return nil
        }
        guard let offset else { return nil }
        let start = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        return start..<text.utf8.index(start, offsetBy: pattern.count)
    }

    /// The file name without its extension and without a `YYYY-MM-DD-` prefix.
    static func baseName(_ fileName: String) -> String {
        var name = Substring(fileName)
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = name[..<dot] }
        let utf8 = Array(name.utf8.prefix(11))
        if utf8.count == 11, utf8[4] == 0x2D, utf8[7] == 0x2D, utf8[10] == 0x2D,
            utf8[0..<4].allSatisfy({ (0x30...0x39).contains($0) })
        {
            name = name.dropFirst(11)
        }
        return String(name)
    }
}

/// Diagnostics collected while parsing one file.
struct Context {
    let file: String
    var diagnostics: [Diagnostic] = []
    var hasErrors = false
    /// Set once the front matter is parsed: where its nodes are in the file.
    var locator: YAMLLocator?

    init(file: String) { self.file = file }

    mutating func error(_ line: Int, _ column: Int, _ message: String) {
        hasErrors = true
        diagnostics.append(.error(file, line: line, column: column, message))
    }

    mutating func warning(_ line: Int, _ column: Int, _ message: String) {
        diagnostics.append(.warning(file, line: line, column: column, message))
    }

    mutating func error(at node: Node, _ message: String) {
        let (line, column) = position(of: node)
        error(line, column, message)
    }

    mutating func warning(at node: Node, _ message: String) {
        let (line, column) = position(of: node)
        warning(line, column, message)
    }

    /// Where `node` is written in the file.
    func position(of node: Node) -> (Int, Int) {
        guard let locator else { return (1, 1) }
        let (line, column) = locator.filePosition(YAMLPosition(node.mark))
        return (line, column)
    }
}
