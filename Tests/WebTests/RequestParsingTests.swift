import Digests
import Foundation
import Testing

@testable import Web

@Suite struct FeedPathTests {
    @Test(arguments: ["atom.xml", "rss.xml", "feed.json", "tags/fete-de-quartier/atom.xml", "authors/elise-martin/feed.json"])
    func layoutPathsAreAccepted(_ path: String) {
        #expect(FeedPath(Substring(path))?.relative == path)
    }

    @Test(arguments: [
        "", "/", "atom.xml.gz", ".atom.xml.ABCDEF", "../config.json", "tags/../atom.xml", "tags/./atom.xml", "tags//atom.xml",
        "%2e%2e/atom.xml", "tags/%2e%2e/atom.xml", "tags/a%2fb/atom.xml", "tags\\..\\atom.xml", "tags/x\u{0}/atom.xml",
        "tags/Fete/atom.xml", "tags/fête/atom.xml", "posts/x/atom.xml", "tags/x/y/atom.xml", "tags/x/index.html", "ATOM.XML",
        "tags/\(String(repeating: "a", count: 300))/atom.xml",
    ])
    func everythingElseIsRefused(_ path: String) {
        #expect(FeedPath(Substring(path)) == nil)
    }
}

@Suite struct ContentNegotiationTests {
    @Test func ifNoneMatchComparesWeakly() {
        let tags = ["\"abc\"", "\"abc-gz\""]
        #expect(ContentNegotiation.noneMatchHits("\"abc\"", etags: tags))
        #expect(ContentNegotiation.noneMatchHits("W/\"abc-gz\"", etags: tags))
        #expect(ContentNegotiation.noneMatchHits("\"x\", \"abc\"", etags: tags))
        #expect(ContentNegotiation.noneMatchHits("*", etags: tags))
        #expect(!ContentNegotiation.noneMatchHits("\"abd\"", etags: tags))
        #expect(!ContentNegotiation.noneMatchHits("abc", etags: tags))
    }

    @Test func acceptEncodingHonoursQualities() {
        #expect(ContentNegotiation.acceptsGzip("gzip"))
        #expect(ContentNegotiation.acceptsGzip("br, gzip;q=0.5, deflate"))
        #expect(ContentNegotiation.acceptsGzip("*"))
        #expect(ContentNegotiation.acceptsGzip("X-GZIP"))
        #expect(!ContentNegotiation.acceptsGzip("gzip;q=0"))
        #expect(!ContentNegotiation.acceptsGzip("*, gzip;q=0"))
        #expect(!ContentNegotiation.acceptsGzip("identity"))
        #expect(!ContentNegotiation.acceptsGzip("br"))
        #expect(!ContentNegotiation.acceptsGzip(""))
    }
}

@Suite struct HTTPDateTests {
    @Test func theThreeFormsAreRead() {
        let expected = 784_111_777
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == expected)
        #expect(HTTPDate.format(expected) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test(arguments: ["", "yesterday", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", String(repeating: "Sun, ", count: 40)])
    func anythingElseIsNotADate(_ text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func formatAndParseAgree() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let seconds = Int.random(in: 0...4_102_444_800, using: &generator)
            #expect(HTTPDate.parse(HTTPDate.format(seconds)) == seconds)
        }
    }
}

@Suite struct ClientRateLimiterTests {
    @Test func aBurstThenTheHourlyRate() {
        let limiter = ClientRateLimiter(perHour: 20)
        let start = ContinuousClock.now
        let allowed = (0..<100).filter { _ in limiter.allow("198.51.100.7", now: start) }.count
        #expect(allowed == 4)
        #expect(limiter.allow("203.0.113.9", now: start), "another client has its own allowance")
        // 20 an hour: one more every 3 minutes.
        #expect(!limiter.allow("198.51.100.7", now: start + .seconds(170)))
        #expect(limiter.allow("198.51.100.7", now: start + .seconds(360)))
    }

    @Test func theTableStaysBounded() {
        let limiter = ClientRateLimiter(perHour: 20, maxClients: 100)
        let start = ContinuousClock.now
        for index in 0..<1000 { _ = limiter.allow("client-\(index)", now: start + .milliseconds(index)) }
        #expect(limiter.allow("client-999", now: start + .seconds(1)))
        #expect(limiter.count <= 100)
    }
}

@Suite struct SubscriptionLinksTests {
    let links = SubscriptionLinks(tokens: SubscriberTokens(key: Array(repeating: 7, count: 32)), lifetime: 48 * 3600)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aConfirmTokenWorksUntilItExpires() {
        let token = links.confirmToken(.init(subscriberID: 42, newsletter: "hebdo"), issued: now)
        #expect(links.confirmation(fromToken: Substring(token), now: now + 3600, newsletters: ["hebdo"]) == .init(subscriberID: 42, newsletter: "hebdo"))
        #expect(links.confirmation(fromToken: Substring(token), now: now + 48 * 3600 + 1, newsletters: ["hebdo"]) == nil)
        #expect(links.confirmation(fromToken: Substring(token), now: now - 3600, newsletters: ["hebdo"]) == nil)
        #expect(links.confirmation(fromToken: Substring(token), now: now, newsletters: ["autre"]) == nil)
    }

    @Test func forgedTruncatedAndCrossPurposeTokensAreRefused() {
        let confirm = links.confirmToken(.init(subscriberID: 42, newsletter: "hebdo"), issued: now)
        #expect(links.confirmation(fromToken: Substring(confirm.dropLast()), now: now, newsletters: ["hebdo"]) == nil)
        var forged = Array(confirm)
        forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
        #expect(links.confirmation(fromToken: Substring(String(forged)), now: now, newsletters: ["hebdo"]) == nil)
        let other = SubscriptionLinks(tokens: SubscriberTokens(key: Array(repeating: 8, count: 32)), lifetime: 48 * 3600)
        #expect(links.confirmation(fromToken: Substring(other.confirmToken(.init(subscriberID: 42, newsletter: "hebdo"), issued: now)), now: now, newsletters: ["hebdo"]) == nil)
        // A confirm token does not unsubscribe, an unsubscribe token does not confirm.
        #expect(links.unsubscriber(fromToken: Substring(confirm)) == nil)
        let unsubscribe = links.tokens.token(for: "42", purpose: .unsubscribe)
        #expect(links.unsubscriber(fromToken: Substring(unsubscribe)) == 42)
        #expect(links.confirmation(fromToken: Substring(unsubscribe), now: now, newsletters: ["hebdo"]) == nil)
        #expect(links.unsubscriber(fromToken: "") == nil)
        #expect(links.unsubscriber(fromToken: Substring(String(repeating: "A", count: 600))) == nil)
    }
}
