import DurableFiles
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension SubscriberTokens {
    /// Reads the key from `file`, creating it on first use: 32 random bytes, mode 0600 (never
    /// readable by others, even briefly).
    ///
    /// Safe when several processes (or threads) do their first run at once: the new key is
    /// written to a temporary file in the same folder, flushed, then linked into place with
    /// `link(2)`, which fails if a key is already there. So the key file appears whole or not
    /// at all, and whoever loses the race reads the winner's key: everyone uses one key.
    public init(keyFile: URL) throws(SubscriberTokensError) {
        let path = keyFile.path
        if let key = try Self.readKey(at: path) {
            self.init(key: key)
            return
        }
        do {
            try FileManager.default.createDirectory(at: keyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw SubscriberTokensError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        if try Self.install(bytes, at: path) {
            self.init(key: bytes)
        } else if let key = try Self.readKey(at: path) {
            self.init(key: key)
        } else {
            throw SubscriberTokensError(path: path, reason: "another process made the key, and it is gone")
        }
    }

    /// The key in `path`; `nil` when there is no such file.
    private static func readKey(at path: String) throws(SubscriberTokensError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw SubscriberTokensError(path: path, reason: "cannot read it: \(SystemError(code))")
        }
        defer { close(descriptor) }
        // A key is 32 bytes; anything beyond 4 KiB is not one.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= 4096 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SubscriberTokensError(path: path, reason: "cannot read it: \(SystemError(errno))") }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        guard bytes.count >= 32 else {
            throw SubscriberTokensError(
                path: path, reason: "the key is \(bytes.count) bytes; it needs at least 32 (delete the file to have a new one made)")
        }
        return bytes
    }

    /// Puts a file holding `bytes` (mode 0600) at `path` if none is there: true when it did,
    /// false when a file was already there.
    private static func install(_ bytes: [UInt8], at path: String) throws(SubscriberTokensError) -> Bool {
        do {
            return try AtomicFile.create(path, with: bytes, mode: 0o600)
        } catch {
            throw SubscriberTokensError(path: path, reason: "cannot store a new key: \(error)")
        }
    }
}
