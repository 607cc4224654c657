import Foundation
import Herald
#if canImport(Glibc)
import Glibc
#endif

/// Output for people on stdout, diagnostics and logs on stderr. Writes whole lines with one
/// `write(2)` each, so lines from different streams never interleave mid-line.
enum Console {
    /// `value` as the `--json` output of every command: pretty, keys sorted, dates ISO 8601.
    static func writeJSON(_ value: some Encodable) throws {
        write(try HeraldJSON.encode(value) + [0x0A])
    }

    static func output(_ line: String) { write(line + "\n", to: 1) }

    /// Raw bytes on stdout (a message, exactly as it would be sent).
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func error(_ line: String) { write(line + "\n", to: 2) }

    /// Redraws the current line of stderr (a progress bar on a terminal).
    static func errorInPlace(_ line: String) { write("\r\u{1B}[K" + line, to: 2) }

    /// Ends the process now with `status`, without running deinitialisers.
    static func exit(_ status: Int32) -> Never { Glibc.exit(status) }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
