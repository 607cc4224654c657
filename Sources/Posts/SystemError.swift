#if canImport(Glibc)
import Glibc
#endif

/// Messages for `errno` values. Files are read on many threads at once, and `strerror` may
/// return a buffer that the next call on any thread overwrites: `strerror_r` writes into ours.
enum SystemError {
    /// The system's message for `code` (`No such file or directory`).
    static func message(_ code: Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            guard let base = buffer.baseAddress else { return "error \(code)" }
            buffer.initialize(repeating: 0)
            // Swift sees the XSI variant: 0 on success, the message in `buffer`, which it
            // terminates (or fills up to the last byte, kept 0 here).
            guard strerror_r(code, base, buffer.count - 1) == 0 else { return "error \(code)" }
            return String(cString: base)
        }
    }
}
