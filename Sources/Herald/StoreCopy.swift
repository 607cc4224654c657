import DurableFiles
import Foundation
import PostgresStore
import Store

/// `herald store copy`: every row of one store into another, empty, one (SQLite to PostgreSQL
/// and back), ids kept, checked by counting both sides afterwards. The token key goes along
/// (the SQLite store's `token.key` beside its file; the PostgreSQL store's `secret` row), so
/// that links already mailed keep working.
public struct StoreCopy: Sendable {
    public var from: StoreSettings
    public var to: StoreSettings
    public var environment: [String: String]

    public init(from: StoreSettings, to: StoreSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.from = from
        self.to = to
        self.environment = environment
    }

    /// What was copied: rows per table, the same on both sides.
    public struct Report: Sendable, Encodable {
        public var counts: [String: Int]
        public var tokenKey: Bool
    }

    public func run() async throws(StoreError) -> Report {
        let source = try await from.open(environment: environment, tokenKeyFile: nil)
        let target = try await to.open(environment: environment, tokenKeyFile: nil)
        let contents = try await source.exportContents()
        try await target.importContents(contents)
        let copied = try await target.exportContents()
        guard copied.counts == contents.counts else {
            throw StoreError("the copy does not match: \(contents.counts) rows read, \(copied.counts) found in \(to.description)")
        }
        guard copied.deliveries.map(\.messageID) == contents.deliveries.map(\.messageID),
            copied.subscribers.map(\.subscriber.email) == contents.subscribers.map(\.subscriber.email)
        else {
            throw StoreError("the copy does not match: the rows of \(to.description) differ from those of \(from.description)")
        }
        return Report(counts: contents.counts, tokenKey: try await copyTokenKey(source, target))
    }

    /// Copies the token key, when the source has one; whether it did.
    private func copyTokenKey(_ source: any HeraldStore, _ target: any HeraldStore) async throws(StoreError) -> Bool {
        let key: [UInt8]?
        switch from {
        case .sqlite(let path):
            key = FileManager.default.contents(atPath: Self.keyFile(beside: path).path).map { [UInt8]($0) }
        case .postgres:
            key = try await (source as? PostgresStore)?.secret(named: "token-key")
        }
        guard let key, key.count >= 32 else { return false }
        // The target may have a key already (an instance ran on it before the copy): then the
        // links already mailed would not work with it, and nothing is overwritten: say so.
        let kept: [UInt8]?
        let place: String
        switch to {
        case .sqlite(let path):
            let file = Self.keyFile(beside: path).path
            place = file
            do {
                kept = try AtomicFile.create(file, with: key, mode: 0o600) ? key : FileManager.default.contents(atPath: file).map { [UInt8]($0) }
            } catch {
                throw StoreError("token key \(file): cannot write it: \(error)")
            }
        case .postgres(let settings, _):
            place = "\(settings.displayURL) (its secret table)"
            kept = try await (target as? PostgresStore)?.sharedSecret(named: "token-key", proposal: key)
        }
        guard kept == key else {
            throw StoreError(
                "the rows are copied, but \(place) already holds another token key: links mailed from the source would not work; "
                    + "remove it and copy again into an empty store")
        }
        return true
    }

    private static func keyFile(beside store: URL) -> URL {
        store.deletingLastPathComponent().appendingPathComponent("token.key")
    }
}
