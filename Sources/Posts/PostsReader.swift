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
    /// daemon does after each change. `cache` starts empty (the first call reads everything).
    ///
    /// With `changed` (absolute paths a watcher reported), only those files are looked at:
    /// the cost is that of the change, not of the folder. Without it, or when a path cannot be
    /// handled alone (a symbolic link, a path outside the folder), the folder is listed whole,
    /// so nothing a watcher missed is missed here.
    public func refresh(_ cache: inout PostsCache, changed: Set<String>? = nil) -> PostsSnapshot {
        let listing: PostFileLister.Listing
        let candidates: [Int]
        if let changed, let previous = cache.listing, let updated = Self.applying(changed, to: previous, root: directory) {
            (listing, candidates) = updated
        } else {
            listing = PostFileLister(root: directory).list()
            candidates = Array(listing.files.indices)
        }
        let stamps = candidates.map { FileStamp(path: listing.files[$0].absolutePath) }
        let stale = candidates.indices.filter { position in
            guard let stamp = stamps[position], let cached = cache.files[listing.files[candidates[position]].relativePath] else { return true }
            return cached.stamp != stamp
        }
        let fresh = stale.concurrentMap { position in readOne(listing.files[candidates[position]], folder: nil) }
        // The common change, a post edited without touching its slug, id or draft state and
        // clean before and after: the last snapshot with that post replaced, rather than a new
        // one put together from every post.
        let patched = cache.patchedSnapshot(
            replacing: stale.indices.map { (listing.files[candidates[stale[$0]]].relativePath, fresh[$0]) },
            sameFiles: listing.files.count == cache.listing?.files.count && candidates.count < listing.files.count)
        // Taken out of the cache, so that changing it does not copy ten thousand entries.
        var files = cache.files
        cache.files = [:]
        for (position, staleIndex) in zip(stale.indices, stale) {
            // A file that could not be stat-ed is read again next time.
            files[listing.files[candidates[staleIndex]].relativePath] = PostsCache.Entry(stamp: stamps[staleIndex], outcome: fresh[position])
        }
        if files.count != listing.files.count || candidates.count == listing.files.count {
            // What the listing no longer holds is gone.
            let present = Set(listing.files.map(\.relativePath))
            files = files.filter { present.contains($0.key) }
        }
        cache.files = files
        cache.listing = listing
        cache.lastReadCount = stale.count
        let result = patched ?? snapshot(of: listing, outcomes: listing.files.map { files[$0.relativePath]!.outcome })
        cache.remember(result, patched: patched != nil)
        return result
    }

    /// `listing` with the files at `paths` added, kept or removed as they now are, and the
    /// indices of the files to look at; `nil` when a path needs the whole folder listed.
    private static func applying(
        _ paths: Set<String>, to listing: PostFileLister.Listing, root: URL
    ) -> (listing: PostFileLister.Listing, touched: [Int])? {
        let rootPath = root.standardizedFileURL.path
        var files = listing.files
        var changedRelative: [String] = []
        for path in paths {
            guard path.hasPrefix(rootPath + "/") else { return nil }
            let relative = String(path.dropFirst(rootPath.count + 1))
            let components = relative.split(separator: "/").map(String.init)
            guard let name = components.last else { continue }
            if components.contains(where: PostFileLister.isIgnored) || !PostFileLister.isPostName(name) { continue }
            var info = stat()
            let exists = lstat(path, &info) == 0
            if exists && (info.st_mode & S_IFMT) != S_IFREG { return nil }
            // The listing is in path order: find where `relative` is, or goes.
            var low = 0
            var high = files.count
            while low < high {
                let middle = (low + high) / 2
                if files[middle].relativePath < relative { low = middle + 1 } else { high = middle }
            }
            let index = low
            let present = index < files.count && files[index].relativePath == relative
            if exists && !present {
                files.insert(
                    PostFileLister.File(
                        relativePath: relative, absolutePath: path, folder: (path as NSString).deletingLastPathComponent, name: name),
                    at: index)
            } else if !exists && present {
                files.remove(at: index)
            }
            if exists { changedRelative.append(relative) }
        }
        var updated = listing
        updated.files = files
        let wanted = Set(changedRelative)
        return (updated, files.indices.filter { wanted.contains(files[$0].relativePath) })
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
