import Foundation
import Gzip
import Testing

@Suite struct GzipTests {
    let text = Array(String(repeating: "« Fête de la Saint-Éloi » — cœur & œuvre’s\n", count: 500).utf8)

    @Test func compressedBytesComeBackAndAreSmaller() throws {
        let gzipped = Gzip.compress(text)
        #expect(gzipped.count < text.count / 10)
        #expect(gzipped[0] == 0x1f && gzipped[1] == 0x8b)
        #expect(Gzip.decompress(gzipped, limit: text.count) == text)
        #expect(Gzip.decompress(gzipped, limit: text.count - 1) == nil)
        #expect(Gzip.compress(text) == gzipped, "the same bytes give the same file (no time in the header)")
    }

    @Test func gunzipReadsWhatGzipWrote() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("feed.xml.gz")
        try Data(Gzip.compress(text)).write(to: file)
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", file.path]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        #expect([UInt8](output) == text)
    }

    @Test func trailerTellsWhichContentAGzipHolds() {
        let gzipped = Gzip.compress(text)
        #expect(Gzip.holds(text, in: gzipped))
        var other = text
        other[10] ^= 1
        #expect(!Gzip.holds(other, in: gzipped))
        #expect(!Gzip.holds(text + [0x20], in: gzipped))
        #expect(!Gzip.holds(text, in: Array(gzipped.prefix(10))))
        #expect(Gzip.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
