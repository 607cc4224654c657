import Yams

/// Parses the YAML of a front matter with Yams, after refusing what front matter has no use
/// for and what would make parsing slow or its positions wrong; every problem is located in
/// the file.
///
/// - Control characters: libyaml refuses most of them with a byte offset; they are reported
///   here at their own line and column, without echoing them. U+0085 too, which libyaml
///   would otherwise read as a line break that no editor shows.
/// - Anchors and aliases (`&a`, `*a`): Yams hashes a mapping's keys to find duplicates, and an
///   alias used as a key is hashed through its whole expansion (nine levels of nine aliases:
///   557 bytes, 39 s). They are refused before Yams composes the real document (see `probe`).
/// - A duplicate key is reported where it is written again, not at its first occurrence.
enum FrontMatterYAML {
    /// A problem, located in the file.
    struct Problem: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    static let anchorMessage =
        "anchors (&name) and aliases (*name) are not allowed in front matter; write the value out"

    /// The parsed front matter: its root node (`nil` for an empty document) and how to turn
    /// the nodes' positions into file positions.
    struct Document {
        var root: Node?
        var locator: YAMLLocator
    }

    /// The document, or its first problem.
    /// - Parameter firstLine: the file line of the YAML's first line.
    static func load(_ yaml: String, firstLine: Int) -> Result<Document, Problem> {
        let scan = FrontMatterScan(yaml)
        let locator = YAMLLocator(firstLine: firstLine, scan: scan)
        func problem(_ mark: YAMLPosition, _ message: String) -> Problem {
            let (line, column) = locator.filePosition(mark)
            return Problem(line: line, column: column, message: message)
        }
        if let forbidden = scan.forbidden {
            return .failure(problem(YAMLPosition(line: forbidden.line, column: forbidden.column), forbiddenMessage(forbidden.scalar)))
        }
        if scan.mayHoldAnchors {
            switch probe(yaml) {
            case .success(let mark?): return .failure(problem(mark, anchorMessage))
            case .success(nil): break  // `&x` and `*x` were text: the YAML holds no anchor, no alias
            case .failure(let error):
                return .failure(describe(error, yaml: yaml, problem: problem, atAnchor: { isAnchorIndicator(at: $0, in: yaml) }))
            }
        }
        do {
            // The basic resolver: every scalar stays a string (no regular expression per value);
            // the few typed keys (`draft`) are interpreted by FrontMatterFields.
            return .success(Document(root: try parse(yaml), locator: locator))
        } catch {
            return .failure(describe(error, yaml: yaml, problem: problem, atAnchor: { _ in false }))
        }
    }

    /// A constructor with no maps: Herald reads nodes and never asks Yams to construct values.
    /// (`Constructor.default` builds its three dictionaries of closures anew on every access:
    /// 3% of reading a post.)
    static var nodesOnly: Constructor { Constructor([:], [:], [:]) }

    private static func parse(_ yaml: String) throws -> Node? {
        try Parser(yaml: yaml, resolver: .basic, constructor: FrontMatterYAML.nodesOnly, encoding: .utf8).singleRoot()
    }

    /// Finds anchors and aliases with libyaml itself, on a copy of the text in which every
    /// `*` that could start an alias is a `&`. libyaml scans both indicators alike (same
    /// places, same name rules, same extent), so the copy has the same tokens, except that each
    /// alias is now an anchor: it defines a node instead of repeating one, so nothing is
    /// expanded, and composing it takes linear time. Every anchor of the copy, whether written
    /// `&` or `*`, comes out as a node with an anchor, at the indicator's position.
    ///
    /// - Returns: the position of the first anchored node, `nil` when there is none (the
    ///   original then holds no anchor or alias), or the copy's parse error.
    private static func probe(_ yaml: String) -> Result<YAMLPosition?, any Error> {
        var bytes = Array(yaml.utf8)
        for index in bytes.indices.dropLast() where bytes[index] == UInt8(ascii: "*") {
            switch bytes[index + 1] {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: bytes[index] = UInt8(ascii: "&")
            default: break
            }
        }
        // A node's anchor is a weak reference to an object the parser owns: keep the parser.
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: String(decoding: bytes, as: UTF8.self), resolver: .basic, constructor: FrontMatterYAML.nodesOnly, encoding: .utf8)
            root = try parser.singleRoot()
        } catch {
            return .failure(error)
        }
        defer { withExtendedLifetime(parser) {} }
        // Depth-first, in document order; libyaml bounds the depth at 1,000 levels.
        var pending: [Node] = root.map { [$0] } ?? []
        while let node = pending.popLast() {
            if node.anchor != nil { return .success(YAMLPosition(node.mark)) }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping.reversed() { pending += [value, key] }
            case .sequence(let sequence):
                pending += sequence.reversed()
            case .scalar, .alias:
                break
            }
        }
        return .success(nil)
    }

    /// Whether libyaml's `mark` points at a `&` or `*` followed by an anchor name.
    private static func isAnchorIndicator(at mark: YAMLPosition, in yaml: String) -> Bool {
        guard let index = index(of: mark, in: yaml), index < yaml.unicodeScalars.endIndex else { return false }
        let indicator = yaml.unicodeScalars[index]
        guard indicator == "&" || indicator == "*" else { return false }
        let next = yaml.unicodeScalars.index(after: index)
        guard next < yaml.unicodeScalars.endIndex, let byte = UInt8(exactly: yaml.unicodeScalars[next].value) else {
            return false
        }
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return true
        default: return false
        }
    }

    /// The position of libyaml's 1-based line and column (in scalars, lines ended by LF only:
    /// only used on text without U+2028/U+2029 ambiguity for the scalars it looks at).
    static func index(of mark: YAMLPosition, in yaml: String) -> String.UnicodeScalarView.Index? {
        let scalars = yaml.unicodeScalars
        var index = scalars.startIndex
        var line = 1
        while line < mark.line {
            guard let newline = scalars[index...].firstIndex(where: { $0 == "\n" || $0 == "\u{2028}" || $0 == "\u{2029}" })
            else { return nil }
            index = scalars.index(after: newline)
            line += 1
        }
        return scalars.index(index, offsetBy: max(mark.column - 1, 0), limitedBy: scalars.endIndex)
    }

    private static func forbiddenMessage(_ scalar: UInt32) -> String {
        let hex = String(scalar, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar == 0x85 {
            return "front matter contains the control character \(code) (next line), which YAML would read as a line break; "
                + "remove it or use a space"
        }
        return "front matter contains the control character \(code); remove it (in a double-quoted value, write an escape such as \\t)"
    }

    private static func describe(
        _ error: any Error, yaml: String, problem: (YAMLPosition, String) -> Problem, atAnchor: (YAMLPosition) -> Bool
    ) -> Problem {
        switch error as? YamlError {
        case .scanner(_, let text, let yamsMark, _), .parser(_, let text, let yamsMark, _),
            .composer(_, let text, let yamsMark, _):
            let mark = YAMLPosition(yamsMark)
            if atAnchor(mark) { return problem(mark, anchorMessage) }
            if text.hasPrefix("Maximum nesting level") {
                return problem(mark, "front matter is nested too deeply (more than 1,000 levels)")
            }
            return problem(mark, "invalid YAML in front matter: \(text)")
        case .duplicatedKeysInMapping(let keys, let context):
            let first = YAMLPosition(context.mark)
            if atAnchor(first) { return problem(first, anchorMessage) }
            let key = keys.first ?? ""
            let others = keys.dropFirst().map { DiagnosticText.quoted($0) }
            let also = others.isEmpty ? "" : " (also duplicated: \(others.joined(separator: ", ")))"
            let firstAt = problem(first, "")
            if let again = DuplicateKey.secondOccurrence(of: key, firstAt: first, in: yaml) {
                return problem(
                    again,
                    "duplicate key \(DiagnosticText.quoted(key)) in front matter; it is first written on line \(firstAt.line)\(also)")
            }
            return problem(first, "duplicate key \(DiagnosticText.quoted(key)) in front matter; it is written again below\(also)")
        case .reader(let text, _, _, _):
            return problem(.start, "front matter cannot be read as YAML text: \(text)")
        default:
            return problem(.start, "invalid YAML in front matter")
        }
    }
}

