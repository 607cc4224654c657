import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Store

/// The shared store: PostgreSQL through postgres-nio's connection pool, for several Herald
/// instances (on one host or several) draining one queue. Claims use `FOR UPDATE SKIP LOCKED`,
/// planning takes an advisory lock per newsletter, scheduled fires a unique key: what the
/// SQLite store gets from having one writer at a time.
///
/// Messages handed to the transport are recorded as with SQLite, in a local journal
/// (`settings.handoverDirectory`, one file per worker, one `write(2)` per message), which the
/// instances of the same host read when one of them dies; the marks are also copied to the
/// rows within a quarter of a second (`HandoverCopier`), for instances on other hosts.
///
/// Every call goes through the pool's event loops.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    /// This host's record of the messages handed to the transport.
    let handovers: HandoverJournal
    /// Copies those records to the rows.
    let copier: HandoverCopier
    let logger: Logger
    private let running: Task<Void, Never>
    public let settings: PostgresStoreSettings

    /// Connects (lazily: the first query opens the first connection) and, unless
    /// `migrate` is false, applies the migrations not yet applied.
    /// - Parameter password: from `store.passwordFile` or systemd's `store-password` credential.
    public init(
        settings: PostgresStoreSettings, password: String?, migrate: Bool = true,
        logger: Logger = Logger(label: "herald.store", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(StoreError) {
        self.settings = settings
        self.logger = logger
        var ssl: TLSConfiguration?
        if settings.tls == .verifyFull {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let caFile = settings.caFile { configuration.trustRoots = .file(caFile.path) }
            ssl = configuration
        }
        do {
            // Made once here so that a bad CA file is reported now, not at the first query.
            if let ssl { _ = try NIOSSLContext(configuration: ssl) }
        } catch {
            throw StoreError("store \(settings.displayURL): cannot set up TLS: \(error); check store.caFile")
        }
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: password, database: settings.database,
            tls: ssl.map { .require($0) } ?? .disable)
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        handovers = HandoverJournal(
            directory: settings.handoverDirectory.path,
            hint: "store.handoverDirectory must be a local folder that every Herald process of this host may write")
        let displayURL = settings.displayURL
        copier = HandoverCopier(
            copy: { marks, owner in try await Self.copyMarks(marks, owner: owner, client: client, logger: logger) },
            failed: { error, count, givingUp in
                logger.warning(
                    "store \(displayURL): cannot copy \(count) handed-over marks to their rows: \(Self.describe(error)); \(givingUp ? "given up after 30 s (this host's journal keeps them)" : "tried again")")
            })
        running = Task { await client.run() }
        if migrate {
            do {
                _ = try await PostgresMigrations.migrate(client, logger: logger)
            } catch {
                running.cancel()
                throw StoreError("cannot open the store \(settings.displayURL): \(Self.describe(error)); check store.url, the password and that the server runs")
            }
        }
    }

    deinit {
        copier.stop()
        running.cancel()
    }

    /// Closes the pool's connections.
    public func close() {
        copier.stop()
        running.cancel()
    }

    /// Applies the migrations not yet applied (`herald store migrate`); their versions.
    public func migrate() async throws(StoreError) -> [Int] {
        do {
            return try await PostgresMigrations.migrate(client, logger: logger)
        } catch {
            throw StoreError("store \(settings.displayURL): cannot migrate: \(Self.describe(error))")
        }
    }

    /// The migrations not yet applied.
    public func pendingMigrations() async throws(StoreError) -> [Int] {
        try await run { try await PostgresMigrations.pending(self.client, logger: self.logger) }
    }

    /// Runs `body`, turning any error into a `StoreError` that names the store.
    func run<T>(_ body: () async throws -> T) async throws(StoreError) -> T {
        do {
            return try await body()
        } catch {
            throw StoreError("store \(settings.displayURL): \(Self.describe(error))")
        }
    }

    /// Runs `body` in a transaction (committed when it returns, rolled back when it throws).
    func transaction<T>(_ body: (PostgresConnection) async throws -> sending T) async throws(StoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch {
            throw StoreError("store \(settings.displayURL): \(Self.describe(error))")
        }
    }

    /// The rows of `query`, each as a random-access row.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [PostgresRandomAccessRow] {
        let sequence = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        var rows: [PostgresRandomAccessRow] = []
        for try await row in sequence { rows.append(row.makeRandomAccess()) }
        return rows
    }

    /// The rows of a prepared statement (prepared once per connection of the pool).
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
        return rows
    }

    /// The first column of the first row of `query`, if any.
    func value<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> T? {
        try await rows(query, on: connection).first.map { try $0[0].decode(T.self) }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return String(describing: error)
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` (lowercase: PostgreSQL folds unquoted names) as `T`.
    func get<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}
