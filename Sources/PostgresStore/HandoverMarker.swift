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
    /// Connections waiting for the next mark, with when each was last used.
    private let idle = Mutex<[(connection: PostgresConnection, used: NIODeadline)]>([])
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
        for (connection, _) in idle.withLock({ $0 }) { Self.close(connection) }
    }

    /// How long a mark may take; then its connection is closed (a peer gone silent, a link
    /// dropped by a firewall) and the mark is made again on a new one.
    static let markLimit: TimeAmount = .seconds(5)
    /// A connection idle longer than this is not reused (middleboxes drop idle connections
    /// without a word): a new one is opened.
    static let idleLimit: TimeAmount = .seconds(60)

    /// Sends the mark of row `id` now, on a connection of its own, and returns what waits for
    /// its commit (failed after `markLimit`); `nil` when no connection could be had (the caller
    /// marks the slow way).
    func begin(_ id: Int64, owner: String) -> EventLoopFuture<Void>? {
        guard let connection = try? self.connection() else { return nil }
        let done = connection.eventLoop.makePromise(of: Void.self)
        let limit = connection.eventLoop.scheduleTask(in: Self.markLimit) {
            done.fail(StoreError("no answer to the mark within \(Self.markLimit.nanoseconds / 1_000_000_000) s"))
        }
        connection.query("SELECT heraldMarkHandedOver(\(id), \(owner))", logger: logger).map { _ in () }.cascade(to: done)
        return done.futureResult.always { [self] result in
            limit.cancel()
            if case .success = result {
                self.idle.withLock { $0.append((connection, .now())) }
            } else {
                Self.close(connection)
            }
        }
    }

    /// An idle connection used lately, or a new one (blocking the calling thread while it
    /// connects).
    private func connection() throws -> PostgresConnection {
        while let (kept, used) = idle.withLock({ $0.popLast() }) {
            if !kept.isClosed && used + Self.idleLimit > .now() { return kept }
            Self.close(kept)
        }
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
            id: nextID.add(1, ordering: .relaxed).newValue, logger: logger
        ).wait()
    }

    /// Closes `connection`, keeping it alive until it is closed (postgres-nio requires a
    /// connection to be closed before it goes).
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
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
