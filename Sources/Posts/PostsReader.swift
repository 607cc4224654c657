import Foundation
import Parallel
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Reads every post under a folder, in parallel, into a `PostsSnapshot`.
///
/// Which files are posts: `*.md` and `*.markdown` anywhere under the folder, except hidden
/// files and folders (`.…`), `_`-prefixed ones (`_drafts/`), and editor leftovers (`…~`,
/// `.swp`, `.tmp`, `#…#`). A symbolic link is followed only when its target is inside the
/// folder. A file that cannot be read becomes an error diagnostic; the others are still read.
public struct PostsReader: Sendable {
    /// The posts folder.
    public var directory: URL
    /// Prefix for file names in diagnostics (e.g. `posts/`), so they read from the working directory.
    public var displayPrefix: String
    public var parser: PostParser
    /// Files larger than this are rejected with a diagnostic rather than read.
    public var maximumFileSize: Int

    public init(directory: URL, displayPrefix: String, timeZone: TimeZone, maximumFileSize: Int = 16 << 20) {
        self.directory = directory
        self.displayPrefix = displayPrefix
        self.parser = PostParser(timeZone: timeZone)
        self.maximumFileSize = maximumFileSize
    }

    /// Lists, reads and parses every post. Never throws: a missing folder, an unreadable
    /// file or a broken post is a diagnostic in the result.
    public func read() -> PostsSnapshot {
        // Each folder's files are parsed on Dispatch's worker threads as soon as the folder is
        // listed, in chunks, while listing goes on. Each chunk opens its files relative to a
        // descriptor of their folder (resolving each full path again cost as much as parsing the
        // YAML), held only while the chunk runs, so a tree of thousands of folders stays far
        // below the open-file limit.
        let group = DispatchGroup()
        let parsed = Mutex<[(path: String, outcome: PostParser.Outcome)]>([])
        let listing = PostFileLister(root: directory).list { folder, files in
            for start in stride(from: 0, to: files.count, by: Self.chunkSize) {
                let chunk = Array(files[start..<min(start + Self.chunkSize, files.count)])
                DispatchQueue.global().async(group: group) {
                    let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    defer { if descriptor >= 0 { close(descriptor) } }
                    let outcomes = chunk.map { file in
                        (file.relativePath, readOne(file, folder: descriptor >= 0 && file.folder == folder ? descriptor : nil))
                    }
                    parsed.withLock { $0.append(contentsOf: outcomes) }
                }
            }
        }
        group.wait()

        // Path order, as listed: "first" in duplicate detection must not depend on timing.
        return snapshot(of: listing, outcomes: parsed.withLock { $0 }.sorted { $0.path < $1.path }.map(\.outcome))
    }

    /// Reads again only the posts whose files changed since `cache` saw them (by size,
    /// modification and change times, and inode), and forgets those that are gone: what the
    /// daemon does after each change. The folder is listed whole each time, so nothing a
    /// watcher missed is missed here. `cache` starts empty (the first call reads everything).
    public func refresh(_ cache: inout PostsCache) -> PostsSnapshot {
        let listing = PostFileLister(root: directory).list()
        let stamps = listing.files.map { FileStamp(path: $0.absolutePath) }
        let stale = listing.files.indices.filter { index in
            guard let stamp = stamps[index], let cached = cache.files[listing.files[index].relativePath] else { return true }
            return cached.stamp != stamp
        }
        let fresh = stale.concurrentMap { index in readOne(listing.files[index], folder: nil) }
        var files: [String: PostsCache.Entry] = [:]
        files.reserveCapacity(listing.files.count)
        for (index, file) in listing.files.enumerated() {
            if let cached = cache.files[file.relativePath], let stamp = stamps[index], cached.stamp == stamp {
                files[file.relativePath] = cached
            }
        }
        for (position, index) in stale.enumerated() {
            // A file that could not be stat-ed is read again next time.
            files[listing.files[index].relativePath] = PostsCache.Entry(stamp: stamps[index], outcome: fresh[position])
        }
        cache.files = files
        cache.lastReadCount = stale.count
        return snapshot(of: listing, outcomes: listing.files.map { files[$0.relativePath]!.outcome })
    }

    /// The snapshot of `listing`, whose files' outcomes are `outcomes`, in path order.
    private func snapshot(of listing: PostFileLister.Listing, outcomes: [PostParser.Outcome]) -> PostsSnapshot {
        var diagnostics = listing.problems.map { problem in
            Diagnostic.error(displayPrefix + problem.path, problem.message)
        }
        var posts: [Post] = []
        posts.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            diagnostics.append(contentsOf: outcome.diagnostics)
            if let post = outcome.post { posts.append(post) }
        }
        let unique = PostsSnapshot.removingDuplicates(posts, displayPrefix: displayPrefix)
        diagnostics.append(contentsOf: unique.diagnostics)
        return PostsSnapshot(posts: unique.posts, diagnostics: diagnostics, isComplete: !listing.isIncomplete)
    }

    /// Whether files named `name` are never read as posts (hidden, `_`-prefixed, editors'
    /// leftovers): a watcher can ignore their changes.
    public static func ignores(name: String) -> Bool { PostFileLister.isIgnored(name) }

    /// `bytes` for people: `4 MiB`, `5.2 MiB`, `512 KiB`, `900 bytes`.
    static func size(_ bytes: Int) -> String {
        func scaled(_ unit: Int, _ name: String) -> String {
            bytes % unit == 0 ? "\(bytes / unit) \(name)" : String(format: "%.1f \(name)", Double(bytes) / Double(unit))
        }
        if bytes >= 1 << 20 { return scaled(1 << 20, "MiB") }
        if bytes >= 1 << 10 { return scaled(1 << 10, "KiB") }
        return "\(bytes) bytes"
    }

    /// Files per unit of work: small enough to balance two to eight cores, large enough that
    /// scheduling costs nothing.
    static let chunkSize = 128

    private func readOne(_ file: PostFileLister.File, folder: Int32?) -> PostParser.Outcome {
        let display = displayPrefix + file.relativePath
        let bytes: [UInt8]
        let result = folder.map { FileBytes.read(file.name, in: $0, limit: maximumFileSize) }
            ?? FileBytes.read(file.absolutePath, limit: maximumFileSize)
        switch result {
        case .success(let content): bytes = content
        case .failure(.tooLarge(let size)):
            return .init(post: nil, diagnostics: [
                .error(
                    display,
                    "file is \(Self.size(size)); posts over \(Self.size(maximumFileSize)) are not read (posts.maxSize)")
            ])
        case .failure(.unreadable(let reason)):
            return .init(post: nil, diagnostics: [.error(display, "cannot read the file: \(reason)")])
        }
        return parser.parse(bytes, path: file.relativePath, displayPath: display)
    }
}
