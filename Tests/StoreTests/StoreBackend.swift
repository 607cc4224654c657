import Foundation
import PostgresStore
import Store
import Testing
import TestSupport

/// The two stores the shared suite runs on: every test of it runs on both.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// One store's storage (a file, a database) that a test can open several handles on, as
/// several processes or instances would.
struct StoreFixture: Sendable {
    let backend: StoreBackend
    let folder: TemporaryDirectory
    /// The database's URL (PostgreSQL).
    let url: String?

    init(_ backend: StoreBackend) throws {
        self.backend = backend
        folder = try TemporaryDirectory()
        url = backend == .postgres ? try PostgresTestServer.sharedServer().makeDatabase() : nil
    }

    /// A new handle on the storage (the first one creates and migrates it). `host` names the
    /// host the handle plays (PostgreSQL): each host has its own journal folder.
    func open(host: String = "this") async throws -> any HeraldStore & StoreTransfer {
        switch backend {
        case .sqlite:
            return try SQLiteStore(path: folder.path + "/var/herald.sqlite")
        case .postgres:
            var settings = try PostgresStoreSettings.parse(url!).get()
            settings.handoverDirectory = URL(fileURLWithPath: folder.path + "/\(host)/var/handover")
            return try await PostgresStore(settings: settings, password: PostgresTestServer.password)
        }
    }

    func remove() {
        folder.remove()
        if let url { try? PostgresTestServer.sharedServer().dropDatabase(url) }
    }
}

/// Runs `body` with a new store of `backend` and its fixture (for more handles on it).
func withStore<T>(
    _ backend: StoreBackend, _ body: (any HeraldStore & StoreTransfer, StoreFixture) async throws -> T
) async throws -> T {
    let fixture = try StoreFixture(backend)
    defer { fixture.remove() }
    return try await body(try await fixture.open(), fixture)
}
