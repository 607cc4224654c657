import ArgumentParser
import Herald

/// `herald`: the command-line front end. Each subcommand parses its arguments and calls one
/// function of the `Herald` module; nothing else happens here.
@main
struct HeraldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Publish a folder of Markdown posts as Atom, RSS and JSON feeds.",
        discussion: """
            Herald reads the posts folder named in config.json and writes feeds/atom.xml, rss.xml \
            and feed.json for the site, for each tag and for each author.
            """,
        version: Runtime.version,
        subcommands: [BuildCommand.self, CheckCommand.self, DigestCommand.self, SubscribersCommand.self])

    static func main() async {
        Runtime.tuneMemoryAllocator()
        Runtime.serveMarkdownWorkerIfRequested()
        do {
            try Runtime.initialize()
        } catch {
            Console.error("error: \(error.description)")
            Console.exit(1)
        }
        await main(nil)
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
