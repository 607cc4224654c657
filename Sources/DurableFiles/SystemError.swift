#if canImport(Glibc)
import Glibc
#endif

/// An `errno` value from a failed system call, with the C library's text for it.
///
/// The text comes from `strerror_r`, not `strerror`: files are read and written on many
/// threads at once, and `strerror`'s static buffer is shared by all of them.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32

    /// `code` must be read right after the failing call, before anything can change `errno`.
    public init(_ code: Int32) {
        self.code = code
    }

    /// `No such file or directory`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard strerror_r(code, &buffer, buffer.count) == 0 else { return "error \(code)" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
