import Testing
@testable import XMLWriting

/// The one HTML escaper, in each of its modes.
@Suite struct HTMLEscapingTests {
    static let sample = "Élus & «\u{A0}Associations\u{A0}» <b> \"dit\" l’œuvre 'commune'"

    @Test func textEscapesOnlyWhatEndsText() {
        #expect(HTMLEscaping.text(Self.sample) == "Élus &amp; «\u{A0}Associations\u{A0}» &lt;b&gt; \"dit\" l’œuvre 'commune'")
        #expect(HTMLEscaping.text("sans rien") == "sans rien")
    }

    @Test func attributeEscapesBothQuotesAsMustacheDoes() {
        #expect(HTMLEscaping.attribute(Self.sample) == "Élus &amp; «\u{A0}Associations\u{A0}» &lt;b&gt; &quot;dit&quot; l’œuvre &#39;commune&#39;")
        var bytes: [UInt8] = []
        HTMLEscaping.appendAttribute("a\"b'c", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "a&quot;b&#39;c")
    }

    @Test func theSanitizerModeEscapesDoubleQuotesOnly() {
        var bytes: [UInt8] = []
        HTMLEscaping.append(Array("<a title=\"x\">'y'&".utf8), quotes: .double, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "&lt;a title=&quot;x&quot;&gt;'y'&amp;")
    }
}
