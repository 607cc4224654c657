import ArgumentParser

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Preview and send newsletter digests.",
        subcommands: [DigestPreviewCommand.self, DigestSendCommand.self, DigestListCommand.self, DigestRetryCommand.self])
}
