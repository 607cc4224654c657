/// The SMTP transport cannot be set up as configured.
public enum SMTPConfigurationError: Error, CustomStringConvertible, Sendable {
    /// libcurl refused a setting (an unsupported protocol or option in this libcurl build).
    case curl(String)
    /// The password file cannot be read.
    case password(path: String, reason: String)

    public var description: String {
        switch self {
        case .curl(let message): return message
        case .password(let path, let reason):
            return "cannot read the SMTP password from \(path): \(reason); check mail.transport.passwordFile"
        }
    }
}
