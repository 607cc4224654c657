import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode (readers never wait for the
/// writer), with a busy timeout (several processes share the file: the daemon, a CLI send),
/// foreign keys on, and every `write` committed with `synchronous = FULL` (a committed delivery
/// outcome survives a power cut: it is what keeps a crash from mailing someone twice).
///
/// Every call runs on GRDB's own queues, never on Swift's cooperative pool, but for the
/// `…Blocking` ones, made for threads of the caller's own.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    /// The file, as given.
    public let path: String

    /// Opens (creating it and its folder if needed) the store at `path` and applies every
    /// migration.
    public init(path: String, busyTimeout: TimeInterval = 10) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        // The connection's default is for the cheap marks (`writeUnsynced`), made once per
        // message; `write` raises it to FULL around each of its transactions.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
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

    /// Runs `body` in a write transaction on GRDB's writer queue, committed with
    /// `synchronous = FULL`: the commit is on disk when this returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Back to the connection's default before anything else is written on it.
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
                return try Self.transaction(db, body)
            }
        } catch {
            throw StoreError("store \(path): \(Self.describe(error))")
        }
    }

    /// Runs `body` in a write transaction committed with `synchronous = NORMAL`: kept if the
    /// process dies (the WAL is written), possibly lost on a power cut or a kernel crash, until
    /// the next `write` syncs the log. For marks that are cheap to lose and costly to sync per
    /// message.
    func writeUnsynced<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.writeWithoutTransaction { db in try Self.transaction(db, body) }
        } catch {
            throw StoreError("store \(path): \(Self.describe(error))")
        }
    }

    /// One statement, committed on its own (SQLite's autocommit: no BEGIN and COMMIT to run)
    /// with `synchronous = NORMAL`, blocking the calling thread instead of suspending: for a
    /// thread of the caller's own (never one of the cooperative pool's), where GRDB runs
    /// `body` on that same thread and no hand-off is paid. `body` must write with one
    /// statement.
    func writeStatementBlocking<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction(body)
        } catch {
            throw StoreError("store \(path): \(Self.describe(error))")
        }
    }

    private static func transaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        var value: T?
        try db.inTransaction(.immediate) {
            value = try body(db)
            return .commit
        }
        return value!
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
