/// The YAML block between the `---` lines at the top of a post, and where the body starts.
struct FrontMatter {
    /// The YAML text, without the delimiter lines.
    let yaml: String
    /// The file line of the YAML's first line (YAML line 1 is file line `firstLine`).
    let firstLine: Int
    /// The Markdown after the closing delimiter.
    let body: Substring

    enum SplitError: Error {
        case missingOpening
        case missingClosing
    }

    /// Splits `text` into front matter and body. The opening line must be `---` (trailing
    /// spaces allowed); the closing one `---` or `...`.
    static func split(_ text: String) throws(SplitError) -> FrontMatter {
        var lines = text[...].split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let opening = lines.first, isDelimiter(opening, allowDots: false) else {
            throw .missingOpening
        }
        guard lines.count == 2 else { throw .missingClosing }
        let rest = lines.removeLast()
        var lineStart = rest.startIndex
        while lineStart < rest.endIndex {
            let lineEnd = rest[lineStart...].firstIndex(of: "\n") ?? rest.endIndex
            if isDelimiter(rest[lineStart..<lineEnd], allowDots: true) {
                let bodyStart = lineEnd < rest.endIndex ? rest.index(after: lineEnd) : lineEnd
                return FrontMatter(
                    yaml: String(rest[rest.startIndex..<lineStart]), firstLine: 2, body: rest[bodyStart...])
            }
            lineStart = lineEnd < rest.endIndex ? rest.index(after: lineEnd) : lineEnd
        }
        throw .missingClosing
    }

    private static func isDelimiter(_ line: Substring, allowDots: Bool) -> Bool {
        let trimmed = line.utf8.reversed().drop(while: { $0 == 0x20 || $0 == 0x09 })
        guard trimmed.count == 3 else { return false }
        if trimmed.allSatisfy({ $0 == UInt8(ascii: "-") }) { return true }
        return allowDots && trimmed.allSatisfy({ $0 == UInt8(ascii: ".") })
    }
}
