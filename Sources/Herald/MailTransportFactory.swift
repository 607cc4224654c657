import Foundation
import Mail
import SMTPTransport

/// Builds the transport `mail.transport` describes.
public enum MailTransportFactory {
    /// The configured transport; the SMTP password is read now (from `passwordFile`, else from
    /// `$CREDENTIALS_DIRECTORY/smtp-password` when systemd passed credentials).
    public static func make(_ mail: MailSettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws(MailTransportSetupError) -> any MailTransport {
        switch mail.transport {
        case .maildir(let directory):
            do {
                return try MaildirTransport(directory: directory)
            } catch {
                throw .maildir(error)
            }
        case .smtp(let smtp):
            let password = try readPassword(smtp, environment: environment)
            let settings = SMTPSettings(
                url: smtp.url, tls: smtp.tls, username: smtp.username,
                password: password, caCertificateFile: smtp.caFile?.path, heloName: heloName(mail.from),
                concurrency: smtp.concurrency, maxPerSecond: smtp.maxPerSecond,
                connectTimeout: .milliseconds(Int(smtp.connectTimeoutSeconds * 1000)),
                transactionTimeout: .milliseconds(Int(smtp.timeoutSeconds * 1000)))
            do {
                return try SMTPTransport(settings: settings)
            } catch {
                throw .smtp(error)
            }
        }
    }

    private static func readPassword(_ smtp: MailSettings.SMTP, environment: [String: String]) throws(MailTransportSetupError) -> String? {
        var candidates: [String] = []
        if let file = smtp.passwordFile { candidates.append(file.path) }
        if smtp.passwordFile == nil, let credentials = environment["CREDENTIALS_DIRECTORY"] {
            let path = credentials + "/smtp-password"
            if FileManager.default.fileExists(atPath: path) { candidates.append(path) }
        }
        guard let path = candidates.first else { return nil }
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            throw .password(path: path)
        }
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// The domain of the sender, announced in EHLO.
    private static func heloName(_ from: String) -> String {
        guard let mailbox = try? Mailbox(parsing: from) else { return "localhost" }
        return mailbox.address.domain
    }
}

/// The mail transport cannot be set up.
public enum MailTransportSetupError: Error, CustomStringConvertible {
    case maildir(MaildirError)
    case smtp(SMTPConfigurationError)
    case password(path: String)
    case noMailSection

    public var description: String {
        switch self {
        case .maildir(let error): return error.description
        case .smtp(let error): return error.description
        case .noMailSection: return "config.json has no \"mail\" section; add one with \"from\" and \"transport\""
        case .password(let path): return "mail.transport.passwordFile: cannot read \(path) as text; check the path and its permissions"
        }
    }
}
