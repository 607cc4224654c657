import DurableFiles
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Which claimed deliveries each worker has handed to its transport: one append-only file per
/// worker, sixteen bytes per message (the row and its attempt), written with one `write(2)`
/// just before the message goes out.
///
/// Why a file. The mark must be made before each message and survive the death of the process
/// (not a power cut: then the row looks never sent and is sent again, as with an unsynced
/// store write). A SQLite transaction per message (locks, a WAL frame) cost about a tenth of a
/// digest send's CPU, a PostgreSQL round trip per message 40 % of its rate; an append costs
/// one system call. The store reads a worker's file when it expires that worker's leases, and
/// the worker removes it when it ends cleanly.
///
/// Why the attempt. A worker may claim the same row again in one run (a deferred row retried):
/// a mark of an earlier attempt must not make the new one look sent.
///
/// Both stores keep one: the SQLite store beside its file, the PostgreSQL store in a local
/// folder (`store.handoverDirectory`), where the instances of one host find one another's.
public final class HandoverJournal: Sendable {
    /// One handed-over message: the row, and the attempt that was sent (`nil` in a file of an
    /// older Herald, which recorded rows only: any attempt).
    public struct Mark: Sendable, Hashable {
        public var id: Int64
        public var attempt: Int?

        public init(id: Int64, attempt: Int?) {
            self.id = id
            self.attempt = attempt
        }

        /// Whether this mark says attempt `attempt` of its row went out.
        public func covers(attempt: Int) -> Bool {
            self.attempt == nil || self.attempt == attempt
        }
    }

    /// The folder of the files, created with the first record.
    public let directory: String
    /// What to check when the folder cannot be written, for error messages.
    private let hint: String
    /// Open files by owner: a worker appends to its own, from several threads.
    private let files = Mutex<[String: Int32]>([:])

    static let suffix = ".marks"
    /// Files of an older Herald: eight bytes per message, the row only.
    static let legacySuffix = ".handover"

    /// - Parameter hint: what to check when the folder cannot be written (named in errors).
    public init(directory: String, hint: String) {
        self.directory = directory
        self.hint = hint
    }

    deinit {
        files.withLock { for descriptor in $0.values { close(descriptor) } }
    }

    /// Records that `owner` handed attempt `attempt` of delivery `id` to its transport.
    public func record(_ id: Int64, attempt: Int, owner: String) throws(StoreError) {
        var record = (id.littleEndian, Int64(attempt).littleEndian)
        let written = try withFile(of: owner) { descriptor in
            withUnsafeBytes(of: &record) { Glibc.write(descriptor, $0.baseAddress, 16) }
        }
        guard written == 16 else {
            throw StoreError("cannot record a handed-over delivery in \(path(of: owner)): \(SystemError(errno)); nothing was sent; \(hint)")
        }
    }

    /// The messages `owner` recorded, in order (a torn last record is ignored); throws when a
    /// file is there but cannot be read (then nothing can be said of its rows).
    public func marks(of owner: String) throws(StoreError) -> [Mark] {
        var marks: [Mark] = []
        for (suffix, size) in [(Self.legacySuffix, 8), (Self.suffix, 16)] {
            let file = path(of: owner, suffix: suffix)
            guard let data = FileManager.default.contents(atPath: file) else {
                if access(file, F_OK) == 0 { throw StoreError("cannot read \(file): \(SystemError(errno)); \(hint)") }
                continue
            }
            data.withUnsafeBytes { raw in
                for offset in stride(from: 0, to: raw.count - (size - 1), by: size) {
                    let id = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                    let attempt = size == 16 ? Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: Int64.self))) : nil
                    marks.append(Mark(id: id, attempt: attempt))
                }
            }
        }
        return marks
    }

    /// Forgets `owner`'s records (it ended, or it is dead and its leases were expired).
    public func remove(_ owner: String) {
        files.withLock { files in
            if let descriptor = files.removeValue(forKey: owner) { close(descriptor) }
        }
        unlink(path(of: owner))
        unlink(path(of: owner, suffix: Self.legacySuffix))
    }

    /// The owners that have a file.
    public func owners() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var owners = Set<String>()
        for name in names {
            for suffix in [Self.suffix, Self.legacySuffix] where name.hasSuffix(suffix) {
                owners.insert(Self.owner(fromFileName: String(name.dropLast(suffix.count))))
            }
        }
        return owners
    }

    private func withFile<T>(of owner: String, _ body: (Int32) -> T) throws(StoreError) -> T {
        let result: Result<T, StoreError> = files.withLock { files in
            // A file removed under an open descriptor (another process thought this worker dead)
            // is opened again: records in an unlinked file would be lost.
            if let descriptor = files[owner] {
                var info = stat()
                if fstat(descriptor, &info) == 0, info.st_nlink > 0 { return .success(body(descriptor)) }
                close(descriptor)
                files[owner] = nil
            }
            var descriptor = open(path(of: owner), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            if descriptor < 0 && errno == ENOENT {
                do {
                    try FileManager.default.createDirectory(
                        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
                } catch {
                    return .failure(StoreError("cannot make the folder \(directory): \(error.localizedDescription); nothing was sent; \(hint)"))
                }
                descriptor = open(path(of: owner), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            }
            guard descriptor >= 0 else {
                return .failure(StoreError("cannot open \(path(of: owner)): \(SystemError(errno)); nothing was sent; \(hint)"))
            }
            files[owner] = descriptor
            return .success(body(descriptor))
        }
        return try result.get()
    }

    private func path(of owner: String, suffix: String = suffix) -> String {
        directory + "/" + Self.fileName(of: owner) + suffix
    }

    /// Owners are `host:pid:random`; a `/` (which no host name has) would leave the folder.
    static func fileName(of owner: String) -> String {
        owner.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }

    static func owner(fromFileName name: String) -> String {
        name.replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
    }
}
