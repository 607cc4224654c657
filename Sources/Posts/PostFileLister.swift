import DurableFiles
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Walks the posts folder and lists the files that are posts.
///
/// Uses `readdir`/`lstat` directly: it sees symbolic links as links (so it can refuse those that
/// lead outside the folder) and it is fast on folders of tens of thousands of files.
struct PostFileLister {
    struct File: Sendable {
        /// Relative to the root, `/`-separated.
        var relativePath: String
        var absolutePath: String
        /// The folder's absolute path and the file's name in it, for `openat`.
        var folder: String
        var name: String
    }

    struct Problem {
        var path: String
        var message: String
    }

    let root: URL

    /// What `list` found.
    struct Listing {
        var files: [File] = []
        var problems: [Problem] = []
        /// The folder, or one of its subfolders, could not be read: which posts exist is unknown.
        var isIncomplete = false
    }

    /// Lists every post file, sorted by path.
    /// - Parameter visitor: called on the caller's thread with each folder's files as soon as
    ///   that folder has been read, so that reading them can start while listing goes on.
    func list(visitor: ((_ folder: String, _ files: [File]) -> Void)? = nil) -> Listing {
        var listing = Listing()
        let rootPath = root.standardizedFileURL.path
        guard let realRoot = Self.realPath(rootPath) else {
            listing.isIncomplete = true
            listing.problems.append(Problem(path: "", message: "posts folder \(rootPath) does not exist or cannot be read"))
            return listing
        }
        // Folders are recognised by device and inode, so that a symbolic link back to a folder
        // already walked (or to its parent) is not read twice.
        var visitedFolders = Set<FileIdentity>()
        // Symbolic links to files, kept apart: a link to a post that is read anyway is an alias.
        var linkedFiles: [(file: File, target: String)] = []
        var pending: [(absolute: String, relative: String)] = [(rootPath, "")]
        while let (directory, relative) = pending.popLast() {
            guard let handle = opendir(directory) else {
                listing.problems.append(Problem(path: relative, message: "cannot open folder: \(SystemError(errno).description)"))
                listing.isIncomplete = true
                continue
            }
            var folderInfo = stat()
            if fstat(dirfd(handle), &folderInfo) == 0,
                !visitedFolders.insert(FileIdentity(device: folderInfo.st_dev, inode: folderInfo.st_ino)).inserted
            {
                closedir(handle)
                continue
            }
            let firstFile = listing.files.count
            defer {
                closedir(handle)
                if let visitor, listing.files.count > firstFile { visitor(directory, Array(listing.files[firstFile...])) }
            }
            while let entry = readdir(handle) {
                let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    Array(raw.prefix(while: { $0 != 0 }))
                }
                guard let name = String(validating: nameBytes, as: UTF8.self) else {
                    let shown = String(decoding: nameBytes, as: UTF8.self)
                    if Self.isPostName(shown) {
                        let path = relative.isEmpty ? shown : relative + "/" + shown
                        listing.problems.append(Problem(path: path, message: "file name is not valid UTF-8; rename the file"))
                    }
                    continue
                }
                if name == "." || name == ".." || Self.isIgnored(name) { continue }
                let absolute = directory + "/" + name
                let relativePath = relative.isEmpty ? name : relative + "/" + name
                // readdir's d_type saves an lstat per file on every common file system.
                var info = stat()
                var kind: mode_t
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): kind = S_IFREG
                case Int32(DT_DIR): kind = S_IFDIR
                default:
                    guard lstat(absolute, &info) == 0 else { continue }
                    kind = info.st_mode & S_IFMT
                }
                var linkTarget: String?
                if kind == S_IFLNK {
                    let resolved = Self.realPath(absolute)
                    guard let target = resolved, target == realRoot || target.hasPrefix(realRoot + "/") else {
                        if Self.isPostName(name) || resolved == nil {
                            listing.problems.append(Problem(
                                path: relativePath,
                                message: "symbolic link points outside the posts folder (or nowhere); it is not read"))
                        }
                        continue
                    }
                    guard stat(absolute, &info) == 0 else { continue }
                    kind = info.st_mode & S_IFMT
                    linkTarget = target
                }
                if kind == S_IFDIR {
                    pending.append((absolute, relativePath))
                } else if kind == S_IFREG, Self.isPostName(name) {
                    let file = File(relativePath: relativePath, absolutePath: absolute, folder: directory, name: name)
                    if let linkTarget {
                        linkedFiles.append((file, linkTarget))
                    } else {
                        listing.files.append(file)
                    }
                }
            }
        }
        let readAnyway = Set(listing.files.map { realRoot + "/" + $0.relativePath })
        let linked = linkedFiles.filter { !readAnyway.contains($0.target) }.map(\.file)
        if !linked.isEmpty, let visitor { visitor(rootPath, linked) }
        listing.files += linked
        listing.files.sort { $0.relativePath < $1.relativePath }
        return listing
    }

    /// A file's identity on its file system.
    private struct FileIdentity: Hashable {
        var device: dev_t
        var inode: ino_t
    }

    /// Hidden, `_`-prefixed and editor leftovers are never read.
    static func isIgnored(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, let last = bytes.last else { return true }
        return first == UInt8(ascii: ".") || first == UInt8(ascii: "_") || last == UInt8(ascii: "~")
            || (first == UInt8(ascii: "#") && last == UInt8(ascii: "#"))
            || hasSuffix(bytes, ".swp") || hasSuffix(bytes, ".swx") || hasSuffix(bytes, ".tmp")
    }

    static func isPostName(_ name: String) -> Bool {
        hasSuffix(name.utf8, ".md") || hasSuffix(name.utf8, ".markdown")
    }

    /// Byte comparison: `String.hasSuffix` compares grapheme clusters, which is slow and, for
    /// file names, not what is meant.
    private static func hasSuffix(_ bytes: String.UTF8View, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return suffix.withUTF8Buffer { bytes.suffix(count).elementsEqual($0) }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
