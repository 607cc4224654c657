import Foundation
import TestSupport

/// Runs one of the Python scripts in `Scripts/` with Debian's `/usr/bin/python3` on byte
/// strings written to temporary files, and returns what it printed.
struct PythonScript {
    /// The script's file name in `Tests/MailTests/Scripts`.
    let name: String

    static let parseMessage = PythonScript(name: "parse_message.py")
    static let decodeQuotedPrintable = PythonScript(name: "decode_quoted_printable.py")

    private static let interpreter = URL(fileURLWithPath: "/usr/bin/python3")
    private static let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts")

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes each input to its own file and runs the script on all of them at once.
    func run(on inputs: [[UInt8]]) throws -> Data {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mail-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, input) in inputs.enumerated() {
            let file = folder.appendingPathComponent("input-\(index).eml")
            try Data(input).write(to: file)
            paths.append(file.path)
        }

        let result = try ProcessResult.run(Self.interpreter.path, [Self.scriptsFolder.appendingPathComponent(name).path] + paths)
        guard result.status == 0 else {
            throw Failure(description: "\(name) exited with \(result.status): \(result.stderr)")
        }
        return Data(result.stdout.utf8)
    }
}
