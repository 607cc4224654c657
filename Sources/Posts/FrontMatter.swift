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
        // Works on UTF-8 offsets: `\n` is ASCII, so every line boundary is a valid index.
        let utf8 = text.utf8
        guard let openingEnd = utf8.firstIndex(of: 0x0A) else {
            if isDelimiter(utf8[...], allowDots: false) { throw .missingClosing }
            throw .missingOpening
        }
        guard isDelimiter(utf8[utf8.startIndex..<openingEnd], allowDots: false) else { throw .missingOpening }
        let yamlStart = utf8.index(after: openingEnd)
        var lineStart = yamlStart
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: 0x0A) ?? utf8.endIndex
            if isDelimiter(utf8[lineStart..<lineEnd], allowDots: true) {
                let bodyStart = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
                return FrontMatter(
                    yaml: String(text[yamlStart..<lineStart]), firstLine: 2, body: text[bodyStart...])
            }
            lineStart = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
        }
        throw .missingClosing
    }

    private static func isDelimiter(_ line: Substring.UTF8View, allowDots: Bool) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == 0x20 || last == 0x09 { trimmed = trimmed.dropLast() }
        guard trimmed.count == 3 else { return false }
        if trimmed.allSatisfy({ $0 == UInt8(ascii: "-") }) { return true }
        return allowDots && trimmed.allSatisfy({ $0 == UInt8(ascii: ".") })
    }
}
