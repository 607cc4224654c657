import Foundation
import Testing
import TestSupport

/// `systemd/herald.service` as systemd itself reads it: valid (`systemd-analyze verify`) and
/// hardened (`systemd-analyze security`, exposure at most 2.0; its `--threshold` counts tenths).
@Suite struct SystemdUnitTests {
    /// The unit with `ExecStart` pointing at the binary under test (verify checks that it exists).
    static func unit(in folder: TemporaryDirectory) throws -> String {
        let source = try String(contentsOf: Repository.root.appendingPathComponent("systemd/herald.service"), encoding: .utf8)
        #expect(source.contains("ExecStart=/usr/local/bin/herald run --config /etc/herald/config.json"))
        let unit = source.replacingOccurrences(of: "ExecStart=/usr/local/bin/herald", with: "ExecStart=\(Repository.heraldBinary)")
        return try folder.write(unit, to: "herald.service").path
    }

    @Test func verifies() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let result = try ProcessResult.run("/usr/bin/systemd-analyze", ["verify", try Self.unit(in: folder)], in: folder.url)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.contains("herald.service"), "\(result.stderr)")
    }

    @Test func exposureIsAtMostTwo() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let result = try ProcessResult.run(
            "/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=20", "--no-pager", try Self.unit(in: folder)],
            in: folder.url)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level for herald.service") })
        let score = line.split(separator: ":").last.flatMap { Double($0.split(separator: " ").first ?? "") }
        #expect(score != nil && score! <= 2.0, "\(line)")
        print("systemd-analyze security: \(line)")
    }
}
