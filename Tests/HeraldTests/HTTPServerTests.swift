import Digests
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `herald run`'s HTTP server, driven with real requests (curl, Python, Chromium) on loopback.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HTTPServerTests {
    @Test func feedsAsReadersExpectThem() throws {
        let web = try WebSite()
        let feeds = web.site.site.feeds
        try web.site.site.post("etiquete.md", "---\ntitle: Étiqueté\ndate: 2026-01-05 10:00\ntags: [Fête & musique]\n---\nUn billet.\n")
        #expect(try web.waitFor { try web.request("/feeds/tags/fete-musique/atom.xml").status == 200 })
        for (path, type) in [
            ("atom.xml", "application/atom+xml; charset=utf-8"), ("rss.xml", "application/rss+xml; charset=utf-8"),
            ("feed.json", "application/feed+json; charset=utf-8"),
        ] {
            let reply = try web.request("/feeds/" + path)
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"] == type)
            #expect(reply.body == [UInt8](try Data(contentsOf: feeds.appendingPathComponent(path))), "the file, byte for byte")
            #expect(reply.headers["cache-control"] == "public, max-age=300")
            #expect(reply.headers["vary"] == "Accept-Encoding")
        }
        let plain = try web.request("/feeds/atom.xml")
        let etag = try #require(plain.headers["etag"])
        let modified = try #require(plain.headers["last-modified"])
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "a strong validator: \(etag)")

        // Conditional requests, both kinds.
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \(etag)"]).status == 304)
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \"other\", W/\(etag)"]).status == 304)
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \"other\""]).status == 200)
        let notModified = try web.request("/feeds/atom.xml", headers: ["If-Modified-Since: \(modified)"])
        #expect(notModified.status == 304 && notModified.body.isEmpty && notModified.headers["etag"] == etag)
        #expect(try web.request("/feeds/atom.xml", headers: ["If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT"]).status == 200)
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \"other\"", "If-Modified-Since: \(modified)"]).status == 200)

        // HEAD: the GET's headers, no body.
        let head = try web.request("/feeds/atom.xml", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.headers["content-length"] == String(plain.body.count) && head.headers["etag"] == etag)

        // gzip, precompressed at publish, with a validator of its own.
        let gzip = try web.request("/feeds/atom.xml", headers: ["Accept-Encoding: gzip, deflate"])
        #expect(gzip.headers["content-encoding"] == "gzip")
        #expect(gzip.headers["etag"] != nil && gzip.headers["etag"] != etag)
        #expect(gzip.body.count < plain.body.count / 2)
        let gzipFile = try web.site.site.folder.write(String(decoding: [], as: UTF8.self), to: "atom.gz")
        try Data(gzip.body).write(to: gzipFile)
        let gunzipped = try ProcessResult.run("/bin/gzip", ["-dc", gzipFile.path])
        #expect(Array(gunzipped.stdout.utf8) == plain.body)
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \(gzip.headers["etag"] ?? "")"]).status == 304)
        #expect(try web.request("/feeds/atom.xml", headers: ["Accept-Encoding: gzip;q=0"]).headers["content-encoding"] == nil)

        // A real feed reader: feedparser fetches, then asks again with the validators it kept.
        let reader = """
            import feedparser, sys
            first = feedparser.parse(sys.argv[1])
            again = feedparser.parse(sys.argv[1], etag=first.etag, modified=first.modified)
            print(first.status, len(first.entries), first.bozo, again.status, len(again.entries))
            """
        for format in ["atom.xml", "rss.xml"] {
            let read = try ProcessResult.run("/usr/bin/python3", ["-c", reader, web.base + "/feeds/" + format])
            #expect(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "200 2 False 304 0", "\(format): \(read.stdout) \(read.stderr)")
        }

        // A tag's feed.
        let tag = try #require(try FileManager.default.contentsOfDirectory(atPath: feeds.path + "/tags").first)
        #expect(try web.request("/feeds/tags/\(tag)/rss.xml").status == 200)

        // Nothing outside the feeds: traversal in every spelling, hidden files, links.
        let outside = try TemporaryDirectory(prefix: "herald-outside")
        defer { outside.remove() }
        try outside.write("secret", to: "atom.xml")
        try FileManager.default.createSymbolicLink(atPath: feeds.path + "/tags/lien", withDestinationPath: outside.path)
        for path in [
            "/feeds/../config.json", "/feeds/..%2fconfig.json", "/feeds/%2e%2e/config.json", "/feeds/tags/..%2f..%2fconfig.json",
            "/feeds/tags/%2e%2e/%2e%2e/admin-token", "/feeds/..\\config.json", "/feeds/tags/lien/atom.xml", "/feeds/atom.xml%00",
            "/feeds/atom.xml.gz", "/feeds/.atom.xml.XXXXXX", "/feeds//etc/passwd", "/feeds/tags/\(tag)/../../../admin-token",
            "/feeds/var/token.key", "/feeds/tags/%2E%2E/atom.xml",
        ] {
            let reply = try web.request(path)
            #expect(reply.status == 404, "\(path): \(reply.status)")
            #expect(!reply.text.contains("secret") && !reply.text.contains(WebSite.adminToken), "\(path)")
        }

        // A new post reaches the served feed, with a new validator.
        try web.site.post("nouveau.md", title: "Un billet tout neuf", daysAgo: 0.01)
        #expect(try web.waitFor { try web.request("/feeds/atom.xml").text.contains("Un billet tout neuf") })
        #expect(try web.request("/feeds/atom.xml", headers: ["If-None-Match: \(etag)"]).status == 200)
        #expect(web.run.stderr.contains("<6>GET /feeds/atom.xml 304 "), "one log line per request")
    }

    /// On both stores: the daemon, its pages and its deliveries on PostgreSQL too.
    @Test(arguments: ["sqlite", "postgres"])
    func signUpConfirmDigestOneClickUnsubscribe(store: String) throws {
        let url = store == "postgres" ? try PostgresTestServer.sharedServer().makeDatabase() : nil
        defer { if let url { try? PostgresTestServer.sharedServer().dropDatabase(url) } }
        let web = try WebSite(storeURL: url)
        try web.site.importSubscribers(0..<1)
        let email = "jeanne.dupont@example.org"

        // The home page offers the newsletter; the sign-up answers the same for a new address
        // and for one already confirmed (no enumeration).
        #expect(try web.request("/").text.contains("name=\"newsletter\" value=\"hebdo\""))
        let signUp = try web.request(
            "/subscribe", method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "email=jeanne.dupont%40example.org&name=Jeanne+%C2%AB+Dupont+%C2%BB&newsletter=hebdo&website=")
        let known = try web.request(
            "/subscribe", method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "email=s0%40example.org&name=&newsletter=hebdo&website=")
        #expect(signUp.status == 200 && known.status == 200)
        #expect(signUp.text == known.text)
        #expect(try web.subscriber(email)?["status"] as? String == "pending")

        // The confirmation mail, with its link.
        let confirmationMail = try #require(try web.mail(to: email).first)
        let confirmation = ReadMessage(confirmationMail.data)
        #expect(confirmation.header("Subject")?.contains("=?") == true || confirmation.header("Subject")?.contains("Confirmez") == true)
        let link = try #require(confirmation.link(containing: "/confirm/"), "\(confirmation.text)")
        let path = try #require(web.path(of: link), "\(link)")
        #expect(path.hasPrefix("/confirm/"))
        #expect(try web.mail(to: "s0@example.org", timeout: 1).isEmpty, "no mail for the address already confirmed")

        // A GET (a mail scanner, or the person opening the link) changes nothing.
        let page = try web.request(path)
        #expect(page.status == 200 && page.text.contains("<form method=\"post\""))
        #expect(try web.subscriber(email)?["status"] as? String == "pending")
        // Forged, truncated, cross-purpose, expired: 4xx, nothing changes.
        let token = String(path.dropFirst("/confirm/".count))
        var forged = Array(token)
        forged[forged.count / 2] = forged[forged.count / 2] == "a" ? "b" : "a"
        let id = try #require(try web.subscriber(email)?["id"] as? Int)
        // With PostgreSQL the daemon wrote the database's key into this file at start.
        let key = try SubscriberTokens(keyFile: web.site.site.folder.url.appendingPathComponent("var/token.key"))
        let expired = key.token(for: "\(id) hebdo \(Int(Date().timeIntervalSince1970) - 49 * 3600)", purpose: .confirm)
        let unsubscribeToken = key.token(for: "\(id)", purpose: .unsubscribe)
        for bad in [String(forged), String(token.dropLast(3)), expired, unsubscribeToken, "", "x.y"] {
            let reply = try web.request("/confirm/" + bad, method: "POST", body: "confirm=yes")
            #expect((400..<500).contains(reply.status), "\(bad): \(reply.status)")
        }
        #expect(try web.subscriber(email)?["status"] as? String == "pending")
        // The POST confirms.
        let confirmed = try web.request(path, method: "POST", body: "confirm=yes")
        #expect(confirmed.status == 200)
        #expect(try web.subscriber(email)?["status"] as? String == "confirmed")
        #expect(try web.subscriber(email)?["name"] as? String == "Jeanne « Dupont »")

        // A digest, queued through the admin API, reaches the new subscriber.
        let queued = try web.admin("/admin/newsletters/hebdo/digests", method: "POST")
        #expect(queued.status == 201, "\(queued.json)")
        #expect(queued.json["deliveries"] as? Int == 2)
        let mails = try web.mail(to: email, count: 2, timeout: 30)
        #expect(mails.count == 2, "\(web.run.stderr.suffix(3000))")
        let digest = try #require(mails.last)
        let read = ReadMessage(digest.data)
        #expect(read.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        let listUnsubscribe = try #require(read.header("List-Unsubscribe"))
        let oneClick = try #require(listUnsubscribe.split(separator: ",").first?.trimmingCharacters(in: .whitespaces))
        #expect(oneClick.hasPrefix("<\(web.publicURL)unsubscribe/") && oneClick.hasSuffix(">"))
        let unsubscribePath = try #require(web.path(of: String(oneClick.dropFirst().dropLast())))

        // The unsubscribe link's GET shows a button and changes nothing; a forged one is refused.
        #expect(try web.request(unsubscribePath).status == 200)
        #expect(try web.subscriber(email)?["status"] as? String == "confirmed")
        #expect(try web.request("/unsubscribe/" + String(forged), method: "POST", body: "List-Unsubscribe=One-Click").status == 400)
        // RFC 8058: a POST with that body, no cookie, no redirect; twice is once.
        for _ in 0..<2 {
            let reply = try web.request(
                unsubscribePath, method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"],
                body: "List-Unsubscribe=One-Click")
            #expect(reply.status == 200 && reply.headers["location"] == nil && reply.headers["set-cookie"] == nil)
        }
        #expect(try web.subscriber(email)?["status"] as? String == "unsubscribed")
        #expect(try web.subscriber("s0@example.org")?["status"] as? String == "confirmed", "only the token's subscriber")

        // The next digest skips them.
        try web.site.post("deuxieme.md", title: "Deuxième billet", daysAgo: 0.01)
        #expect(try web.waitFor { try web.request("/feeds/atom.xml").text.contains("Deuxième billet") })
        let next = try web.admin("/admin/newsletters/hebdo/digests", method: "POST")
        #expect(next.status == 201 && next.json["deliveries"] as? Int == 1, "\(next.json)")
        #expect(try web.mail(to: "s0@example.org", count: 2).count == 2)
        let digestID = try #require(next.json["digest"] as? Int)
        #expect(try web.waitFor { try web.admin("/admin/digests/\(digestID)").json["status"] as? String == "completed" })
        #expect(try web.mail(to: email, timeout: 1).count == 2, "the confirmation and the first digest, nothing after")

        // What the daemon counted, as Prometheus reads it.
        let metrics = try web.request("/metrics", headers: ["Authorization: Bearer \(WebSite.adminToken)"])
        #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        for line in [
            #"herald_deliveries_total{outcome="sent"} 3"#, #"herald_smtp_replies_total{class="2xx"} 3"#,
            // Both digests are completed: nothing is queued.
            #"herald_queue_deliveries{state="sent"} 0.0"#, #"herald_queue_deliveries{state="pending"} 0.0"#,
            #"herald_http_requests_total{route="unsubscribe",status="200"} 3"#,
            #"herald_http_requests_total{route="confirm",status="400"} 5"#,
        ] {
            #expect(metrics.text.contains(line + "\n"), "\(line) in \(metrics.text)")
        }
        #expect(metrics.text.contains(#"herald_feed_builds_total{result="ok"}"#) && metrics.text.contains("herald_feed_build_duration_seconds_bucket"))
        #expect(metrics.text.contains("herald_info{"))
        #expect(try web.request("/metrics").status == 401)
    }

    @Test func manySignUpsForOneAddressSendOneMail() throws {
        let web = try WebSite(http: #", "subscribePerHour": 100000"#)
        let script = """
            import concurrent.futures, urllib.request, sys
            def post(_):
                request = urllib.request.Request(sys.argv[1], data=b"email=rafale%40example.org&newsletter=hebdo", method="POST")
                try:
                    return urllib.request.urlopen(request, timeout=10).status
                except urllib.error.HTTPError as error:
                    return error.code
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                print(" ".join(str(code) for code in pool.map(post, range(100))))
            """
        let start = Date()
        let result = try ProcessResult.run("/usr/bin/python3", ["-c", script, web.base + "/subscribe"])
        let elapsed = Date().timeIntervalSince(start)
        let codes = result.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(codes.count == 100 && codes.allSatisfy { $0 == 200 }, "\(result.stdout) \(result.stderr)")
        #expect(elapsed < 5, "100 requests took \(elapsed) s")
        usleep(2_000_000)
        #expect(try web.mail(to: "rafale@example.org", timeout: 1).count == 1)

        // The per-client limit (default 20 an hour, 4 at once) answers 429 past it.
        let limited = try WebSite()
        let statuses = try (0..<6).map { index in
            try limited.request("/subscribe", method: "POST", body: "email=c\(index)%40example.org&newsletter=hebdo").status
        }
        #expect(statuses == [200, 200, 200, 200, 429, 429], "\(statuses)")
        // The honeypot: the same answer, no subscriber, no mail.
        let trapped = try web.request("/subscribe", method: "POST", body: "email=bot%40example.org&newsletter=hebdo&website=http://spam")
        #expect(trapped.status == 200 && trapped.text.contains("boîte"))
        #expect(try web.subscriber("bot@example.org") == nil)
        // Hostile input: no header injection, clear 4xx.
        let injected = try web.request(
            "/subscribe", method: "POST", body: "email=a%40example.org%0D%0ABcc%3A+x%40evil.example&newsletter=hebdo")
        #expect(injected.status == 400)
        let nameInjection = try web.request(
            "/subscribe", method: "POST", body: "email=nom%40example.org&name=A%0D%0ABcc%3A+x%40evil.example&newsletter=hebdo")
        #expect(nameInjection.status == 200)
        let named = try #require(try web.mail(to: "nom@example.org").first)
        #expect(!ReadMessage(named.data).headers.contains { $0.name.lowercased() == "bcc" })
        #expect(named.rcptTo == ["nom@example.org"])
        #expect(try web.request("/subscribe", method: "POST", body: "email=a%40example.org&newsletter=autre").status == 400)
        let large = try web.request("/subscribe", method: "POST", body: "email=" + String(repeating: "a", count: 40_000))
        #expect(large.status == 413)
    }

    @Test func adminAPINeedsItsToken() throws {
        let web = try WebSite()
        for headers in [[], ["Authorization: Bearer wrong-token-of-some-length"], ["Authorization: Basic \(WebSite.adminToken)"],
            ["Authorization: Bearer \(WebSite.adminToken)x"], ["Authorization: Bearer"]]
        {
            let reply = try web.request("/admin/status", headers: headers)
            #expect(reply.status == 401, "\(headers)")
            #expect(reply.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
        let status = try web.admin("/admin/status")
        #expect(status.status == 200)
        let cli = try web.site.herald("status", "--json")
        let cliJSON = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(NSDictionary(dictionary: status.json["posts"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: cliJSON["posts"] as? [String: Any] ?? [:]))
        #expect(status.json["newsletters"] != nil && status.json["queue"] != nil)
        #expect(try web.admin("/admin/newsletters/inconnue/digests", method: "POST").status == 404)
        #expect(try web.admin("/admin/digests/999").status == 404)
        #expect(try web.admin("/admin/nothing").status == 404)
        #expect(try web.request("/healthz").text == "ok\n")
        #expect(!web.run.stderr.contains(WebSite.adminToken))
    }

    @Test func anAdminAPIWithoutATokenIsOff() throws {
        // No mail section, no newsletter, no admin token.
        let site = try SiteFixture()
        defer { site.remove() }
        try site.post("billet.md", "---\ntitle: Billet\ndate: 2026-01-05 10:00\n---\nUn billet.\n")
        let notify = try NotifySocket(path: site.folder.path + "/notify")
        let run = try RunningHerald(arguments: ["run", "--config", site.config], in: site.folder, environment: ["NOTIFY_SOCKET": notify.path])
        defer { if run.isRunning { run.kill() } }
        let ready = try #require(notify.receive(until: "READY=1", timeout: 30), "\(run.stderr)")
        let status = try #require(ready.last { $0.contains("STATUS=") })
        let address = try #require(status.components(separatedBy: "serving ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(address.hasPrefix("http://127.0.0.1:") && !address.hasSuffix(":0/"), "the port bound is announced: \(status)")
        for token in ["", "anything-at-all-123456"] {
            let reply = try CurlRequest(address + "admin/status", headers: ["Authorization: Bearer \(token)"]).send()
            #expect(reply.status == 401)
        }
        #expect(try CurlRequest(address + "feeds/atom.xml").send().status == 200)
        // No mail section: no sign-up.
        #expect(!(try CurlRequest(address).send().text.contains("<form")))
        #expect(try CurlRequest(address + "subscribe", method: "POST", body: "email=a%40b.example&newsletter=hebdo").send().status == 404)
    }

    @Test func aPortInUseIsAClearErrorAtStart() throws {
        let web = try WebSite()
        let other = try SiteFixture.sample()
        defer { other.remove() }
        var config = try String(contentsOfFile: other.config, encoding: .utf8)
        config = config.replacingOccurrences(of: "127.0.0.1:0", with: "127.0.0.1:\(web.port)")
        try config.write(toFile: other.config, atomically: true, encoding: .utf8)
        let second = try RunningHerald(arguments: ["run", "--config", other.config], in: other.folder)
        #expect(second.wait(timeout: 30) == 1)
        #expect(second.stderr.contains("http.listen 127.0.0.1:\(web.port)") && second.stderr.contains("already in use"), "\(second.stderr)")
        #expect(try web.request("/healthz").status == 200, "the first one serves on")
    }

    @Test func slowAndOversizedClientsAreCutOff() throws {
        let web = try WebSite()
        // Headers one byte a second, for ever: the connection is closed at the request deadline.
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.sendall(b"GET /feeds/atom.xml HTTP/1.1\\r\\nHost: x\\r\\n")
            start = time.monotonic()
            try:
                while time.monotonic() - start < 30:
                    s.sendall(b"X")
                    s.settimeout(1)
                    try:
                        if s.recv(100) == b"":
                            break
                    except socket.timeout:
                        pass
            except (BrokenPipeError, ConnectionResetError):
                pass
            print(round(time.monotonic() - start, 1))
            """
        let result = try ProcessResult.run("/usr/bin/python3", ["-c", script, String(web.port)])
        let closedAfter = try #require(Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result.stderr)")
        #expect(closedAfter >= 8 && closedAfter < 15, "closed after \(closedAfter) s")
        #expect(try web.request("/healthz").status == 200)
    }

    @Test func pagesWorkInARealBrowser() throws {
        let web = try WebSite()
        let profile = try TemporaryDirectory(prefix: "herald-chromium")
        defer { profile.remove() }
        func dumpDOM(_ url: String) throws -> String {
            let result = try ProcessResult.run(
                "/usr/bin/chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)", "--dump-dom", url])
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            return result.stdout
        }
        let home = try dumpDOM(web.base + "/")
        #expect(home.contains("<html lang=\"fr\">"))
        #expect(home.contains("type=\"application/atom+xml\"") && home.contains("href=\"/feeds/atom.xml\""))
        #expect(home.contains("<input type=\"email\"") && home.contains("S’abonner"))
        #expect(home.contains("Les Amis de Saint-Éloi"))
        let screenshot = profile.url.appendingPathComponent("home.png").path
        let shot = try ProcessResult.run(
            "/usr/bin/chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)",
             "--window-size=800,1000", "--screenshot=\(screenshot)", web.base + "/"])
        #expect(shot.status == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 5_000, "a rendered page, \(size) bytes")

        _ = try web.request("/subscribe", method: "POST", body: "email=navigateur%40example.org&newsletter=hebdo")
        let mail = try #require(try web.mail(to: "navigateur@example.org").first)
        let link = try #require(ReadMessage(mail.data).link(containing: "/confirm/"))
        let page = try dumpDOM(web.base + (web.path(of: link) ?? ""))
        #expect(page.contains("Je confirme") && page.contains("La lettre"))
        #expect(try web.subscriber("navigateur@example.org")?["status"] as? String == "pending", "a browser opening the link confirms nothing")
        let index = try dumpDOM(web.base + "/feeds/")
        #expect(index.contains("Tous les flux") && index.contains("/feeds/atom.xml"))
    }
}
