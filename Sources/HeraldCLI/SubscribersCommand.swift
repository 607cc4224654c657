import ArgumentParser
import Foundation
import Herald
import Store

struct SubscribersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Add, import, list and remove newsletter subscribers.",
        subcommands: [Add.self, Import.self, List.self, Remove.self])

    /// `--confirmed` (the default) or `--pending`.
    struct StatusChoice: ParsableArguments {
        @Flag(help: "Subscribers added by the admin are confirmed (default), or wait for the confirmation link (--pending).")
        var status: AddedStatus = .confirmed
    }

    enum AddedStatus: String, EnumerableFlag {
        case confirmed, pending
        var value: SubscriberStatus { self == .confirmed ? .confirmed : .pending }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a subscriber, or update one (re-adding confirms).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The address.") var email: String
        @Option(help: "The subscriber's name.") var name: String?
        @Option(help: ArgumentHelp("A newsletter id (repeat for several; none: every newsletter).", valueName: "id"))
        var newsletter: [String] = []
        @OptionGroup var choice: StatusChoice

        func run() async throws {
            let configuration = try options.load()
            let store = try await openStore(configuration)
            do {
                let changes = try await SubscriberAdmin(configuration: configuration, store: store)
                    .add(email: email, name: name, newsletters: newsletter, status: choice.status.value)
                Console.output(changes.added > 0 ? "added \(email)" : changes.updated > 0 ? "updated \(email)" : "unchanged \(email)")
            } catch {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import subscribers from a CSV file: email,name[,newsletters] (header optional).",
            discussion: "Each bad row is reported as FILE:LINE: error: …; the others are imported. Exit status 1 if any row was bad.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The CSV file (UTF-8).") var file: String
        @OptionGroup var choice: StatusChoice

        func run() async throws {
            let configuration = try options.load()
            let store = try await openStore(configuration)
            let report: SubscriberAdmin.ImportReport
            do {
                report = try await SubscriberAdmin(configuration: configuration, store: store).importCSV(file, status: choice.status.value)
            } catch {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
            for problem in report.problems { Console.error(problem) }
            let c = report.changes
            Console.output("\(file): \(c.added) added, \(c.updated) updated, \(c.unchanged) unchanged, \(report.problems.count) rejected")
            if !report.problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subscribers.")
        @OptionGroup var options: ConfigOption
        @Option(help: ArgumentHelp("Only subscribers of this newsletter.", valueName: "id")) var newsletter: String?
        @Option(help: "Only subscribers in this status: pending, confirmed, unsubscribed or bounced.") var status: String?
        @Flag(help: "Machine-readable output.") var json = false

        func validate() throws {
            if let status, SubscriberStatus(rawValue: status) == nil {
                throw ValidationError("--status: expected pending, confirmed, unsubscribed or bounced, found \"\(status)\"")
            }
        }

        func run() async throws {
            let configuration = try options.load()
            let store = try await openStore(configuration)
            let subscribers: [Subscriber]
            do {
                subscribers = try await SubscriberAdmin(configuration: configuration, store: store)
                    .list(newsletter: newsletter, status: status.flatMap(SubscriberStatus.init(rawValue:)))
            } catch {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
            if json {
                try Console.writeJSON(subscribers)
                return
            }
            for subscriber in subscribers {
                let newsletters = subscriber.newsletters.isEmpty ? "all" : subscriber.newsletters.joined(separator: ",")
                Console.output("\(subscriber.email)\t\(subscriber.status.rawValue)\t\(newsletters)\t\((subscriber.name ?? "").debugDescription)")
            }
            Console.error("\(subscribers.count) subscribers")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a subscriber and their delivery history.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The address.") var email: String

        func run() async throws {
            let configuration = try options.load()
            let store = try await openStore(configuration)
            do {
                let removed = try await SubscriberAdmin(configuration: configuration, store: store).remove(email: email)
                guard removed else {
                    Console.error("error: no subscriber \(email)")
                    throw ExitCode.failure
                }
                Console.output("removed \(email)")
            } catch let error as SubscriberAdminError {
                Console.error("error: \(error.description)")
                throw ExitCode.failure
            }
        }
    }
}

/// Opens the configured store or prints why not and exits with status 1.
func openStore(_ configuration: Configuration, migrate: Bool = true) async throws -> any HeraldStore {
    do {
        return try await configuration.openStore(migrate: migrate)
    } catch {
        Console.error("error: \(error.description)")
        throw ExitCode.failure
    }
}
