/// Why a DKIM signer cannot be created or a message cannot be signed. Each message says what
/// to fix.
public enum DKIMError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The private key file cannot be read.
    case unreadableKeyFile(path: String, reason: String)
    /// The text holds no PEM private key block, or the block is not valid base64 / DER.
    case malformedKey(String)
    /// The key is a valid key, but not one DKIM can sign with (only RSA and Ed25519 are).
    case unsupportedKeyType(String)
    /// The RSA key is shorter than 1024 bits, which verifiers reject (RFC 8301).
    case rsaKeyTooShort(bits: Int)
    /// The signing domain (`d=`) is not a domain name.
    case invalidDomain(String)
    /// The selector (`s=`) is not a sequence of DNS labels.
    case invalidSelector(String)
    /// A name in `signedHeaders` is not a header field name.
    case invalidHeaderName(String)
    /// The message has no empty line (CRLF CRLF) between its header and its body.
    /// `hasBareLineFeeds` tells whether it seems to use LF instead of CRLF line endings.
    case missingHeaderBodySeparator(hasBareLineFeeds: Bool)
    /// A line of the header section is neither a `Name: value` field nor a folded continuation.
    case malformedHeaderField(String)
    /// The message has no `From:` field, which DKIM must sign (RFC 6376 §5.4).
    case missingFromField
    /// The cryptographic library refused to sign.
    case signingFailed(String)

    public var description: String {
        switch self {
        case .unreadableKeyFile(let path, let reason):
            return "cannot read the DKIM private key file \(path): \(reason); check the path and that this user may read it"
        case .malformedKey(let reason):
            return "the DKIM private key is not a readable PEM key: \(reason); expected a file starting with "
                + "\"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN RSA PRIVATE KEY-----\" "
                + "(make one with `openssl genpkey -algorithm ed25519` or `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`)"
        case .unsupportedKeyType(let what):
            return "unsupported DKIM key type: \(what); DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256) keys only"
        case .rsaKeyTooShort(let bits):
            return "the DKIM RSA key has \(bits) bits; verifiers reject keys shorter than 1024 bits (RFC 8301), "
                + "make a 2048-bit one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`"
        case .invalidDomain(let domain):
            return "invalid DKIM signing domain \"\(domain)\": expected a domain name such as \"example.org\" "
                + "(letters, digits, hyphens and dots; write internationalised names in their xn-- form)"
        case .invalidSelector(let selector):
            return "invalid DKIM selector \"\(selector)\": expected one or more DNS labels such as \"herald\" or \"2025.mail\""
        case .invalidHeaderName(let name):
            return "invalid header field name \"\(name)\" in the DKIM signed headers: expected a name such as \"Subject\" "
                + "(printable ASCII, no spaces or colons)"
        case .missingHeaderBodySeparator(let hasBareLineFeeds):
            if hasBareLineFeeds {
                return "cannot DKIM-sign a message with LF line endings: the header section must end with an empty line, "
                    + "and every line must end with CRLF (\\r\\n)"
            }
            return "cannot DKIM-sign a malformed message: no empty line (CRLF CRLF) separates the header section from the body"
        case .malformedHeaderField(let line):
            return "cannot DKIM-sign a message with a malformed header line \"\(line)\": each header line must be "
                + "\"Name: value\" or a continuation starting with a space or tab"
        case .missingFromField:
            return "cannot DKIM-sign a message without a From: header field (RFC 6376 requires signing it)"
        case .signingFailed(let reason):
            return "DKIM signing failed: \(reason)"
        }
    }
}
