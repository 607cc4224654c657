import Testing
@testable import Posts

@Suite struct DiagnosticTextTests {
    @Test func aFileNameCannotForgeAnotherDiagnostic() {
        let diagnostic = Diagnostic(file: "posts/a:9:9: error: fake.md", line: 2, column: 1, severity: .error, message: "missing 'title'")
        #expect(diagnostic.description == "posts/a\\x3a9\\x3a9\\x3a error\\x3a fake.md:2:1: error: missing 'title'")
        // The first ':' ends the file name, as every editor reads it.
        #expect(diagnostic.description.split(separator: ":", maxSplits: 3).dropFirst().prefix(2) == ["2", "1"])
    }

    @Test func controlCharactersLineBreaksAndBidiAreEscaped() {
        let diagnostic = Diagnostic(
            file: "posts/x\n.md", line: 3, column: 4, severity: .warning,
            message: "key 'a\u{1B}[2J\r\nb\tc\\d\u{7F}\u{85}\u{2028}\u{202E}e\u{FEFF}' is ignored")
        #expect(
            diagnostic.description
                == "posts/x\\n.md:3:4: warning: key 'a\\x1b[2J\\r\\nb\\tc\\\\d\\x7f\\u0085\\u2028\\u202ee\\ufeff' is ignored")
    }

    @Test func ordinaryTextIsUnchanged() {
        let text = "titre «\u{A0}Élus & Entreprises\u{A0}» : l’œuvre — ok 🎉"
        #expect(DiagnosticText.escaped(text) == text)
        #expect(DiagnosticText.escapedFileName("posts/2026/fête.md") == "posts/2026/fête.md")
    }

    @Test func quotedValuesAreShortened() {
        #expect(DiagnosticText.quoted("court") == "'court'")
        #expect(DiagnosticText.quoted(String(repeating: "é", count: 61)) == "'" + String(repeating: "é", count: 60) + "…'")
        #expect(DiagnosticText.quoted(String(repeating: "é", count: 60)) == "'" + String(repeating: "é", count: 60) + "'")
    }
}
