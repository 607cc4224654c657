import ArgumentParser

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Preview and send newsletter digests.",
        subcommands: [DigestPreviewCommand.self])
}
