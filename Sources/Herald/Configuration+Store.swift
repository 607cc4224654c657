import Store

extension Configuration {
    /// Opens the store config.json names (creating it, and applying its migrations).
    public func openStore() throws(DigestError) -> SQLiteStore {
        do {
            return try SQLiteStore(path: storePath.path)
        } catch {
            throw .store(error)
        }
    }
}
