/// The SMTP transport cannot be set up as configured.
public enum SMTPConfigurationError: Error, CustomStringConvertible, Sendable {
    /// libcurl refused a setting (an unsupported protocol or option in this libcurl build).
    case curl(String)
    /// The password file cannot be read.
    case password(path: String, reason: String)
    /// The server's URL is not `smtp(s)://host:port` (it has credentials, a path…).
    case url(String)
    /// A username or password is configured with `tls: "none"`: credentials never travel in clear.
    case credentialsWithoutTLS

    public var description: String {
        switch self {
        case .curl(let message): return message
        case .password(let path, let reason):
            return "cannot read the SMTP password from \(path): \(reason); check mail.transport.passwordFile"
        case .url(let problem): return "mail.transport.url: \(problem)"
        case .credentialsWithoutTLS:
            return "mail.transport.tls: credentials are never sent without TLS; set \"starttls\" or \"implicit\", "
                + "or remove mail.transport.username and passwordFile for a relay that needs none"
        }
    }
}
