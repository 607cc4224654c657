import ArgumentParser
import Foundation
import Herald

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Write every feed once, then exit.",
        discussion: """
            Reads every post, writes the feeds whose content changed (atomically) and removes feeds \
            of tags or authors that no longer have posts. Broken posts are reported on stderr as \
            FILE:LINE:COL: error: MESSAGE and left out; the others are still published.
            Exit status: 0 on success, 1 if any post was rejected or the feeds could not be written.
            """)

    @OptionGroup var options: ConfigOption

    @Flag(name: .shortAndLong, help: "Print only the summary line, not every file written.")
    var quiet = false

    func run() throws {
        let configuration = try options.load()
        let result: SiteBuilder.Result
        do {
            result = try SiteBuilder(configuration: configuration).build()
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
        for diagnostic in result.snapshot.diagnostics { Console.error(diagnostic.description) }
        let feedsFolder = DisplayPath.relative(configuration.feedsDirectory)
        if !quiet {
            for path in result.report.written { Console.output("wrote \(feedsFolder)/\(path)") }
            for path in result.report.removed { Console.output("removed \(feedsFolder)/\(path)") }
        }
        Console.output(BuildSummary(result: result, feedsFolder: feedsFolder).line)
        // Exit here rather than return: tearing down a snapshot of ten thousand posts, object
        // by object, would take longer than the rest of a no-change build. Output is unbuffered.
        Console.exit(result.snapshot.hasErrors ? 1 : 0)
    }
}
