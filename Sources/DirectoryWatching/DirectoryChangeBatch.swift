/// What changed under a watched folder since the last batch.
public struct DirectoryChangeBatch: Sendable, Hashable {
    /// Absolute paths of files created, written, moved in or out, or deleted (names the
    /// watcher ignores left out). A path may be listed and no longer exist: it was removed.
    public var paths: Set<String> = []
    /// Events were lost (the kernel's queue overflowed, a watch was lost, a folder moved, the
    /// folder itself was removed and came back) or the periodic safety scan is due: compare
    /// the whole folder with what you have, rather than only `paths`.
    public var needsRescan = false

    public init(paths: Set<String> = [], needsRescan: Bool = false) {
        self.paths = paths
        self.needsRescan = needsRescan
    }

    /// Nothing to do.
    public var isEmpty: Bool { paths.isEmpty && !needsRescan }

    /// Both batches' changes in one.
    mutating func merge(_ other: DirectoryChangeBatch) {
        paths.formUnion(other.paths)
        needsRescan = needsRescan || other.needsRescan
    }
}
