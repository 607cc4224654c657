import Digests
import Foundation
import Mail

/// What `herald check` verifies beyond config.json's syntax, for the mail side: that the
/// sender is a mailbox, that every newsletter's templates compile, that the DKIM key and the
/// SMTP password file can be read. Each problem is located at its key in config.json.
public struct MailSetupCheck: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Every problem found; empty when the mail setup is usable.
    public func problems() -> [ConfigurationError] {
        var found: [(key: String, message: String)] = []
        if let mail = configuration.mail {
            do {
                _ = try Mailbox(parsing: mail.from)
            } catch {
                found.append(("mail.from", error.description))
            }
            if let dkim = mail.dkim {
                do {
                    _ = try DKIMSigner(domain: dkim.domain, selector: dkim.selector, privateKeyFile: dkim.privateKeyFile)
                } catch {
                    found.append(("mail.dkim.privateKeyFile", error.description))
                }
            }
            if case .smtp(let smtp) = mail.transport, let file = smtp.passwordFile, !FileManager.default.isReadableFile(atPath: file.path) {
                found.append(("mail.transport.passwordFile", "cannot read \(file.path)"))
            }
        } else if !configuration.newsletters.isEmpty {
            found.append(("newsletters", "newsletters need a \"mail\" section with \"from\" and \"transport\""))
        }
        for (index, newsletter) in configuration.newsletters.enumerated() {
            do {
                _ = try DigestTemplates(subject: newsletter.subject, htmlFile: newsletter.htmlTemplate, textFile: newsletter.textTemplate)
            } catch {
                let key = error.source == "subject" ? "subject" : (error.source == newsletter.htmlTemplate?.path ? "htmlTemplate" : "textTemplate")
                found.append(("newsletters[\(index)].\(key)", error.description))
            }
        }
        let bytes = FileManager.default.contents(atPath: configuration.file.path).map { [UInt8]($0) } ?? []
        let locator = JSONKeyLocator(bytes)
        return found.map { problem in
            let (line, column) = locator.position(of: problem.key)
            return ConfigurationError(
                file: DisplayPath.relative(configuration.file), keyPath: problem.key, message: problem.message, line: line, column: column)
        }
    }
}
