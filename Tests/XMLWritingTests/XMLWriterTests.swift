import Foundation
import Testing
@testable import XMLWriting

@Suite struct XMLWriterTests {
    @Test func sanitizerRemovesWhatXML10Forbids() {
        let hostile = "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{7F}h\u{85}i\u{9F}j\u{FFFE}k\u{FFFF}l"
        #expect(XMLCharacters.sanitized(hostile) == "abcdefghijkl")
    }

    @Test func sanitizerKeepsEverythingElse() {
        let text = "Tab\tLF\nCR\r «\u{A0}Élus & Associations\u{A0}» l’œuvre \u{1F600} \u{FFFD} \u{E000}"
        #expect(XMLCharacters.sanitized(text) == text)
    }

    @Test func escapesMarkupAndSplitsNothing() throws {
        let xml = try XMLWriter(indent: false)
        try xml.startDocument()
        try xml.startElement("root")
        try xml.attribute("title", "\"quotes\" & <tags>")
        try xml.element("body", text: "a ]]> b <script>&amp;\u{1}\u{FFFE}")
        try xml.endElement()
        let output = String(decoding: try xml.finish(), as: UTF8.self)
        #expect(output.contains("<body>a ]]&gt; b &lt;script&gt;&amp;amp;</body>"))
        #expect(output.contains("title=\"&quot;quotes&quot; &amp; &lt;tags&gt;\""))
        #expect(!output.contains("\u{1}"))
    }

    @Test func escapedTextIsWhatLibxml2WouldEscape() throws {
        // xmlEncodeSpecialChars: < > & " and CR as references, everything else as it is.
        let escaped = XMLEscapedText("a<b>&\"c\"\r\n«\u{A0}é\u{A0}» '\u{1}\u{FFFE}")
        #expect(String(decoding: escaped.bytes, as: UTF8.self) == "a&lt;b&gt;&amp;&quot;c&quot;&#13;\n«\u{A0}é\u{A0}» '")
        // Written raw, in a document several megabytes long, byte for byte.
        let large = String(repeating: "<p>«\u{A0}Élus & Associations\u{A0}»</p>\n", count: 100_000)
        let xml = try XMLWriter(indent: false, expectedSize: 1024)
        try xml.startDocument()
        try xml.element("content", text: XMLEscapedText(large))
        let output = String(decoding: try xml.finish(), as: UTF8.self)
        let expected = large.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        #expect(output == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<content>\(expected)</content>\n")
    }

    @Test func outputIsWellFormedForXmllint() throws {
        let xml = try XMLWriter()
        try xml.startDocument()
        try xml.startElement("feed")
        try xml.attribute("xmlns", "http://www.w3.org/2005/Atom")
        for index in 0..<50 {
            var noise = ""
            for scalar in 0..<0x40 { noise.unicodeScalars.append(Unicode.Scalar(scalar)!) }
            try xml.element("title", text: "Entrée \(index) «\u{A0}\(noise)\u{FFFE}\u{FFFF}\u{85}»")
        }
        try xml.endElement()
        let bytes = try xml.finish()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xmlwriter-\(UUID()).xml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", file.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        #expect(message.isEmpty, "\(message)")
    }

    @Test func outOfOrderUseIsAnError() throws {
        let xml = try XMLWriter()
        #expect(throws: XMLWriterError.self) { try xml.endElement() }
    }
}
