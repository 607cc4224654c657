#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file into memory with `open`/`fstat`/`read`: one allocation, no `Data`
/// bridging, and the size checked on the open file (not on a path that may have changed).
enum FileBytes {
    enum Failure: Error {
        case tooLarge(Int)
        case unreadable(String)
    }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        read(descriptor: open(path, O_RDONLY | O_CLOEXEC), limit: limit)
    }

    /// Reads `name` in the folder open as `folder`.
    static func read(_ name: String, in folder: Int32, limit: Int) -> Result<[UInt8], Failure> {
        read(descriptor: openat(folder, name, O_RDONLY | O_CLOEXEC), limit: limit)
    }

    private static func read(descriptor: Int32, limit: Int) -> Result<[UInt8], Failure> {
        guard descriptor >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size)) }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                if got == 0 { break }
                count += got
            }
        }
        if let failure { return .failure(.unreadable(failure)) }
        return .success(bytes)
    }
}
