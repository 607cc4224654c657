import DurableFiles
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

    /// Most posts are a few kilobytes: one `read` into a buffer of this size gets all of them,
    /// without an `fstat` first.
    static let firstReadSize = 32 * 1024

    private static func read(descriptor: Int32, limit: Int) -> Result<[UInt8], Failure> {
        guard descriptor >= 0 else { return .failure(.unreadable(SystemError(errno).description)) }
        defer { close(descriptor) }
        var failure: String?
        var bytes = [UInt8](unsafeUninitializedCapacity: firstReadSize) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            count = readFully(
                descriptor, into: base, capacity: min(buffer.count, firstReadSize), stopAtShortRead: true, failure: &failure)
        }
        if let failure { return .failure(.unreadable(failure)) }
        guard bytes.count == firstReadSize else {
            return bytes.count <= limit ? .success(bytes) : .failure(.tooLarge(bytes.count))
        }
        // A larger file: now its size matters, and nothing more is read when it is over the limit.
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(SystemError(errno).description)) }
        let size = max(Int(info.st_size), 0)
        guard size <= limit else { return .failure(.tooLarge(size)) }
        // One buffer of the file's size (plus one byte, to see a file that grew): no second copy.
        let first = bytes
        bytes = [UInt8](unsafeUninitializedCapacity: max(size, firstReadSize) + 1) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            first.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: $0.count) }
            count = first.count + readFully(
                descriptor, into: base + first.count, capacity: buffer.count - first.count, stopAtShortRead: false,
                failure: &failure)
        }
        if let failure { return .failure(.unreadable(failure)) }
        guard bytes.count <= limit else { return .failure(.tooLarge(bytes.count)) }
        guard bytes.count <= max(size, firstReadSize) else {
            return .failure(.unreadable("the file grew while it was read; it will be read again next time"))
        }
        return .success(bytes)
    }

    /// Reads until `capacity` bytes or the end of the file; returns how many were read. With
    /// `stopAtShortRead`, a short read is taken as the end (Linux fills reads of regular files
    /// but at their end), which saves the `read` that would return 0 on every small post.
    private static func readFully(
        _ descriptor: Int32, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int, stopAtShortRead: Bool,
        failure: inout String?
    ) -> Int {
        var count = 0
        while count < capacity {
            let got = Glibc.read(descriptor, buffer + count, capacity - count)
            if got < 0 {
                if errno == EINTR { continue }
                failure = SystemError(errno).description
                return count
            }
            if got == 0 { break }
            let asked = capacity - count
            count += min(got, asked)
            if stopAtShortRead && got < asked { break }
        }
        return count
    }
}
