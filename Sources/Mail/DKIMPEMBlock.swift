import Foundation

/// One `-----BEGIN label-----` … `-----END label-----` block, decoded.
struct DKIMPEMBlock {
    var label: String
    var der: [UInt8]

    /// The first block whose label ends in "PRIVATE KEY" (so a file may also hold a
    /// certificate or parameters).
    static func firstPrivateKey(in text: String) throws(DKIMError) -> DKIMPEMBlock {
        var labels: [String] = []
        var remaining = Substring(text)
        while let begin = remaining.range(of: "-----BEGIN ") {
            guard let labelEnd = remaining[begin.upperBound...].range(of: "-----") else { break }
            let label = String(remaining[begin.upperBound..<labelEnd.lowerBound])
            let endMarker = "-----END \(label)-----"
            guard let end = remaining[labelEnd.upperBound...].range(of: endMarker) else {
                throw .malformedKey("the \"\(label)\" block has no \"\(endMarker)\" line")
            }
            labels.append(label)
            if label.hasSuffix("PRIVATE KEY") {
                var base64 = String(remaining[labelEnd.upperBound..<end.lowerBound])
                if base64.contains("Proc-Type:") {
                    throw .unsupportedKeyType(
                        "the key is encrypted with a passphrase; write an unencrypted copy with `openssl pkey -in KEY -out PLAIN`")
                }
                base64.removeAll { $0.isWhitespace }
                guard let data = Data(base64Encoded: base64), !data.isEmpty else {
                    throw .malformedKey("the \"\(label)\" block is not valid base64")
                }
                return DKIMPEMBlock(label: label, der: Array(data))
            }
            remaining = remaining[end.upperBound...]
        }
        if labels.isEmpty { throw .malformedKey("no \"-----BEGIN … PRIVATE KEY-----\" line") }
        if labels.contains("PUBLIC KEY") || labels.contains("RSA PUBLIC KEY") {
            throw .malformedKey("the file holds a public key, but signing needs the private key")
        }
        throw .malformedKey("no private key among the PEM blocks (\(labels.joined(separator: ", ")))")
    }
}
