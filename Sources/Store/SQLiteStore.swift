import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode (readers never wait for the
/// writer), with a busy timeout (several processes share the file: the daemon, a CLI send),
/// foreign keys on, and `synchronous = FULL` (a committed delivery outcome survives a power
/// cut: it is what keeps a crash from mailing someone twice). Beside it, `PATH.handover/` holds
/// each delivery worker's record of the messages it handed to its transport.
///
/// Every call runs on GRDB's own queues, never on Swift's cooperative pool, but for the
/// `…Blocking` ones, made for threads of the caller's own.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// The file, as given.
    public let path: String
    /// Which deliveries each worker handed to its transport (`PATH.handover/`).
    let handovers: HandoverJournal

    /// Opens (creating it and its folder if needed) the store at `path` and applies every
    /// migration.
    public init(path: String, busyTimeout: TimeInterval = 10) throws(StoreError) {
        self.path = path
        handovers = HandoverJournal(
            directory: path + ".handover", hint: "check that Herald may write in the folder of the store (store.path)")
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the store \(path): \(Self.describe(error)); check store.path and its folder's permissions")
        }
    }

    /// Runs `body` in a write transaction on GRDB's writer queue (committed with
    /// `synchronous = FULL`: on disk when this returns).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError("store \(path): \(Self.describe(error))")
        }
    }

    /// Runs `body` on a reader of the pool.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError("store \(path): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }
}

extension Date {
    /// Dates are stored as seconds since 1970 (REAL): compared and indexed as numbers.
    var storeValue: Double { timeIntervalSince1970 }
    init(storeValue: Double) { self.init(timeIntervalSince1970: storeValue) }
}
