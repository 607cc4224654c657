import DurableFiles
import Feeds
import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The feed files the server sends, read from the feeds folder and kept in memory.
///
/// A request never reads a file: it takes the copy in memory, which is checked against the
/// file (its inode, size and mtime) at most once a second, or at once after `invalidate()`
/// (the daemon calls it after each build). Reads and checks run on NIO's blocking thread
/// pool, never on an event loop or the cooperative pool. Memory is bounded: past
/// `memoryLimit` bytes, the files asked for longest ago are dropped (and read again when asked).
final class FeedFiles: Sendable {
    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var modified: Int
        var gzipModified: Int?
    }

    private struct Entry {
        var file: FeedFile
        var identity: Identity
        var checked: ContinuousClock.Instant
        var generation: Int
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var generation = 0
    }

    let directory: URL
    /// The largest feed file read (a feed is at most a few MB; a bigger file is not one of ours).
    static let maxFileSize = 64 << 20
    let memoryLimit: Int
    let recheckInterval: Duration
    private let state = Mutex(State())
    private let threadPool: NIOThreadPool

    init(
        directory: URL, memoryLimit: Int = 64 << 20, recheckInterval: Duration = .seconds(1),
        threadPool: NIOThreadPool = .singleton
    ) {
        self.directory = directory
        self.memoryLimit = memoryLimit
        self.recheckInterval = recheckInterval
        self.threadPool = threadPool
    }

    /// The files may have changed: the next request for each checks it.
    func invalidate() {
        state.withLock { $0.generation += 1 }
    }

    /// The file at `path`, or `nil` when there is none (or it is not a regular file, or is
    /// reached through a symbolic link).
    func file(_ path: FeedPath) async -> FeedFile? {
        let key = path.relative
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let cached, cached.generation == generation, now - cached.checked < recheckInterval {
            return cached.file
        }
        let root = directory.path
        let known = cached?.identity
        let loaded = try? await threadPool.runIfActive { Self.load(path, root: root, unless: known) }
        return state.withLock { state in
            switch loaded {
            case .none, .some(.missing):
                if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.file.size }
                return nil
            case .some(.unchanged):
                guard var entry = state.entries[key] else { return cached?.file }
                entry.checked = now
                entry.generation = generation
                state.entries[key] = entry
                return entry.file
            case .some(.read(let file, let identity)):
                if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.file.size }
                state.entries[key] = Entry(file: file, identity: identity, checked: now, generation: generation)
                state.bytes += file.size
                Self.evict(&state, limit: memoryLimit, keeping: key)
                return file
            }
        }
    }

    private static func evict(_ state: inout State, limit: Int, keeping key: String) {
        guard state.bytes > limit else { return }
        for (other, entry) in state.entries.sorted(by: { $0.value.checked < $1.value.checked }) where other != key {
            state.entries.removeValue(forKey: other)
            state.bytes -= entry.file.size
            if state.bytes <= limit { return }
        }
    }

    private enum Loaded {
        case missing
        case unchanged
        case read(FeedFile, Identity)
    }

    /// Opens the file one folder at a time with `O_NOFOLLOW` (no symbolic link is followed,
    /// at any level), and reads it and its `.gz` unless they are as `known`.
    private static func load(_ path: FeedPath, root: String, unless known: Identity?) -> Loaded {
        var folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return .missing }
        defer { close(folder) }
        for name in path.folders {
            let next = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return .missing }
            close(folder)
            folder = next
        }
        let name = path.format.fileName
        let plain = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard plain >= 0 else { return .missing }
        defer { close(plain) }
        var info = stat()
        guard fstat(plain, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= maxFileSize else { return .missing }
        let gzip = openat(folder, name + ".gz", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        defer { if gzip >= 0 { close(gzip) } }
        var gzipInfo = stat()
        let hasGzip = gzip >= 0 && fstat(gzip, &gzipInfo) == 0 && gzipInfo.st_mode & S_IFMT == S_IFREG
            && Int(gzipInfo.st_size) <= maxFileSize
        let identity = Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
            modified: Int(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(info.st_mtim.tv_nsec),
            gzipModified: hasGzip ? Int(gzipInfo.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(gzipInfo.st_mtim.tv_nsec) : nil)
        if identity == known { return .unchanged }
        guard let bytes = readAll(plain, size: Int(info.st_size)) else { return .missing }
        let gzipped = hasGzip ? readAll(gzip, size: Int(gzipInfo.st_size)) : nil
        return .read(
            FeedFile(plain: bytes, gzipped: gzipped, modifiedSeconds: Int(info.st_mtim.tv_sec), format: path.format), identity)
    }

    /// The whole file (it may have grown or shrunk since `fstat`: read to its end, bounded).
    private static func readAll(_ descriptor: Int32, size: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(size, 4096))
        var count = 0
        while true {
            if count == bytes.count {
                guard bytes.count < maxFileSize else { return nil }
                bytes += [UInt8](repeating: 0, count: bytes.count)
            }
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 && errno == EINTR { continue }
            guard read >= 0 else { return nil }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}
