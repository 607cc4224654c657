import DurableFiles
import Foundation
import Gzip
import Parallel

#if canImport(Glibc)
import Glibc
#endif

/// Publishes feed files into the `feeds/` folder so that a reader never sees half a file.
///
/// Each changed file is written to a temporary file in its own folder, flushed to disk
/// (`fsync`) and renamed over the old one, and the folder is flushed after the rename
/// (`AtomicFile`). A file whose bytes are already there is not
/// touched (its mtime, and so HTTP caching, stay as they were). Feed files that the new set
/// no longer contains (a tag that disappeared, a format that was turned off) are removed;
/// nothing else in the folder is.
///
/// Beside each feed goes its gzip (`atom.xml.gz`), written just before it, so that the HTTP
/// server sends compressed feeds without compressing per request. The `.gz` is not flushed:
/// it can be made again, and the server checks that it holds the feed's bytes (its CRC-32
/// and length) before it sends it.
///
/// Blocking file I/O: call it from a thread of its own, not from the cooperative pool.
public struct FeedPublisher: Sendable {
    public var directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The most bytes of feeds (by their expected sizes) made and written at once; a larger
    /// feed is made alone.
    static let inFlightLimit = 16 << 20

    /// What `publish` did, by path relative to the feeds folder.
    public struct Report: Sendable, Hashable {
        public var written: [String] = []
        public var unchanged: [String] = []
        public var removed: [String] = []
    }

    /// Publishes `files`.
    public func publish(_ files: [FeedFile]) throws(FeedPublishError) -> Report {
        try publish(paths: files.map(\.path)) { index in .success(files[index]) }
    }

    /// Publishes the files at `paths`, asking `make` for each one's content on the thread that
    /// then writes it: producing a feed and flushing another one overlap.
    ///
    /// Each file is compared, written and flushed (`fsync`) on one of several threads: the
    /// flushes dominate, and the file system batches concurrent ones into one journal commit.
    ///
    /// `expectedSizes` (by index, bytes) bound the memory: files are made and written together
    /// only while their expected sizes add up to `inFlightLimit` at most. Feed files in neither
    /// `paths` nor `keeping` are removed (`keeping` is `nil`: only those in `paths` stay).
    public func publish(
        paths: [String], expectedSizes: [Int] = [], keeping: Set<String>? = nil,
        make: @escaping @Sendable (Int) -> Result<FeedFile, FeedPublishError>
    ) throws(FeedPublishError) -> Report {
        var report = Report()
        let root = directory.standardizedFileURL.path
        let folders = Set(paths.map { ((root + "/" + $0) as NSString).deletingLastPathComponent })
        for folder in folders.sorted() {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FeedPublishError(path: folder, reason: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        @Sendable func publishOne(_ index: Int) -> Result<Bool, FeedPublishError> {
            let file: FeedFile
            switch make(index) {
            case .success(let made): file = made
            case .failure(let error): return .failure(error)
            }
            let path = root + "/" + file.path
            let plainIsThere = Self.hasContent(file.bytes, at: path)
            if plainIsThere && Self.hasGzip(of: file.bytes, at: path + ".gz") { return .success(false) }
            do throws(AtomicFileError) {
                try AtomicFile.replace(path + ".gz", with: Gzip.compress(file.bytes, level: Self.gzipLevel), durable: false)
                if plainIsThere { return .success(false) }
                try AtomicFile.replace(path, with: file.bytes)
                return .success(true)
            } catch {
                return .failure(FeedPublishError(path: path, reason: "\(error.operation): \(error.cause)"))
            }
        }
        let inFlight = InFlightBytes(limit: Self.inFlightLimit)
        let outcomes = Array(paths.indices).blockingConcurrentMap(width: 8) { index -> Result<Bool, FeedPublishError> in
            inFlight.reserving(index < expectedSizes.count ? expectedSizes[index] : 0) { publishOne(index) }
        }
        for (path, outcome) in zip(paths, outcomes) {
            if try outcome.get() {
                report.written.append(path)
            } else {
                report.unchanged.append(path)
            }
        }
        report.written.sort()
        report.unchanged.sort()
        report.removed = removeStale(keeping: Set(paths).union(keeping ?? []), root: root)
        return report
    }

    /// Whether `path` is a folder itself, not a symbolic link to one.
    static func isRealFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// zlib's level for the `.gz` files: 9 costs several times the CPU of 6 for a few percent.
    static let gzipLevel: Int32 = 6

    /// Whether the gzip file at `path` holds `bytes` (by its trailer).
    static func hasGzip(of bytes: [UInt8], at path: String) -> Bool {
        guard let existing = FileManager.default.contents(atPath: path) else { return false }
        return Gzip.holds(bytes, in: [UInt8](existing))
    }

    /// Whether the file at `path` holds exactly `bytes` (size first, then content).
    static func hasContent(_ bytes: [UInt8], at path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) == bytes.count else { return false }
        guard let existing = FileManager.default.contents(atPath: path) else { return false }
        return existing.elementsEqual(bytes)
    }

    /// Removes Herald's own feed files (by name, in the layout's folders) that are not in `keep`.
    /// Temporary files (`.atom.xml.XXXXXX`) that a crash left behind. Only those older than
    /// ten minutes: a younger one may belong to another Herald process writing right now.
    private func removeLeftoverTemporaryFiles(in folders: [String], root: String) {
        let prefixes = FeedFormat.allCases.flatMap { [".\($0.fileName).", ".\($0.fileName).gz."] }
        let cutoff = Date().addingTimeInterval(-600)
        for folder in folders {
            let path = folder.isEmpty ? root : root + "/" + folder
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for entry in entries where prefixes.contains(where: { entry.hasPrefix($0) && entry.utf8.count == $0.utf8.count + 6 }) {
                let file = path + "/" + entry
                if let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
                    modified < cutoff
                {
                    unlink(file)
                }
            }
        }
    }

    private func removeStale(keeping keep: Set<String>, root: String) -> [String] {
        let names = FeedFormat.allCases.map(\.fileName)
        var candidates = names
        var folders = [""]
        for group in ["tags", "authors"] {
            let groupPath = root + "/" + group
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: groupPath) else { continue }
            // Only real folders: a symbolic link there (put by hand) could lead the removal
            // out of the feeds folder.
            for folder in entries.sorted() where !folder.hasPrefix(".") && Self.isRealFolder(groupPath + "/" + folder) {
                candidates += names.map { "\(group)/\(folder)/\($0)" }
                folders.append("\(group)/\(folder)")
            }
        }
        removeLeftoverTemporaryFiles(in: folders, root: root)
        var removed: [String] = []
        for candidate in candidates where !keep.contains(candidate) {
            let path = root + "/" + candidate
            // The .gz first: a .gz never outlives its feed.
            unlink(path + ".gz")
            if unlink(path) == 0 {
                removed.append(candidate)
                // Leaves the folder if anything else is in it.
                rmdir((path as NSString).deletingLastPathComponent)
            }
        }
        return removed
    }
}

/// A feed file could not be written; the previous version, if any, is still in place.
public struct FeedPublishError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
