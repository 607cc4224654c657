import Foundation
import PostgresStore
import Store

extension Configuration {
    /// Opens the store config.json names: the SQLite file (created, and migrated, as needed)
    /// or the PostgreSQL database (migrated unless `migrate` is false; then a database with
    /// migrations pending is an error). With PostgreSQL, the token key is the one kept in the
    /// database, so that every instance signs and checks links with the same key.
    public func openStore(migrate: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(DigestError) -> any HeraldStore
    {
        do {
            return try await store.open(migrate: migrate, environment: environment, tokenKeyFile: tokenKeyFile)
        } catch {
            throw .store(error)
        }
    }
}

extension StoreSettings {
    /// The store `url` names: `sqlite:PATH` (relative paths through `resolve`) or
    /// `postgres://USER@HOST:PORT/DATABASE`; the reason when it is neither.
    public static func parse(url: String, resolve: (String) -> URL) -> Result<StoreSettings, StoreError> {
        if url.hasPrefix("sqlite:") {
            let file = String(url.dropFirst("sqlite:".count))
            guard !file.isEmpty else { return .failure(StoreError("expected sqlite:PATH, such as \"sqlite:var/herald.sqlite\"")) }
            return .success(.sqlite(resolve(file)))
        }
        switch PostgresStoreSettings.parse(url) {
        case .success(let settings): return .success(.postgres(settings, passwordFile: nil))
        case .failure(let problem):
            return .failure(StoreError("\(problem.description); expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE"))
        }
    }

    /// Opens the store. `tokenKeyFile`: with PostgreSQL, the file is made to hold the key kept
    /// in the database.
    public func open(migrate: Bool = true, environment: [String: String], tokenKeyFile: URL?) async throws(StoreError)
        -> any HeraldStore & StoreTransfer
    {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path.path)
        case .postgres(let settings, let passwordFile):
            let password = try Self.password(passwordFile, environment: environment)
            let store = try await PostgresStore(settings: settings, password: password, migrate: migrate)
            if !migrate, let pending = try await store.pendingMigrations().first {
                throw StoreError(
                    "store \(settings.displayURL): migration \(pending) is not applied; run `herald store migrate` (or start without --no-migrate)")
            }
            if let tokenKeyFile { try await store.shareTokenKey(file: tokenKeyFile) }
            return store
        }
    }

    /// The PostgreSQL password: `passwordFile`, else `$CREDENTIALS_DIRECTORY/store-password`
    /// when systemd passed one (empty: none), else none.
    static func password(_ file: URL?, environment: [String: String]) throws(StoreError) -> String? {
        var path = file?.path
        if path == nil, let credentials = environment["CREDENTIALS_DIRECTORY"] {
            let candidate = credentials + "/store-password"
            if FileManager.default.fileExists(atPath: candidate) { path = candidate }
        }
        guard let path else { return nil }
        do {
            let password = try MailTransportFactory.readSecret(path)
            return password.isEmpty && file == nil ? nil : password
        } catch {
            throw StoreError("store.passwordFile: cannot read \(path) as one line of text; check the path and its permissions")
        }
    }
}
