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

    /// Lists every post file, sorted by path.
    /// - Parameter visitor: called on the caller's thread with each folder's files as soon as
    ///   that folder has been read, so that reading them can start while listing goes on.
    func list(visitor: ((_ folder: String, _ files: [File]) -> Void)? = nil) -> (files: [File], problems: [Problem]) {
        var files: [File] = []
        var problems: [Problem] = []
        let rootPath = root.standardizedFileURL.path
        guard let realRoot = Self.realPath(rootPath) else {
            problems.append(Problem(path: "", message: "posts folder \(rootPath) does not exist or cannot be read"))
            return (files, problems)
        }
        var visitedDirectories: Set<String> = [realRoot]
        var pending: [(absolute: String, relative: String)] = [(rootPath, "")]
        while let (directory, relative) = pending.popLast() {
            guard let handle = opendir(directory) else {
                problems.append(Problem(path: relative, message: "cannot open folder: \(String(cString: strerror(errno)))"))
                continue
            }
            let firstFile = files.count
            defer {
                closedir(handle)
                if let visitor, files.count > firstFile { visitor(directory, Array(files[firstFile...])) }
            }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
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
                if kind == S_IFLNK {
                    guard let target = Self.realPath(absolute), target == realRoot || target.hasPrefix(realRoot + "/") else {
                        if Self.isPostName(name) || Self.realPath(absolute) == nil {
                            problems.append(Problem(
                                path: relativePath,
                                message: "symbolic link points outside the posts folder (or nowhere); it is not read"))
                        }
                        continue
                    }
                    guard stat(absolute, &info) == 0 else { continue }
                    kind = info.st_mode & S_IFMT
                    if kind == S_IFDIR {
                        guard visitedDirectories.insert(target).inserted else { continue }
                    }
                }
                if kind == S_IFDIR {
                    pending.append((absolute, relativePath))
                } else if kind == S_IFREG, Self.isPostName(name) {
                    files.append(File(relativePath: relativePath, absolutePath: absolute, folder: directory, name: name))
                }
            }
        }
        files.sort { $0.relativePath < $1.relativePath }
        return (files, problems)
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
