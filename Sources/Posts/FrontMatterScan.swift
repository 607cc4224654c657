/// One pass over the bytes of a front matter, before any YAML parser sees it: the first
/// character YAML must not contain, whether an anchor or alias may be written, and where
/// libyaml's lines differ from the file's.
///
/// libyaml counts U+0085, U+2028 and U+2029 as line breaks (YAML 1.1); editors and this
/// diagnostic format count LF only (CR and CRLF are already LF in `SourceText`). U+0085 is a
/// C1 control character and is refused like the others; U+2028 and U+2029 are kept, and
/// `filePosition` maps libyaml's positions back to the file's.
struct FrontMatterScan {
    /// A character that libyaml refuses or that front matter must not hold: ASCII controls
    /// other than tab and LF, DEL, C1 controls (U+0085 included), U+FFFE and U+FFFF.
    struct ForbiddenCharacter {
        /// Line and column (in Unicode scalars) in the YAML text, 1-based.
        var line: Int
        var column: Int
        var scalar: UInt32
    }

    private(set) var forbidden: ForbiddenCharacter?
    /// Whether some `&` or `*` is followed by a character of an anchor name (libyaml's
    /// `[0-9A-Za-z_-]`) and not preceded by an ASCII letter or digit: without one, the YAML can
    /// hold no anchor and no alias.
    private(set) var mayHoldAnchors = false
    /// Where each U+2028 or U+2029 is (line and column in the YAML text), in order; empty in the
    /// usual case, and then libyaml's lines are the file's.
    private var separators: [(line: Int, column: Int)] = []

    init(_ yaml: String) {
        var yaml = yaml
        yaml.withUTF8 { scan($0) }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var column = 0  // of the current scalar
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 { column += 1 }
            switch byte {
            case 0x0A:
                line += 1
                column = 0
            case 0x09:
                break
            case 0x26, 0x2A:  // & *
                // After an ASCII letter or digit, `&` and `*` are inside a token (a plain
                // scalar, a tag, quoted text): `R&D` needs no second look.
                if index + 1 < count, Self.isAnchorCharacter(bytes[index + 1]),
                    index == 0 || !Self.isLetterOrDigit(bytes[index - 1])
                {
                    mayHoldAnchors = true
                }
            case 0x00...0x1F, 0x7F:
                forbidden = ForbiddenCharacter(line: line, column: column, scalar: UInt32(byte))
                return
            case 0xC2:  // U+0080–U+00BF: C1 controls are U+0080–U+009F
                if index + 1 < count, bytes[index + 1] <= 0x9F {
                    forbidden = ForbiddenCharacter(line: line, column: column, scalar: UInt32(bytes[index + 1]))
                    return
                }
            case 0xE2:  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: E2 80 A8/A9
                if index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                    separators.append((line, column))
                }
            case 0xEF:  // U+FFFE, U+FFFF: EF BF BE/BF
                if index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                    forbidden = ForbiddenCharacter(line: line, column: column, scalar: 0xFFFE + UInt32(bytes[index + 2] - 0xBE))
                    return
                }
            default:
                break
            }
            index += 1
        }
    }

    /// The file line (relative to the YAML's first line, 1-based) and column of a position
    /// libyaml (and so Yams) reports.
    func filePosition(yamlLine: Int, yamlColumn: Int) -> (line: Int, column: Int) {
        // libyaml's line `yaml` starts at `line`, column `base` + 1 of the file; the lines after
        // it start at column 1 of the following file lines, up to the next separator.
        var yaml = 1
        var line = 1
        var base = 0
        for separator in separators {
            let last = yaml + (separator.line - line)
            if yamlLine <= last { break }
            yaml = last + 1
            line = separator.line
            base = separator.column
        }
        if yamlLine == yaml { return (line, base + yamlColumn) }
        return (line + max(yamlLine - yaml, 0), yamlColumn)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }

    private static func isAnchorCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return true
        default: return false
        }
    }
}
