import ArgumentParser
import Foundation
import Herald
import PostgresStore
import Store

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Look after the store: apply its migrations, copy it to another one.",
        subcommands: [Migrate.self, Copy.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the store's pending migrations (herald run applies them at start, unless --no-migrate).")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let configuration = try options.load()
            do throws(StoreError) {
                switch configuration.store {
                case .sqlite(let path):
                    _ = try SQLiteStore(path: path.path)
                    Console.output("\(path.path): up to date (SQLite stores are migrated whenever they are opened)")
                case .postgres(let settings, _):
                    let store = try await configuration.store.open(migrate: false, environment: ProcessInfo.processInfo.environment, tokenKeyFile: nil)
                    let applied = try await (store as! PostgresStore).migrate()
                    Console.output(
                        applied.isEmpty
                            ? "\(settings.displayURL): up to date"
                            : "\(settings.displayURL): applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", "))")
                }
            } catch {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every row of one store into another, empty, one; check the counts.",
            discussion: """
                Stores are named by URL: sqlite:PATH or postgres://USER@HOST:PORT/DATABASE. Stop the \
                daemons using the source first: what they write during the copy is not copied.
                """)
        @Option(help: "The store to read.") var from: String
        @Option(help: "The store to fill (empty; created and migrated if needed).") var to: String
        @Option(help: ArgumentHelp("The password of --from, when it is PostgreSQL.", valueName: "file")) var fromPasswordFile: String?
        @Option(help: ArgumentHelp("The password of --to, when it is PostgreSQL.", valueName: "file")) var toPasswordFile: String?
        @Flag(help: "Machine-readable output.") var json = false

        func run() async throws {
            do throws(StoreError) {
                let source = try Self.settings(from, passwordFile: fromPasswordFile, option: "--from")
                let target = try Self.settings(to, passwordFile: toPasswordFile, option: "--to")
                let report = try await StoreCopy(from: source, to: target).run()
                if json {
                    try? Console.writeJSON(report)
                    return
                }
                for (table, count) in report.counts.sorted(by: { $0.key < $1.key }) {
                    Console.output("\(table): \(count) copied, \(count) found in \(target.description)")
                }
                Console.output(report.tokenKey ? "token key: copied" : "token key: none in the source")
            } catch {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
        }

        static func settings(_ url: String, passwordFile: String?, option: String) throws(StoreError) -> StoreSettings {
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let resolve = { (path: String) in path.hasPrefix("/") ? URL(fileURLWithPath: path) : here.appendingPathComponent(path) }
            switch StoreSettings.parse(url: url, resolve: resolve) {
            case .success(.postgres(let settings, _)):
                return .postgres(settings, passwordFile: passwordFile.map(resolve))
            case .success(let settings):
                return settings
            case .failure(let problem):
                throw StoreError("\(option) \(url): \(problem.description)")
            }
        }
    }
}
