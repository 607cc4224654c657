import ArgumentParser
import Dispatch
import Herald

/// `herald`: the command-line front end. Each subcommand parses its arguments and calls one
/// function of the `Herald` module; nothing else happens here.
@main
struct HeraldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Publish a folder of Markdown posts as Atom, RSS and JSON feeds.",
        discussion: """
            Herald reads the posts folder named in config.json and writes feeds/atom.xml, rss.xml \
            and feed.json for the site, for each tag and for each author.
            """,
        version: Runtime.version,
        subcommands: [
            RunCommand.self, BuildCommand.self, CheckCommand.self, StatusCommand.self, DigestCommand.self, SubscribersCommand.self,
            StoreCommand.self,
        ])

    /// Synchronous on purpose: a synchronous command (`build`, `check`, …) runs on the main
    /// thread and may block it. Under ArgumentParser's async `main`, it ran on a thread of
    /// Swift's cooperative pool, which is also Dispatch's global pool: its waits took one of the
    /// two threads a 2-core machine has, and posts were read on the other alone (10,000 posts:
    /// 0.57 s instead of 0.2 s). The async commands (`digest`, `subscribers`) run on the pool
    /// while the main thread waits; the posts they read still block a pool thread while they do.
    /// The root is a `ParsableCommand` so that this is the only `main`.
    static func main() {
        Runtime.tuneMemoryAllocator()
        Runtime.serveMarkdownWorkerIfRequested()
        do {
            try Runtime.initialize()
        } catch {
            Console.error("error: \(error.description)")
            Console.exit(1)
        }
        do {
            var command = try parseAsRoot()
            if let asyncCommand = command as? any AsyncParsableCommand {
                try AsyncCommandRunner(asyncCommand).runToCompletion()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Runs an async command on the cooperative pool and blocks the calling thread until it ends.
private final class AsyncCommandRunner: @unchecked Sendable {
    // Touched by the task only while the calling thread waits on `finished`.
    private var command: any AsyncParsableCommand
    private var failure: (any Error)?
    private let finished = DispatchSemaphore(value: 0)

    init(_ command: any AsyncParsableCommand) {
        self.command = command
    }

    func runToCompletion() throws {
        Task.detached {
            do {
                try await self.command.run()
            } catch {
                self.failure = error
            }
            self.finished.signal()
        }
        finished.wait()
        if let failure { throw failure }
    }
}

/// `--config FILE`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The configuration file. Default: $HERALD_CONFIG, then ./config.json.", valueName: "file"))
    var config: String?

    var path: String { config ?? Configuration.defaultPath() }

    /// Loads the configuration or prints the error and exits with status 1.
    func load() throws -> Configuration {
        do {
            return try Configuration.load(path: path)
        } catch {
            Console.error(error.description)
            throw ExitCode.failure
        }
    }
}
