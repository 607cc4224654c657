import Digests
import Foundation
import Mail
import Posts
import SMTPTransport

/// What `herald check` verifies beyond config.json's syntax, for the mail side: that the
/// sender is a mailbox, that every newsletter's templates compile, that the DKIM key and the
/// SMTP password file can be read (errors); and what works but should not stay so
/// (warnings). Each is located at its key in config.json.
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
        let locator = configuration.keyLocator()
        return found.map { configuration.error(at: $0.key, $0.message, locator: locator) }
    }

    /// Settings that work but weaken the mail setup, as `FILE:LINE:COL: warning:` diagnostics.
    public func warnings() -> [Diagnostic] {
        guard let mail = configuration.mail else { return [] }
        var passwordFile: String?
        if case .smtp(let smtp) = mail.transport { passwordFile = smtp.passwordFile?.path }
        let locator = configuration.keyLocator()
        return Self.warnings(for: mail, passwordFile: passwordFile).map { warning in
            let (line, column) = locator.position(of: warning.key)
            return Diagnostic(
                file: DisplayPath.relative(configuration.file), line: line, column: column, severity: .warning,
                message: "\(warning.key): \(warning.message)")
        }
    }

    /// The warnings of `mail`, each with its key path: mail in clear to another machine
    /// (`tls: "none"` to a host that is not loopback), a password file that group or others
    /// can read (`passwordFile`: the file actually read, which may come from
    /// `$CREDENTIALS_DIRECTORY`), an RSA DKIM key under 2048 bits (RFC 8301). Shared by
    /// `herald check` and `MailTransportFactory`, which reports them when a transport is made.
    public static func warnings(for mail: MailSettings, passwordFile: String?) -> [(key: String, message: String)] {
        var found: [(key: String, message: String)] = []
        if case .smtp(let smtp) = mail.transport, smtp.tls == .none, !SMTPSettings.isLoopback(url: smtp.url) {
            found.append((
                "mail.transport.tls",
                "\"none\" sends every message in clear to \(smtp.url), which is not this machine; use \"starttls\" or \"implicit\""))
        }
        if let passwordFile, let mode = Self.permissions(of: passwordFile), mode & 0o044 != 0 {
            found.append((
                "mail.transport.passwordFile",
                "\(passwordFile) can be read by \(mode & 0o004 != 0 ? "anyone" : "its group") (mode \(String(mode, radix: 8))); "
                    + "make it readable by Herald's user only (chmod 600)"))
        }
        if let dkim = mail.dkim,
           let signer = try? DKIMSigner(domain: dkim.domain, selector: dkim.selector, privateKeyFile: dkim.privateKeyFile),
           let bits = signer.rsaKeyBits, bits < DKIMSigner.recommendedRSAKeyBits
        {
            found.append((
                "mail.dkim.privateKeyFile",
                "the RSA key has \(bits) bits; RFC 8301 asks for at least \(DKIMSigner.recommendedRSAKeyBits) "
                    + "(some receivers ignore shorter keys); make a new one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`"))
        }
        return found
    }

    /// The permission bits of `path` (following symlinks), or `nil` when it cannot be read.
    private static func permissions(of path: String) -> Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath),
              let mode = attributes[.posixPermissions] as? Int
        else { return nil }
        return mode & 0o777
    }
}
