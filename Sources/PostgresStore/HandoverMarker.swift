import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Store
import Synchronization

/// Marks delivery rows handed to the transport, one per message, from a transport's thread,
/// blocking it until the mark is committed: over connections of its own (one per thread at
/// a time, kept for the next mark), through postgres-nio's future-based API, so that a mark
/// costs one round trip and no task, no hop to the cooperative pool, no pool lease.
///
/// These connections commit without waiting for the disk (`synchronous_commit = off`):
/// another session sees a mark once it is committed, so the death of a Herald process loses
/// none; only a crash of the PostgreSQL server may lose the last ones, and those rows are then
/// sent again (as the SQLite store's record of marks may lose its last ones to a power cut).
/// Outcomes, through the main pool, keep waiting for the disk.
final class HandoverMarker: Sendable {
    private let configuration: PostgresConnection.Configuration
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(0)
    private let logger: Logger
    private let displayURL: String

    init(settings: PostgresStoreSettings, password: String?, tls: PostgresConnection.Configuration.TLS, logger: Logger) {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: password, database: settings.database, tls: tls)
        configuration.options.additionalStartupParameters = [("synchronous_commit", "off")]
        configuration.options.connectTimeout = .seconds(10)
        self.configuration = configuration
        self.logger = logger
        displayURL = settings.displayURL
    }

    deinit {
        // Each connection is kept alive by its own completion handler until it is closed
        // (postgres-nio requires a connection to be closed before it goes).
        for connection in idle.withLock({ $0 }) { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    /// Sends the mark of row `id` now, on a connection of its own, and returns what waits for
    /// its commit; `nil` when no connection could be had (the caller marks the slow way).
    func begin(_ id: Int64, owner: String) -> EventLoopFuture<Void>? {
        guard let connection = try? self.connection() else { return nil }
        return connection.query("SELECT heraldMarkHandedOver(\(id), \(owner))", logger: logger).map { _ in () }
            .always { [self] result in
                if case .success = result {
                    self.idle.withLock { $0.append(connection) }
                } else {
                    connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
                }
            }
    }

    /// An idle connection, or a new one (blocking the calling thread while it connects).
    private func connection() throws -> PostgresConnection {
        if let kept = idle.withLock({ $0.popLast() }), !kept.isClosed { return kept }
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
            id: nextID.add(1, ordering: .relaxed).newValue, logger: logger
        ).wait()
    }

    /// Blocks the calling thread (never an event loop's) until row `id` is marked, if `owner`
    /// holds it.
    func mark(_ id: Int64, owner: String) throws(StoreError) {
        guard let started = begin(id, owner: owner) else {
            throw StoreError("store \(displayURL): cannot connect to mark a delivery handed over")
        }
        do {
            try started.wait()
        } catch {
            throw StoreError("store \(displayURL): \(PostgresStore.describe(error))")
        }
    }
}
