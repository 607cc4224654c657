#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text for an `errno` value, safe on any thread (`strerror_r`, not `strerror`, whose buffer
/// may be shared).
public enum SystemError {
    /// "No such file or directory".
    public static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        return buffer.withUnsafeMutableBufferPointer { bytes in
            // The XSI strerror_r: 0 on success, with the text in the buffer.
            guard strerror_r(code, bytes.baseAddress!, bytes.count) == 0 else { return "errno \(code)" }
            return String(cString: bytes.baseAddress!)
        }
    }
}
