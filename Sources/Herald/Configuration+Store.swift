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
        switch store {
        case .sqlite(let path):
            do {
                return try SQLiteStore(path: path.path)
            } catch {
                throw .store(error)
            }
        case .postgres(let settings, let passwordFile):
            do throws(StoreError) {
                let password = try Self.storePassword(passwordFile, environment: environment)
                let store = try await PostgresStore(settings: settings, password: password, migrate: migrate)
                if !migrate, let pending = try await store.pendingMigrations().first {
                    throw StoreError(
                        "store \(settings.displayURL): migration \(pending) is not applied; run `herald store migrate` (or start without --no-migrate)")
                }
                try await store.shareTokenKey(file: tokenKeyFile)
                return store
            } catch {
                throw .store(error)
            }
        }
    }

    /// The PostgreSQL password: `store.passwordFile`, else `$CREDENTIALS_DIRECTORY/store-password`
    /// when systemd passed one, else none.
    static func storePassword(_ file: URL?, environment: [String: String]) throws(StoreError) -> String? {
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
