import Crypto
import Foundation
import Mail

/// The tokens in confirm and unsubscribe links: HMAC-SHA256 over the purpose and the
/// subscriber, keyed by a secret that never leaves the server.
///
/// A token proves that Herald made the link for this subscriber and this purpose; it needs no
/// database lookup to check and cannot be forged or reused for another purpose.
public struct SubscriberTokens: Sendable {
    /// What a token allows.
    public enum Purpose: String, Sendable, CaseIterable {
        case confirm
        case unsubscribe
    }

    /// The raw key; a `SymmetricKey` is made per use (swift-crypto 3 does not mark it `Sendable`).
    private let keyBytes: [UInt8]

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A signer with an explicit key (tests).
    public init(key: [UInt8]) {
        keyBytes = key
    }

    /// A URL-safe token for `subscriber` (an opaque subscriber key) and `purpose`:
    /// `<subscriber, base64url>.<HMAC, base64url>`. The link carries who it is for, and the MAC
    /// proves Herald made it.
    public func token(for subscriber: String, purpose: Purpose) -> String {
        "\(Base64.string(subscriber.utf8, alphabet: .url)).\(mac(subscriber, purpose))"
    }

    /// The subscriber a token was made for, if it is genuine and for `purpose` (the MAC is
    /// compared in constant time).
    public func subscriber(fromToken token: String, purpose: Purpose) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let idBytes = Self.decodeBase64URL(String(parts[0])),
            let subscriber = String(validating: idBytes, as: UTF8.self)
        else { return nil }
        let expected = Array(mac(subscriber, purpose).utf8)
        let given = Array(parts[1].utf8)
        guard expected.count == given.count else { return nil }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0 ? subscriber : nil
    }

    private func mac(_ subscriber: String, _ purpose: Purpose) -> String {
        // The purpose and a NUL come first, so that no subscriber key can make one purpose's
        // message equal another's.
        let code = HMAC<SHA256>.authenticationCode(for: Array("\(purpose.rawValue)\u{0}\(subscriber)".utf8), using: key)
        return Base64.string(Array(code), alphabet: .url)
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }
}

/// The token key cannot be read or created.
public struct SubscriberTokensError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "token key \(path): \(reason)" }
}
