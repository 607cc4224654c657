import Foundation
import PostgresStore

/// What `herald check` verifies of the store beyond config.json's syntax, without writing
/// anything: that a PostgreSQL store's journal folder (`store.handoverDirectory`) can be made
/// and written by the user running the check. A folder it cannot write stops every send at its
/// first message ("nothing was sent"): better said before.
public struct StoreSetupCheck: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Every problem found, located at its key; empty when the store setup is usable.
    public func problems() -> [ConfigurationError] {
        guard case .postgres(let settings, _) = configuration.store else { return [] }
        guard let reason = Self.unwritable(settings.handoverDirectory.path) else { return [] }
        return [configuration.error(
            at: "store.handoverDirectory",
            "\(settings.handoverDirectory.path): \(reason); set store.handoverDirectory to a local folder that every Herald process of this host may write, such as \"/var/lib/herald/handover\"",
            locator: configuration.keyLocator())]
    }

    /// Why `path` cannot be used as a folder Herald writes in (itself, or the nearest folder
    /// above it that exists, in which it would be made); nil when it can.
    static func unwritable(_ path: String) -> String? {
        var candidate = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder) {
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return "no folder above it exists" }
            candidate = parent
        }
        guard isFolder.boolValue else { return "\(candidate.path) is not a folder" }
        guard access(candidate.path, W_OK | X_OK) == 0 else {
            return "\(candidate.path) cannot be written by this user (\(String(cString: strerror(errno))))"
        }
        return nil
    }
}
