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

    /// Several first runs at once (here threads, each as a separate process would): every one
    /// gets the same whole key, and no temporary file is left behind.
    @Test func concurrentFirstRunsAgreeOnOneKey() throws {
        for _ in 0..<20 {
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            let file = folder.url.appendingPathComponent("var/token.key")
            let racers = 12
            let ready = DispatchGroup()
            let go = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            let results = Results(count: racers)
            for index in 0..<racers {
                ready.enter()
                done.enter()
                Thread.detachNewThread {
                    ready.leave()
                    go.wait()
                    results.set(index, Result { try SubscriberTokens(keyFile: file).token(for: "42", purpose: .unsubscribe) })
                    done.leave()
                }
            }
            ready.wait()
            for _ in 0..<racers { go.signal() }
            done.wait()
            let tokens = try results.all.map { try $0.get() }
            #expect(Set(tokens).count == 1)
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect(attributes[.size] as? Int == 32)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["token.key"])
        }
    }

    @Test func shortKeyIsRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try folder.write("short", to: "token.key")
        #expect(throws: SubscriberTokensError.self) { try SubscriberTokens(keyFile: file) }
    }
}

/// One result per racing thread.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<String, any Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<String, any Error>) { lock.withLock { values[index] = value } }

    var all: [Result<String, any Error>] { lock.withLock { values.map { $0! } } }
}
