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
    /// The last snapshot, and where each post is in it, by path.
    private var snapshot: PostsSnapshot?
    private var positions: [String: Int] = [:]

    public init() {}

    /// Keeps `snapshot` for the next refresh. A patched one keeps every post where it was, so
    /// the positions are worked out again only for a snapshot put together anew.
    mutating func remember(_ snapshot: PostsSnapshot, patched: Bool) {
        if !patched { positions = Dictionary(snapshot.posts.enumerated().map { ($1.path, $0) }) { first, _ in first } }
        self.snapshot = snapshot
    }

    /// The last snapshot with the posts of `outcomes` (by path) replaced, when nothing else can
    /// have changed: the same files, and each replaced post clean before and after, with the
    /// same slug, id and draft state (what duplicate detection looks at). `nil` otherwise.
    func patchedSnapshot(replacing outcomes: [(path: String, outcome: PostParser.Outcome)], sameFiles: Bool) -> PostsSnapshot? {
        guard sameFiles, var patched = snapshot, !outcomes.isEmpty else { return nil }
        for (path, outcome) in outcomes {
            guard let old = files[path]?.outcome, old.diagnostics.isEmpty, outcome.diagnostics.isEmpty,
                let oldPost = old.post, let newPost = outcome.post, let position = positions[path],
                patched.posts[position].path == path, oldPost.slug == newPost.slug, oldPost.explicitID == newPost.explicitID,
                oldPost.isDraft == newPost.isDraft
            else { return nil }
            patched.posts[position] = newPost
        }
        return patched
    }
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
