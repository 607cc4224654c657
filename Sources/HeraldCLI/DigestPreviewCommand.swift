import ArgumentParser
import Foundation
import Herald

struct DigestPreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show the exact message a subscriber of NEWSLETTER would get now.",
        discussion: """
            Writes the message (RFC 5322, as an .eml file) to stdout or to --output, for the posts \
            the next digest would hold. With --send, mails it to --to through the configured \
            transport and prints the server's answer; the exit status is 0 only if it was accepted.
            """)

    @OptionGroup var options: ConfigOption

    @Argument(help: "The newsletter's id in config.json.")
    var newsletter: String

    @Option(help: ArgumentHelp("The recipient (default: the sender itself).", valueName: "email"))
    var to: String?

    @Option(help: ArgumentHelp("Write the message to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "Send the message to --to through the configured transport (a test send).")
    var send = false

    func validate() throws {
        if send && to == nil { throw ValidationError("--send needs --to EMAIL: the address to send the test to") }
    }

    func run() async throws {
        let configuration = try options.load()
        let preview: DigestPreview.Preview
        do {
            preview = try await DigestPreview(configuration: configuration).compose(newsletterID: newsletter, recipient: to)
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
        for diagnostic in preview.diagnostics { Console.error(diagnostic.description) }
        if let output {
            do {
                try Data(preview.message).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                Console.error("error: cannot write \(output): \(error.localizedDescription)")
                throw ExitCode.failure
            }
            Console.error("wrote \(output): \"\(preview.subject)\", \(preview.postCount) posts, \(preview.message.count) bytes")
        } else if !send {
            Console.write(preview.message)
        }
        guard send else { return }
        do {
            let outcome = try DigestPreview(configuration: configuration).send(preview)
            Console.output("\(preview.recipient): \(outcome)")
            if !outcome.isSent { throw ExitCode.failure }
        } catch let error as MailTransportSetupError {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
    }
}
