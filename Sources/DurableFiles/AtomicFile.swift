#if canImport(Glibc)
import Glibc
#endif

/// Replaces (or creates) a file so that a reader sees either the old bytes or the new ones,
/// never a mix, and so that the new bytes survive a crash or a power cut once `replace` (or
/// `create`) has returned.
///
/// The bytes go to a temporary file in the same folder (`.NAME.XXXXXX`), which is flushed
/// (`fsync`), renamed over `path`, and then the folder itself is flushed: a rename is only
/// durable once the directory entry is on disk.
///
/// Blocking: call it from a thread of its own, never from Swift's cooperative pool.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically and durably, with permissions `mode`.
    ///
    /// With `durable: false` nothing is flushed: readers still see the old bytes or the new
    /// ones, but a power cut may leave either, or an empty file. For files that can be made
    /// again from another one and are checked against it (a feed's `.gz`).
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644, durable: Bool = true) throws(AtomicFileError) {
        _ = try publish(
            bytes, at: path, mode: mode, operation: "cannot rename into place", keepsTemporaryName: false, durable: durable
        ) {
            rename($0, path)
        }
    }

    /// Makes `path` hold `bytes` (permissions `mode`) if no file is there, atomically and
    /// durably: the file appears whole or not at all (`link(2)`, which fails on an existing
    /// name). Returns false, changing nothing, when a file was already there: several processes
    /// racing to create the same file all end up reading the one that won.
    public static func create(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws(AtomicFileError) -> Bool {
        try publish(bytes, at: path, mode: mode, operation: "cannot link into place", keepsTemporaryName: true) {
            link($0, path)
        }
    }

    /// Writes `bytes` to a flushed temporary file next to `path`, puts it in place with
    /// `place` (0 or -1 and `errno`, as rename(2) and link(2)), then flushes the folder.
    /// False when `place` found the name taken (EEXIST) and `keepsTemporaryName` (a link).
    private static func publish(
        _ bytes: [UInt8], at path: String, mode: mode_t, operation: String, keepsTemporaryName: Bool, durable: Bool = true,
        place: (String) -> Int32
    ) throws(AtomicFileError) -> Bool {
        let (folder, name) = split(path)
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw AtomicFileError(path: path, operation: "cannot create a temporary file", SystemError(errno)) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do throws(AtomicFileError) {
            try write(bytes, to: descriptor, path: path, mode: mode, flush: durable)
        } catch {
            unlink(temporary)
            throw error
        }
        let placed = place(temporary) == 0
        let code = errno
        // A link leaves the temporary name behind; a failed rename too.
        if keepsTemporaryName || !placed { unlink(temporary) }
        guard placed else {
            if code == EEXIST && keepsTemporaryName { return false }
            throw AtomicFileError(path: path, operation: operation, SystemError(code))
        }
        if durable { try syncFolder(folder) }
        return true
    }

    /// Flushes the directory entries of `folder` to disk (after a rename, a link or an unlink).
    public static func syncFolder(_ folder: String) throws(AtomicFileError) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AtomicFileError(path: folder, operation: "cannot open the folder to flush it", SystemError(errno)) }
        let synced = fsync(descriptor) == 0 ? nil : SystemError(errno)
        close(descriptor)
        if let synced { throw AtomicFileError(path: folder, operation: "cannot flush the folder to disk", synced) }
    }

    /// Writes all of `bytes`, sets `mode` (unless `nil`), flushes and closes `descriptor` (closed
    /// on failure too); errors name `path`. For files that are put in place some other way
    /// (a Maildir message, named by its delivery).
    public static func write(
        _ bytes: [UInt8], to descriptor: Int32, path: String, mode: mode_t?, flush: Bool = true
    ) throws(AtomicFileError) {
        func fail(_ operation: String) -> AtomicFileError {
            let error = AtomicFileError(path: path, operation: operation, SystemError(errno))
            close(descriptor)
            return error
        }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw fail("cannot write")
            }
            written += result
        }
        // Readers get `mode` whatever the umask applied to mkstemp's 0600.
        if let mode { guard fchmod(descriptor, mode) == 0 else { throw fail("cannot set permissions") } }
        if flush { guard fsync(descriptor) == 0 else { throw fail("cannot flush to disk") } }
        // On some file systems (NFS) a write error only shows at close.
        guard close(descriptor) == 0 else { throw AtomicFileError(path: path, operation: "cannot close", SystemError(errno)) }
    }

    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = path[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(path[path.index(after: slash)...]))
    }
}

/// A file could not be replaced; the previous version, if any, is still in place.
public struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// What failed: `cannot write`, `cannot flush to disk`…
    public var operation: String
    public var cause: SystemError

    public init(path: String, operation: String, _ cause: SystemError) {
        self.path = path
        self.operation = operation
        self.cause = cause
    }

    public var description: String { "\(path): \(operation): \(cause)" }
}
