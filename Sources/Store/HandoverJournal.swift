import DurableFiles
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Which claimed deliveries each worker has handed to its transport: one append-only file per
/// worker beside the store, eight bytes per delivery, written with one `write(2)` just before
/// the message goes out.
///
/// Why a file. The mark must be made before each message and survive the death of the process
/// (not a power cut: then the row looks never sent and is sent again, as with an unsynced
/// store write). A SQLite transaction per message (locks, a WAL frame) cost about a tenth of a
/// digest send's CPU; an append costs one system call. The store reads a worker's file when it
/// expires that worker's leases, and the worker removes it when it ends cleanly.
///
/// Both stores keep one: the SQLite store beside its file, the PostgreSQL store in a local
/// folder (`store.handoverDirectory`), where the instances of one host find one another's.
public final class HandoverJournal: Sendable {
    /// The folder of the files, created with the first record.
    public let directory: String
    /// Open files by owner: a worker appends to its own, from several threads.
    private let files = Mutex<[String: Int32]>([:])

    public init(directory: String) {
        self.directory = directory
    }

    deinit {
        files.withLock { for descriptor in $0.values { close(descriptor) } }
    }

    /// Records that `owner` handed delivery `id` to its transport.
    public func record(_ id: Int64, owner: String) throws(StoreError) {
        var value = id.littleEndian
        let written = try withFile(of: owner) { descriptor in
            withUnsafeBytes(of: &value) { Glibc.write(descriptor, $0.baseAddress, 8) }
        }
        guard written == 8 else {
            throw StoreError("cannot record a handed-over delivery in \(path(of: owner)): \(SystemError(errno)); nothing was sent")
        }
    }

    /// The deliveries `owner` recorded, in order (a torn last record is ignored).
    public func deliveries(of owner: String) -> [Int64] {
        guard let data = FileManager.default.contents(atPath: path(of: owner)) else { return [] }
        return data.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - 7, by: 8).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: Int64.self)) }
        }
    }

    /// Forgets `owner`'s records (it ended, or it is dead and its leases were expired).
    public func remove(_ owner: String) {
        files.withLock { files in
            if let descriptor = files.removeValue(forKey: owner) { close(descriptor) }
        }
        unlink(path(of: owner))
    }

    /// The owners that have a file.
    public func owners() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { $0.hasSuffix(".handover") }.map { Self.owner(fromFileName: String($0.dropLast(".handover".count))) })
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
                try? FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
                descriptor = open(path(of: owner), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            }
            guard descriptor >= 0 else {
                return .failure(StoreError("cannot open \(path(of: owner)): \(SystemError(errno)); check the store folder's permissions"))
            }
            files[owner] = descriptor
            return .success(body(descriptor))
        }
        return try result.get()
    }

    private func path(of owner: String) -> String {
        directory + "/" + Self.fileName(of: owner) + ".handover"
    }

    /// Owners are `host:pid:random`; a `/` (which no host name has) would leave the folder.
    static func fileName(of owner: String) -> String {
        owner.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }

    static func owner(fromFileName name: String) -> String {
        name.replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
    }
}
