import Foundation
import Herald
import Testing
import TestSupport

/// `store.url` and its companions, read strictly: every mistake names its key.
@Suite struct StoreConfigurationTests {
    func parse(_ store: String, environment: [String: String] = [:]) -> Result<Configuration, ConfigurationError> {
        let json = """
            { "site": { "title": "T", "url": "https://example.org/" }, "store": \(store) }
            """
        do {
            return .success(try Configuration.parse(
                Data(json.utf8), file: URL(fileURLWithPath: "/srv/site/config.json"), displayName: "config.json", environment: environment))
        } catch {
            return .failure(error)
        }
    }

    @Test func sqliteAndPostgresURLs() throws {
        let sqlite = try parse(#"{ "url": "sqlite:data/h.sqlite" }"#).get()
        #expect(sqlite.store == .sqlite(URL(fileURLWithPath: "/srv/site/data/h.sqlite")))
        #expect(sqlite.tokenKeyFile.path == "/srv/site/data/token.key")
        let postgres = try parse(#"{ "url": "postgres://herald@db.example.org:5433/lettres", "poolSize": 4, "passwordFile": "pw", "tls": "verify-full" }"#).get()
        guard case .postgres(let settings, let passwordFile) = postgres.store else {
            Issue.record("not a PostgreSQL store")
            return
        }
        #expect(settings.host == "db.example.org" && settings.port == 5433 && settings.user == "herald" && settings.database == "lettres")
        #expect(settings.poolSize == 4 && settings.tls == .verifyFull && passwordFile?.path == "/srv/site/pw")
        #expect(postgres.tokenKeyFile.path == "/srv/site/var/token.key")
        #expect(settings.handoverDirectory.path == "/srv/site/var/handover")
        #expect(try parse(#"{ "path": "x.sqlite" }"#).get().storePath?.path == "/srv/site/x.sqlite")
    }

    /// Local files default to paths beside config.json whatever the environment: the daemon
    /// (under systemd, with `STATE_DIRECTORY`) and a command run from a shell must agree on the
    /// journal folder; set keys win.
    @Test func postgresLocalFilesDoNotDependOnTheEnvironment() throws {
        let systemd = ["STATE_DIRECTORY": "/var/lib/herald"]
        let postgres = try parse(#"{ "url": "postgres://herald@db/lettres" }"#, environment: systemd).get()
        guard case .postgres(let settings, _) = postgres.store else {
            Issue.record("not a PostgreSQL store")
            return
        }
        #expect(settings.handoverDirectory.path == "/srv/site/var/handover")
        #expect(postgres.tokenKeyFile.path == "/srv/site/var/token.key")
        let chosen = try parse(#"{ "url": "postgres://herald@db/lettres", "handoverDirectory": "/var/lib/herald/handover", "tokenKeyFile": "k" }"#).get()
        guard case .postgres(let chosenSettings, _) = chosen.store else {
            Issue.record("not a PostgreSQL store")
            return
        }
        #expect(chosenSettings.handoverDirectory.path == "/var/lib/herald/handover" && chosen.tokenKeyFile.path == "/srv/site/k")
    }

    /// `herald check` says when a PostgreSQL store's journal folder cannot be made or written,
    /// at its key, without making it.
    @Test func checkFindsAJournalFolderThatCannotBeWritten() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let fine = folder.path + "/not/yet/there"
        let configuration = try parse(#"{ "url": "postgres://herald@db/lettres", "handoverDirectory": "\#(fine)" }"#).get()
        #expect(StoreSetupCheck(configuration: configuration).problems().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/not"), "a check writes nothing")
        let file = folder.path + "/a-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let blocked = try parse(#"{ "url": "postgres://herald@db/lettres", "handoverDirectory": "\#(file)/handover" }"#).get()
        let problems = StoreSetupCheck(configuration: blocked).problems()
        #expect(problems.count == 1)
        #expect(problems.first?.keyPath == "store.handoverDirectory")
        #expect(problems.first?.description.contains("\(file) is not a folder") == true, "\(problems)")
        #expect(try StoreSetupCheck(configuration: parse(#"{ "path": "x.sqlite" }"#).get()).problems().isEmpty)
    }

    @Test(arguments: [
        (#"{ "url": "postgres://herald:secret@db/lettres" }"#, "store.url", "password in the URL"),
        (#"{ "url": "postgres://db/lettres" }"#, "store.url", "missing user"),
        (#"{ "url": "postgres://herald@db" }"#, "store.url", "missing database"),
        (#"{ "url": "mysql://herald@db/x" }"#, "store.url", "expected sqlite:PATH or postgres://"),
        (#"{ "url": "sqlite:" }"#, "store.url", "sqlite:PATH"),
        (#"{ "url": "sqlite:a.sqlite", "path": "b.sqlite" }"#, "store.path", "not both"),
        (#"{ "path": "a.sqlite", "tls": "verify-full" }"#, "store.tls", "only for a PostgreSQL store"),
        (#"{ "url": "postgres://h@db/x", "tls": "prefer" }"#, "store.tls", "\"disable\" or \"verify-full\""),
        (#"{ "url": "postgres://h@db/x", "caFile": "ca.pem" }"#, "store.caFile", "verify-full"),
        (#"{ "url": "postgres://h@db/x", "poolSize": 0 }"#, "store.poolSize", "from 1 to 100"),
        (#"{ "url": "postgres://h@db/x?sslmode=require" }"#, "store.url", "not in the URL"),
        (#"{ "path": "a.sqlite", "handoverDirectory": "h" }"#, "store.handoverDirectory", "only for a PostgreSQL store"),
    ])
    func mistakesNameTheirKey(store: String, key: String, says: String) {
        guard case .failure(let error) = parse(store) else {
            Issue.record("\(store) was accepted")
            return
        }
        #expect(error.keyPath == key, "\(error)")
        #expect(error.description.contains(says), "\(error)")
    }
}
