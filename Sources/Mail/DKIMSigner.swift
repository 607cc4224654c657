import Crypto
import Foundation

/// Signs RFC 5322 messages with DKIM: rsa-sha256 (RFC 6376) or ed25519-sha256 (RFC 8463),
/// relaxed/relaxed canonicalisation.
///
/// Input: the whole message as bytes with CRLF line endings, its header section ending at the
/// first empty line. Output: the same bytes with a `DKIM-Signature:` field prepended (and, if
/// the body does not end with CRLF, one appended, so that every verifier canonicalises the last
/// line alike). The signer holds only immutable values, so one instance can sign from many
/// tasks at once.
///
/// The `h=` tag lists, in the order of `signedHeaders`, those fields the message has — for a
/// name given n times, its last n instances, bottom-up (RFC 6376 §5.4.2) — followed by one
/// more `from`, which signs the absence of a second From field (oversigning), so that none can
/// be added without breaking the signature. From is always signed.
///
/// Errors: a key that cannot be used fails at `init`; a message without a header/body
/// separator, with a malformed header line or without a From field fails at `sign`.
public struct DKIMSigner: Sendable {
    /// The signing algorithm, fixed by the key type.
    public enum Algorithm: String, Sendable {
        case rsaSHA256 = "rsa-sha256"
        case ed25519SHA256 = "ed25519-sha256"
    }

    /// The fields signed unless told otherwise: those a recipient sees, and the list fields
    /// (RFC 2919, RFC 8058) that make one-click unsubscribe trustworthy.
    public static let defaultSignedHeaders = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "List-Id",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ]

    /// The signing domain, `d=`.
    public let domain: String
    /// The selector, `s=`: the public key is published at `<selector>._domainkey.<domain>`.
    public let selector: String
    /// The names of the fields to sign, lowercased, in `h=` order (From is added first if missing).
    public let signedHeaders: [String]
    /// The DNS TXT record value that publishes the public key: `v=DKIM1; k=rsa; p=…` or
    /// `v=DKIM1; k=ed25519; p=…`. A 2048-bit RSA record is longer than 255 bytes, so in a zone
    /// file it must be split into several quoted strings of one TXT record.
    public let dnsRecord: String
    private let key: DKIMPrivateKey

    /// The signing algorithm, from the key type.
    public var algorithm: Algorithm { key.algorithm }

    /// The smallest RSA key RFC 8301 §3.2 recommends (it requires 1024 bits, and this module
    /// refuses smaller keys): `herald check` warns below it.
    public static let recommendedRSAKeyBits = 2048

    /// The size of an RSA key in bits; `nil` for Ed25519.
    public var rsaKeyBits: Int? { key.rsaKeyBits }

    /// The DNS name of the TXT record: `<selector>._domainkey.<domain>`.
    public var dnsRecordName: String { "\(selector)._domainkey.\(domain)" }

    /// Creates a signer from a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`, RSA or Ed25519) or
    /// PKCS#1 (`BEGIN RSA PRIVATE KEY`). RSA keys need at least 1024 bits (2048 recommended).
    public init(
        domain: String, selector: String, privateKeyPEM: String,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws(DKIMError) {
        guard Self.isDomainName(domain) else { throw .invalidDomain(domain) }
        guard Self.isDomainName(selector) else { throw .invalidSelector(selector) }
        var names: [String] = []
        for name in signedHeaders {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != 0x3A }) else {
                throw .invalidHeaderName(name)
            }
            names.append(name.lowercased())
        }
        if !names.contains("from") { names.insert("from", at: 0) }
        let key = try DKIMPrivateKey(pem: privateKeyPEM)
        self.domain = domain
        self.selector = selector
        self.signedHeaders = names
        self.key = key
        self.dnsRecord = "v=DKIM1; k=\(key.keyTypeTag); p=\(key.publicKeyBase64)"
    }

    /// Creates a signer from a PEM private key file (see `init(domain:selector:privateKeyPEM:signedHeaders:)`).
    public init(
        domain: String, selector: String, privateKeyFile: URL,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) throws(DKIMError) {
        let path = privateKeyFile.path
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableKeyFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableKeyFile(path: path, reason: "it is a directory") }
        guard files.isReadableFile(atPath: path) else {
            throw .unreadableKeyFile(path: path, reason: "permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: privateKeyFile)
        } catch {
            throw .unreadableKeyFile(path: path, reason: error.localizedDescription)
        }
        guard let pem = String(data: data, encoding: .utf8) else {
            throw .unreadableKeyFile(path: path, reason: "it is not a PEM text file (a DER key? convert it with `openssl pkey -inform DER`)")
        }
        try self.init(domain: domain, selector: selector, privateKeyPEM: pem, signedHeaders: signedHeaders)
    }

    /// Returns the message with a `DKIM-Signature:` header field prepended (CRLF line endings,
    /// folded at 78 columns). `timestamp`, if given, becomes the `t=` tag.
    public func sign(_ message: [UInt8], timestamp: Date? = nil) throws(DKIMError) -> [UInt8] {
        let layout = try DKIMMessageLayout(message)

        // Body hash, bh=.
        var bodySink = DKIMHashingSink()
        message.withUnsafeBufferPointer { bytes in
            DKIMCanonicalization.canonicalizeRelaxedBody(
                UnsafeBufferPointer(rebasing: bytes[layout.bodyStart...]), into: &bodySink)
        }
        let bodyHash = bodySink.hasher.finalize()

        // The fields to sign: for each name, the last instance not yet used (RFC 6376 §5.4.2).
        var selected: [Range<Int>] = []
        var names: [String] = []
        selected.reserveCapacity(signedHeaders.count)
        names.reserveCapacity(signedHeaders.count + 1)
        var searchEnd: [String: Int] = [:]
        for name in signedHeaders {
            var index = searchEnd[name] ?? layout.fields.count
            while index > 0 {
                index -= 1
                if layout.fields[index].name == name {
                    selected.append(layout.fields[index].range)
                    names.append(name)
                    break
                }
            }
            searchEnd[name] = index
        }
        guard names.contains("from") else { throw .missingFromField }
        names.append("from")  // oversigning: no From field may be added

        // The DKIM-Signature field up to "b=".
        var folder = DKIMHeaderFolder(name: "DKIM-Signature:")
        folder.append("v=1;")
        folder.append("a=\(key.algorithm.rawValue);")
        folder.append("c=relaxed/relaxed;")
        folder.append("d=\(domain);")
        folder.append("s=\(selector);")
        if let timestamp {
            folder.append("t=\(Int64(max(0, timestamp.timeIntervalSince1970.rounded(.down))));")
        }
        for (position, name) in names.enumerated() {
            let terminator = position == names.count - 1 ? ";" : ":"
            if position == 0 {
                folder.append("h=" + name + terminator)
            } else {
                folder.append(name + terminator, separatedBySpace: false)
            }
        }
        folder.append("bh=" + Base64.string(Array(bodyHash)) + ";")
        folder.appendTagName("b=", minimumRoom: 8)

        // Header hash: the selected fields, then this field with an empty b=, without its CRLF.
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024 + folder.bytes.count)
        for range in selected {
            DKIMCanonicalization.appendRelaxedHeader(message[range], to: &canonical)
        }
        DKIMCanonicalization.appendRelaxedHeader(folder.bytes[...], to: &canonical)
        canonical.removeLast(2)
        let signature = try key.signature(for: SHA256.hash(data: canonical))

        folder.appendFolded(Base64.encode(signature))
        folder.bytes.append(MailCharacters.carriageReturn)
        folder.bytes.append(MailCharacters.lineFeed)

        var output: [UInt8] = []
        output.reserveCapacity(folder.bytes.count + message.count + 2)
        output.append(contentsOf: folder.bytes)
        output.append(contentsOf: message)
        if layout.bodyStart < message.count, !message.hasCRLFSuffix {
            output.append(MailCharacters.carriageReturn)
            output.append(MailCharacters.lineFeed)
        }
        return output
    }

    /// A domain name or selector: dot-separated labels of letters, digits and inner hyphens.
    static func isDomainName(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 253 else { return false }
        for label in utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63,
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                        || byte == UInt8(ascii: "-")
                })
            else { return false }
        }
        return true
    }
}

extension Array where Element == UInt8 {
    fileprivate var hasCRLFSuffix: Bool {
        count >= 2 && self[count - 2] == MailCharacters.carriageReturn && self[count - 1] == MailCharacters.lineFeed
    }
}
