import Foundation
import Testing
import Mail

/// Prints how long serialization takes (not an assertion: timings depend on the machine and
/// the build configuration; run `swift test -c release` for meaningful numbers).
@Suite struct SerializationTimingTests {
    @Test func printsSerializationTimeOfATwentyKilobyteMessage() throws {
        let cases: [(String, Message)] = [
            ("headers only (French names and subject, 1-line body)", MessageFixtures.digest(text: "x", html: nil)),
            ("20 KB (10 KB text + 10 KB HTML)", MessageFixtures.digest(
                text: MessageFixtures.prose(length: 10_000), html: Self.html(length: 10_000))),
            ("20 KB text only", MessageFixtures.digest(text: MessageFixtures.prose(length: 20_000), html: nil)),
            ("40 KB (20 KB text + 20 KB HTML)", MessageFixtures.digest(
                text: MessageFixtures.prose(length: 20_000), html: Self.html(length: 20_000))),
        ]
        for (label, message) in cases {
            var size = 0
            for _ in 0..<20 { size = try message.serialized().count }  // warm up
            let iterations = 2000
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for _ in 0..<iterations { size &+= try message.serialized().count }
            }
            let microseconds = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
            print("serialize() \(label): \(String(format: "%.1f", microseconds / Double(iterations))) µs per message, "
                + "\(String(format: "%.0f", Double(iterations) / (microseconds / 1e6))) messages/s (\(size / iterations / 1000) KB out)")
            #expect(size > 0)
        }
        let text = MessageFixtures.prose(length: 20_000)
        let clock = ContinuousClock()
        var encodedSize = 0
        let elapsed = clock.measure { for _ in 0..<2000 { encodedSize &+= QuotedPrintable.encode(text).count } }
        let microseconds = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
        print("QuotedPrintable.encode, 20 KB of French prose: \(String(format: "%.1f", microseconds / 2000)) µs per call")
        #expect(encodedSize > 0)
    }

    static func html(length: Int) -> String {
        var html = "<!DOCTYPE html><html lang=\"fr\"><body>"
        var index = 0
        while html.utf8.count < length {
            html += "<p class=\"post\">L’œuvre commune\u{A0}: <a href=\"https://example.org/posts/\(index)/\">Élus & Associations</a></p>\n"
            index += 1
        }
        return html + "</body></html>\n"
    }
}
