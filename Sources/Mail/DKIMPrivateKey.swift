import Crypto
import Foundation
import _CryptoExtras

/// A DKIM signing key read from PEM text: RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8).
enum DKIMPrivateKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case ed25519(DKIMEd25519Key)

    /// 1.2.840.113549.1.1.1, rsaEncryption
    static let rsaOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    /// 1.3.101.112, id-Ed25519
    static let ed25519OID: [UInt8] = [0x2B, 0x65, 0x70]

    init(pem: String) throws(DKIMError) {
        let block = try DKIMPEMBlock.firstPrivateKey(in: pem)
        switch block.label {
        case "RSA PRIVATE KEY":
            self = try Self.rsa(pkcs1: block.der[...], der: block.der)
        case "PRIVATE KEY":
            self = try Self(pkcs8: block.der)
        case "ENCRYPTED PRIVATE KEY":
            throw .unsupportedKeyType(
                "the key is encrypted with a passphrase; write an unencrypted copy with `openssl pkey -in KEY -out PLAIN`")
        case "OPENSSH PRIVATE KEY":
            throw .unsupportedKeyType(
                "an OpenSSH key; convert it to PKCS#8 with `ssh-keygen -p -m PKCS8 -f KEY`")
        default:
            throw .unsupportedKeyType("a \"\(block.label)\" PEM block")
        }
    }

    /// PKCS#8 PrivateKeyInfo (RFC 5208 / 5958):
    /// SEQUENCE { INTEGER version, SEQUENCE { OID algorithm, params }, OCTET STRING privateKey, … }
    private init(pkcs8 der: [UInt8]) throws(DKIMError) {
        var outer = DKIMDERReader(der[...])
        var info = try outer.read(tag: 0x30, what: "PrivateKeyInfo")
        _ = try info.read(tag: 0x02, what: "version")
        var algorithm = try info.read(tag: 0x30, what: "AlgorithmIdentifier")
        let oid = try algorithm.read(tag: 0x06, what: "algorithm OID").bytes
        let privateKey = try info.read(tag: 0x04, what: "privateKey").bytes
        if oid.elementsEqual(Self.rsaOID) {
            self = try Self.rsa(pkcs1: privateKey, der: der)
        } else if oid.elementsEqual(Self.ed25519OID) {
            // CurvePrivateKey ::= OCTET STRING, the 32-byte seed (RFC 8410 §7).
            var inner = DKIMDERReader(privateKey)
            let seed = try inner.read(tag: 0x04, what: "Ed25519 private key").bytes
            guard seed.count == 32 else {
                throw .malformedKey("the Ed25519 private key has \(seed.count) bytes instead of 32")
            }
            do {
                self = .ed25519(DKIMEd25519Key(try Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed))))
            } catch {
                throw .malformedKey("the Ed25519 private key was refused: \(error)")
            }
        } else {
            throw .unsupportedKeyType("a PKCS#8 key with algorithm \(Self.describe(oid: oid))")
        }
    }

    /// `pkcs1` is an RSAPrivateKey (RFC 8017 §A.1.2) — SEQUENCE { INTEGER version, INTEGER modulus, … } —
    /// used to measure the modulus; `der` is what swift-crypto parses (PKCS#1 or PKCS#8 DER).
    private static func rsa(pkcs1: ArraySlice<UInt8>, der: [UInt8]) throws(DKIMError) -> DKIMPrivateKey {
        var outer = DKIMDERReader(pkcs1)
        var key = try outer.read(tag: 0x30, what: "RSAPrivateKey")
        _ = try key.read(tag: 0x02, what: "version")
        var modulus = try key.read(tag: 0x02, what: "modulus").bytes
        while modulus.first == 0 { modulus = modulus.dropFirst() }
        let bits = modulus.first.map { modulus.count * 8 - $0.leadingZeroBitCount } ?? 0
        guard bits >= 1024 else { throw .rsaKeyTooShort(bits: bits) }
        do {
            return .rsa(try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der))
        } catch {
            throw .malformedKey("the RSA private key was refused: \(error)")
        }
    }

    /// A readable name for an algorithm OID that is not RSA or Ed25519.
    static func describe(oid: ArraySlice<UInt8>) -> String {
        let known: [String: String] = [
            "1.2.840.10045.2.1": "EC (ECDSA)",
            "1.3.101.110": "X25519",
            "1.3.101.111": "X448",
            "1.3.101.113": "Ed448",
            "1.2.840.113549.1.1.10": "RSASSA-PSS",
            "1.2.840.10040.4.1": "DSA",
        ]
        let dotted = dottedOID(oid)
        if let name = known[dotted] { return "\(name) (\(dotted))" }
        return dotted
    }

    static func dottedOID(_ oid: ArraySlice<UInt8>) -> String {
        var parts: [String] = []
        var value: UInt64 = 0
        for byte in oid {
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if parts.isEmpty {
                    let first = min(value / 40, 2)
                    parts.append(String(first))
                    parts.append(String(value - first * 40))
                } else {
                    parts.append(String(value))
                }
                value = 0
            }
        }
        return parts.joined(separator: ".")
    }

    // MARK: Public key

    var algorithm: DKIMSigner.Algorithm {
        switch self {
        case .rsa: return .rsaSHA256
        case .ed25519: return .ed25519SHA256
        }
    }

    /// The `p=` value of the DNS record: base64 of the SubjectPublicKeyInfo DER for RSA
    /// (RFC 6376 §3.6.1), of the raw 32-byte public key for Ed25519 (RFC 8463 §4.2).
    var publicKeyBase64: String {
        switch self {
        case .rsa(let key): return Base64.string(Array(key.publicKey.derRepresentation))
        case .ed25519(let key): return Base64.string(Array(key.key.publicKey.rawRepresentation))
        }
    }

    /// The RSA modulus's size in bits; `nil` for Ed25519.
    var rsaKeyBits: Int? {
        if case .rsa(let key) = self { return key.keySizeInBits }
        return nil
    }

    /// `k=` in the DNS record.
    var keyTypeTag: String {
        switch self {
        case .rsa: return "rsa"
        case .ed25519: return "ed25519"
        }
    }

    /// Signs the SHA-256 digest of the canonicalised header data: RSASSA-PKCS1-v1_5 over the
    /// digest for rsa-sha256, PureEdDSA over the 32 digest bytes for ed25519-sha256 (RFC 8463 §3).
    func signature(for digest: SHA256Digest) throws(DKIMError) -> [UInt8] {
        do {
            switch self {
            case .rsa(let key):
                let signature = try key.signature(for: digest, padding: .insecurePKCS1v1_5)
                return Array(signature.rawRepresentation)
            case .ed25519(let key):
                return Array(try key.key.signature(for: Array(digest)))
            }
        } catch {
            throw .signingFailed(String(describing: error))
        }
    }
}

/// An Ed25519 private key that may be shared between tasks.
///
/// swift-crypto 3 does not mark `Curve25519.Signing.PrivateKey` `Sendable` (version 4 does), but
/// it is a value type (copy-on-write key bytes) that signing only reads, so sharing it is safe.
struct DKIMEd25519Key: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey
    init(_ key: Curve25519.Signing.PrivateKey) { self.key = key }
}
