import DurableFiles
import Foundation
import PostgresNIO
import Store

extension PostgresStore {
    /// The secret called `name` in the database: `proposal` if there was none (the first
    /// instance to ask sets it; every other one reads the same value).
    public func sharedSecret(named name: String, proposal: [UInt8]) async throws(StoreError) -> [UInt8] {
        try await run {
            let proposed = Data(proposal)
            try await self.client.query(
                "INSERT INTO secret (name, value) VALUES (\(name), \(proposed)) ON CONFLICT (name) DO NOTHING", logger: self.logger)
            return [UInt8](try await self.value(Data.self, "SELECT value FROM secret WHERE name = \(name)") ?? proposed)
        }
    }

    /// Makes the token key file hold the key kept in the database: the file's key becomes the
    /// database's if it has none (so a store copied from SQLite keeps its links working), and a
    /// new random key is made if neither has one.
    public func shareTokenKey(file: URL) async throws(StoreError) {
        let local = FileManager.default.contents(atPath: file.path).map { [UInt8]($0) }.flatMap { $0.count >= 32 ? $0 : nil }
        var fresh = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in fresh.indices { fresh[index] = generator.next() }
        let shared = try await sharedSecret(named: "token-key", proposal: local ?? fresh)
        guard shared != local else { return }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.replace(file.path, with: shared, mode: 0o600)
        } catch {
            throw StoreError("token key \(file.path): cannot write the key shared through the store: \(error)")
        }
    }
}

extension PostgresStore {
    /// The secret called `name`, if the database keeps one.
    public func secret(named name: String) async throws(StoreError) -> [UInt8]? {
        try await run { try await self.value(Data.self, "SELECT value FROM secret WHERE name = \(name)").map { [UInt8]($0) } }
    }
}
