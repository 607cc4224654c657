#if canImport(Glibc)
import Glibc
#endif

/// What `PostsReader.refresh` keeps between calls: each post file's stamp and what reading it
/// gave, so that an unchanged file is neither read nor parsed again.
public struct PostsCache: Sendable {
    struct Entry: Sendable {
        /// `nil` when the file could not be stat-ed: it is read again next time.
        var stamp: FileStamp?
        var outcome: PostParser.Outcome
    }

    var files: [String: Entry] = [:]
    /// The folder as last listed (or updated path by path).
    var listing: PostFileLister.Listing?
    /// How many files the last refresh read (the others came from the cache).
    public internal(set) var lastReadCount = 0

    public init() {}
}

/// What tells that a file changed without reading it: size, modification and status-change
/// times to the nanosecond, device and inode (a file renamed over another has a new inode,
/// even with the same size and times).
struct FileStamp: Sendable, Hashable {
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int
    var changed: Int64
    var changedNanoseconds: Int
    var device: UInt64
    var inode: UInt64

    /// The stamp of the file at `path` (following links), or `nil` when it cannot be stat-ed.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = info.st_mtim.tv_nsec
        changed = Int64(info.st_ctim.tv_sec)
        changedNanoseconds = info.st_ctim.tv_nsec
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
