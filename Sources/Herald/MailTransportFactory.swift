import Foundation
import Mail
import SMTPTransport

/// Builds the transport `mail.transport` describes.
public enum MailTransportFactory {
    /// The configured transport; the SMTP password is read now (from `passwordFile`, else from
    /// `$CREDENTIALS_DIRECTORY/smtp-password` when systemd passed credentials and a username
    /// is set). What `MailSetupCheck.warnings(for:passwordFile:)` finds is reported through
    /// `warn` (on stderr by default), one line each: it works, but should not stay so.
    public static func make(
        _ mail: MailSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        warn: (String) -> Void = MailTransportFactory.warnOnStandardError
    ) throws(MailTransportSetupError) -> any MailTransport {
        switch mail.transport {
        case .maildir(let directory):
            for warning in MailSetupCheck.warnings(for: mail, passwordFile: nil) { warn("\(warning.key): \(warning.message)") }
            do {
                return try MaildirTransport(directory: directory)
            } catch {
                throw .maildir(error)
            }
        case .smtp(let smtp):
            let passwordFile = passwordPath(smtp, environment: environment)
            for warning in MailSetupCheck.warnings(for: mail, passwordFile: passwordFile) { warn("\(warning.key): \(warning.message)") }
            let password = try passwordFile.map { path throws(MailTransportSetupError) in try readSecret(path) }
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

    /// Writes `warning: MESSAGE` on stderr, in one write.
    public static func warnOnStandardError(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// The password file to read: `passwordFile`, else systemd's credential when a username
    /// needs one.
    private static func passwordPath(_ smtp: MailSettings.SMTP, environment: [String: String]) -> String? {
        if let file = smtp.passwordFile { return file.path }
        guard smtp.username != nil, let credentials = environment["CREDENTIALS_DIRECTORY"] else { return nil }
        let path = credentials + "/smtp-password"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The password: the file's text without its line end. Line ends are trimmed on bytes
    /// (in Swift, "\r\n" is one Character, so `hasSuffix("\n")` misses a CRLF); CR, LF or NUL
    /// left inside is an error, not part of a password.
    static func readSecret(_ path: String) throws(MailTransportSetupError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .password(path: path) }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .password(path: path) }
        guard !bytes.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
            throw .passwordHasLineBreak(path: path)
        }
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
    case passwordHasLineBreak(path: String)
    case noMailSection

    public var description: String {
        switch self {
        case .maildir(let error): return error.description
        case .smtp(let error): return error.description
        case .noMailSection: return "config.json has no \"mail\" section; add one with \"from\" and \"transport\""
        case .password(let path): return "mail.transport.passwordFile: cannot read \(path) as text; check the path and its permissions"
        case .passwordHasLineBreak(let path):
            return "mail.transport.passwordFile: \(path) holds more than one line (or a NUL); put the password alone on its first line"
        }
    }
}
