import ArgumentParser
import Herald

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate config.json and every post without writing anything.",
        discussion: """
            Prints one line per problem, FILE:LINE:COL: error|warning: MESSAGE, then a summary.
            Exit status: 1 if there is any error (in the configuration or in a post), else 0.
            """)

    @OptionGroup var options: ConfigOption

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(path: options.path)
        } catch {
            Console.output(error.description)
            throw ExitCode.failure
        }
        let mailCheck = MailSetupCheck(configuration: configuration)
        let problems = mailCheck.problems() + StoreSetupCheck(configuration: configuration).problems()
        let mailWarnings = mailCheck.warnings()
        for problem in problems { Console.output(problem.description) }
        for warning in mailWarnings { Console.output(warning.description) }
        let snapshot = SiteBuilder(configuration: configuration).check()
        for diagnostic in snapshot.diagnostics { Console.output(diagnostic.description) }
        let errors = problems.count + snapshot.diagnostics.filter { $0.severity == .error }.count
        let warnings = mailWarnings.count + snapshot.diagnostics.filter { $0.severity == .warning }.count
        Console.output(
            "\(options.path): \(errors == 0 ? "ok" : "errors found"); \(BuildSummary.count(snapshot.posts.count, "post")) accepted, "
                + "\(BuildSummary.count(errors, "error")), \(BuildSummary.count(warnings, "warning"))")
        if errors > 0 { throw ExitCode.failure }
    }
}
