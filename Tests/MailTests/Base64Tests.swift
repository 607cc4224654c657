import Foundation
import Mail
import Testing
import TestSupport

@Suite struct Base64Tests {
    @Test func rfc4648TestVectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (input, expected) in vectors {
            #expect(Base64.string(Array(input.utf8)) == expected)
            #expect(Base64.string(Array(input.utf8), alphabet: .url) == expected.replacingOccurrences(of: "=", with: ""))
        }
    }

    @Test func agreesWithFoundationOnRandomBytes() {
        var generator = SeededGenerator(seed: 4648)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let foundation = Data(bytes).base64EncodedString()
            #expect(Base64.string(bytes) == foundation)
            let url = foundation.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64.string(bytes[...], alphabet: .url) == url)
            var appended: [UInt8] = [0x41]
            Base64.append(bytes, to: &appended)
            #expect(appended == [0x41] + Array(foundation.utf8))
        }
    }
}
