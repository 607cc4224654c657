import Foundation
import Mail
import Testing
import TestSupport
@testable import Digests

@Suite struct SubscriberTokensTests {
    @Test func keyFileIsCreatedPrivateAndReused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("var/token.key")
        let first = try SubscriberTokens(keyFile: file)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(attributes[.size] as? Int == 32)
        let second = try SubscriberTokens(keyFile: file)
        #expect(first.token(for: "42", purpose: .unsubscribe) == second.token(for: "42", purpose: .unsubscribe))
        let other = try SubscriberTokens(keyFile: folder.url.appendingPathComponent("other.key"))
        #expect(other.token(for: "42", purpose: .unsubscribe) != first.token(for: "42", purpose: .unsubscribe))
    }

    @Test func tokensIdentifyTheSubscriberAndResistTampering() {
        let tokens = SubscriberTokens(key: Array(repeating: 7, count: 32))
        let token = tokens.token(for: "marie@example.org", purpose: .unsubscribe)
        #expect(!token.contains("@") && !token.contains("/") && !token.contains("+") && !token.contains("="))
        #expect(tokens.subscriber(fromToken: token, purpose: .unsubscribe) == "marie@example.org")
        #expect(tokens.subscriber(fromToken: token, purpose: .confirm) == nil)
        let forged = Base64.string(Array("paul@example.org".utf8), alphabet: .url) + "." + token.split(separator: ".")[1]
        #expect(tokens.subscriber(fromToken: forged, purpose: .unsubscribe) == nil)
        #expect(tokens.subscriber(fromToken: String(token.dropLast()), purpose: .unsubscribe) == nil)
        #expect(tokens.subscriber(fromToken: "garbage", purpose: .unsubscribe) == nil)
    }

    @Test func shortKeyIsRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("short", to: "token.key")
        #expect(throws: SubscriberTokensError.self) { try SubscriberTokens(keyFile: file) }
    }
}
