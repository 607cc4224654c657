import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `herald run` as systemd runs it: a notification socket, a watchdog, signals, and authors
/// changing the posts folder under it.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DaemonTests {
    /// A sample site, `herald run` on it with `NOTIFY_SOCKET` and `WATCHDOG_USEC`, and READY=1 seen.
    final class Daemon {
        let site: SiteFixture
        let notify: NotifySocket
        let run: RunningHerald
        let ready: [String]

        init(watchdogMicroseconds: Int = 400_000) throws {
            site = try SiteFixture.sample()
            notify = try NotifySocket(path: site.folder.path + "/notify")
            run = try RunningHerald(
                arguments: ["run", "--config", site.config], in: site.folder,
                environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "\(watchdogMicroseconds)"])
            ready = try #require(notify.receive(until: "READY=1", timeout: 20), "no READY=1: \(run.stderr)")
        }

        deinit {
            if run.isRunning { run.kill() }
            site.remove()
        }

        var siteFeed: String { (try? String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)) ?? "" }

        /// Waits (at most `timeout` seconds) until `condition` holds; how long it took.
        func waitFor(timeout: Double = 5, _ condition: () -> Bool) -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < timeout {
                if condition() { return Date().timeIntervalSince(start) }
                usleep(10_000)
            }
            return nil
        }
    }

    static func post(title: String, date: String = "2026-06-01 09:00") -> String {
        "---\ntitle: \"\(title)\"\ndate: \(date)\ntags: [Fête]\n---\nUn billet « \(title) ».\n"
    }

    @Test func readyWatchdogAndStoppingAsSystemdExpects() throws {
        let daemon = try Daemon()
        let status = daemon.ready.last ?? ""
        #expect(status.contains("STATUS=watching posts: 13 posts published in "), "\(status)")
        #expect(FileManager.default.fileExists(atPath: daemon.site.feeds.appendingPathComponent("atom.xml").path))
        // Pings at half of WATCHDOG_USEC: several in a second.
        var pings = 0
        let start = Date()
        while Date().timeIntervalSince(start) < 1.2 { if daemon.notify.receive(timeout: 0.3) == "WATCHDOG=1" { pings += 1 } }
        #expect(pings >= 3, "\(pings) pings in 1.2 s")
        daemon.run.signal(SIGTERM)
        let stopping = daemon.notify.receive(until: "STOPPING=1", timeout: 10)
        #expect(stopping != nil)
        #expect(daemon.run.wait(timeout: 20) == 0, "\(daemon.run.stderr)")
        #expect(daemon.run.stderr.contains("<5>stopped"))
    }

    @Test func changesReachTheFeedsWithinASecond() throws {
        let daemon = try Daemon()
        let site = daemon.site
        // A new post.
        try site.post("2026/nouveau.md", Self.post(title: "Nouveau billet"))
        let added = daemon.waitFor { daemon.siteFeed.contains("Nouveau billet") }
        #expect(added != nil && added! < 1, "added after \(String(describing: added)) s")
        // Edited by rename-over, as editors save.
        try site.post("2026/.nouveau.md.swp", Self.post(title: "Billet renommé"))
        try FileManager.default.removeItem(atPath: site.folder.path + "/posts/2026/nouveau.md")
        try FileManager.default.moveItem(atPath: site.folder.path + "/posts/2026/.nouveau.md.swp", toPath: site.folder.path + "/posts/2026/nouveau.md")
        let renamed = daemon.waitFor { daemon.siteFeed.contains("Billet renommé") && !daemon.siteFeed.contains("Nouveau billet") }
        #expect(renamed != nil && renamed! < 1, "renamed after \(String(describing: renamed)) s")
        // A new subfolder with a post.
        try site.post("2027/sous-dossier/profond.md", Self.post(title: "Billet profond"))
        #expect(daemon.waitFor { daemon.siteFeed.contains("Billet profond") } != nil)
        // Moved to another folder and name: its URL follows the new file name.
        try FileManager.default.moveItem(
            atPath: site.folder.path + "/posts/2027/sous-dossier/profond.md", toPath: site.folder.path + "/posts/2026/profond-deplace.md")
        #expect(daemon.waitFor { daemon.siteFeed.contains("posts/profond-deplace/") && !daemon.siteFeed.contains("posts/profond/") } != nil)
        // Deleted.
        try FileManager.default.removeItem(atPath: site.folder.path + "/posts/2026/nouveau.md")
        #expect(daemon.waitFor { !daemon.siteFeed.contains("Billet renommé") } != nil)
        // A broken post: an error in the log naming the file, the rest still published.
        try site.post("2026/casse.md", "---\ntitle: Cassé\ndate: 2026-02-30\n---\n")
        #expect(daemon.waitFor { daemon.run.stderr.contains("<3>posts/2026/casse.md:3:7: error: date") } != nil, "\(daemon.run.stderr)")
        #expect(daemon.run.isRunning && daemon.siteFeed.contains("Billet profond"))
        let lint = try FeedReaders.xmllint([site.feeds.appendingPathComponent("atom.xml").path])
        #expect(lint.passed, "\(lint.output)")
    }

    /// A burst of 500 new posts is one rebuild, or a few on a slow machine (a batch is handed
    /// out at the latest 2 s after its first change), never one per file.
    @Test func aBurstIsOneRebuild() throws {
        let daemon = try Daemon()
        let before = daemon.run.stderr.components(separatedBy: "\n").filter { $0.contains("feeds built") }.count
        for index in 0..<500 {
            try daemon.site.post("rafale/billet-\(index).md", Self.post(title: "Rafale \(index)", date: "2026-05-01 08:00"))
        }
        func rebuilds() -> [Int] {
            daemon.run.stderr.components(separatedBy: "\n").filter { $0.contains("feeds built") }.dropFirst(before).compactMap { line in
                line.components(separatedBy: " read=").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) }
            }
        }
        let read = daemon.waitFor(timeout: 30) { rebuilds().reduce(0, +) >= 500 }
        #expect(read != nil, "\(daemon.run.stderr.suffix(2000))")
        #expect(rebuilds().count <= 3, "\(rebuilds()) files read per rebuild for 500 files")
    }

    @Test func thePostsFolderRemovedAndCreatedAgain() throws {
        let daemon = try Daemon()
        let posts = daemon.site.folder.path + "/posts"
        let saved = daemon.site.folder.path + "/posts-saved"
        try FileManager.default.moveItem(atPath: posts, toPath: saved)
        #expect(daemon.waitFor { daemon.run.stderr.contains("feeds not updated") } != nil, "\(daemon.run.stderr.suffix(1000))")
        #expect(daemon.siteFeed.contains("Galette"), "the feeds stay as they were")
        try FileManager.default.moveItem(atPath: saved, toPath: posts)
        try daemon.site.post("retour.md", Self.post(title: "De retour"))
        #expect(daemon.waitFor(timeout: 10) { daemon.siteFeed.contains("De retour") } != nil, "\(daemon.run.stderr.suffix(1000))")
        #expect(daemon.run.isRunning)
    }

    @Test func reloadKeepsABadConfigurationOutAndAppliesAGoodOne() throws {
        let daemon = try Daemon()
        let config = try String(contentsOfFile: daemon.site.config, encoding: .utf8)
        try "{ broken".write(toFile: daemon.site.config, atomically: true, encoding: .utf8)
        daemon.run.signal(SIGHUP)
        let refused = daemon.notify.receive(until: "READY=1")
        #expect(refused?.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(String(describing: refused))")
        #expect(daemon.waitFor { daemon.run.stderr.contains("<3>config.json not reloaded") } != nil)
        // A valid one: the feeds hold 3 entries now.
        try config.replacingOccurrences(of: "\"limit\": 50", with: "\"limit\": 3").write(toFile: daemon.site.config, atomically: true, encoding: .utf8)
        daemon.run.signal(SIGHUP)
        let applied = daemon.notify.receive(until: "READY=1", timeout: 20)
        #expect(applied != nil)
        #expect(daemon.waitFor { daemon.siteFeed.components(separatedBy: "<entry>").count - 1 == 3 } != nil)
        #expect(daemon.run.isRunning)
        daemon.run.signal(SIGTERM)
        #expect(daemon.run.wait(timeout: 20) == 0)
    }
}

/// `herald status`, on a site with a store, a schedule and a broken post.
@Suite struct StatusCommandTests {
    @Test func showsPostsFeedsSubscribersQueueAndNextDigest() throws {
        let site = try DeliverySite(port: 9)
        defer { site.remove() }
        try site.importSubscribers(0..<3)
        try site.site.post("casse.md", "---\ntitle: Cassé\ndate: 2026-02-30\n---\n")
        var config = try String(contentsOfFile: site.config, encoding: .utf8)
        config = config.replacingOccurrences(of: #"{ "id": "hebdo", "title": "La lettre" }"#, with: #"{ "id": "hebdo", "title": "La lettre", "schedule": "0 8 * * MON" }"#)
        try config.write(toFile: site.config, atomically: true, encoding: .utf8)
        #expect(try site.herald("build").status == 1)
        #expect(try site.herald("digest", "send", "hebdo", "--no-wait").status == 0)

        let text = try site.herald("status")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("posts: 1 published, 0 drafts, 0 scheduled, 1 rejected"), "\(text.stdout)")
        #expect(text.stdout.contains("rejected posts/casse.md: date: cannot read '2026-02-30'"), "\(text.stdout)")
        #expect(text.stdout.contains("subscribers: 3 confirmed"), "\(text.stdout)")
        #expect(text.stdout.contains("queue: 3 pending"), "\(text.stdout)")
        #expect(text.stdout.contains("last digest: 1, sending (manual"), "\(text.stdout)")
        #expect(text.stdout.contains("Europe/Paris ("), "\(text.stdout)")

        let json = try site.herald("status", "--json")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let newsletter = try #require((report["newsletters"] as? [[String: Any]])?.first)
        let next = try #require(newsletter["nextDigest"] as? [String: Any])
        let local = try #require(next["local"] as? String)
        #expect(local.contains("T08:00:00+01:00") || local.contains("T08:00:00+02:00"), "\(local)")
        #expect((report["feeds"] as? [String: Any])?["files"] as? Int ?? 0 > 0)
    }
}

/// SIGTERM while `herald run` delivers a digest: the messages in flight finish, the rest stays
/// queued, nothing is lost, and the next `herald run` finishes the digest.
@Suite(.timeLimit(.minutes(3))) struct DaemonDeliveryTests {
    @Test func sigtermDuringADigestLosesNothingAndTheNextRunFinishes() throws {
        let subscribers = 300
        let server = try SMTPTestServer(.init(slowData: 0.01, noBodies: true))
        defer { server.stop() }
        let site = try DeliverySite(port: server.port, concurrency: 2)
        defer { site.remove() }
        try site.importSubscribers(0..<subscribers)
        #expect(try site.herald("digest", "send", "hebdo", "--no-wait").stdout.contains("digest 1 planned"))

        let notify = try NotifySocket(path: site.site.folder.path + "/notify")
        let first = try RunningHerald(
            arguments: ["run", "--config", site.config], in: site.site.folder, environment: ["NOTIFY_SOCKET": notify.path])
        // The daemon picks the queued digest up by itself; stop it part-way.
        let deadline = Date().addingTimeInterval(30)
        while try server.messageCount() < 40, Date() < deadline { usleep(5_000) }
        first.signal(SIGTERM)
        #expect(notify.receive(until: "STOPPING=1") != nil)
        #expect(first.wait(timeout: 60) == 0, "\(first.stderr)")
        let afterStop = try site.counts(digest: 1)
        #expect(afterStop["inflight", default: 0] == 0, "in-flight messages finished: \(afterStop)")
        #expect(afterStop["sent", default: 0] > 0 && afterStop["pending", default: 0] > 0, "\(afterStop)")
        #expect(afterStop.values.reduce(0, +) == subscribers)
        let receivedAtStop = Set(try server.received(includingRejected: true).flatMap(\.rcptTo))
        #expect(receivedAtStop.count == afterStop["sent", default: 0], "what was received is what is recorded sent")

        let second = try RunningHerald(arguments: ["run", "--config", site.config], in: site.site.folder)
        let finish = Date().addingTimeInterval(60)
        while try site.digests().first?["status"] as? String != "completed", Date() < finish { usleep(100_000) }
        second.signal(SIGTERM)
        #expect(second.wait(timeout: 60) == 0, "\(second.stderr.suffix(3000))")
        #expect(try site.counts(digest: 1)["sent"] == subscribers)
        let recipients = try server.received(includingRejected: true).flatMap(\.rcptTo)
        #expect(Set(recipients).count == subscribers && recipients.count == subscribers, "no one lost, no one twice")
    }
}

/// One value each: the version `herald --version` prints is the one the feeds name, and
/// `feeds.limit` sizes feeds, never digests (`newsletters[].maxPosts` does).
@Suite struct OneOfEachTests {
    @Test func theVersionIsOneString() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        let version = try site.herald("--version").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!version.isEmpty)
        #expect(try site.build().status == 0)
        let atom = try String(contentsOf: site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atom.contains("version=\"\(version)\">Herald</generator>"), "\(version)")
    }

    @Test func feedsLimitDoesNotSizeADigest() throws {
        let site = try DeliverySite(port: 9)
        defer { site.remove() }
        for day in 3...5 { try site.post("billet-\(day).md", title: "Billet \(day)", daysAgo: Double(day)) }
        var config = try String(contentsOfFile: site.config, encoding: .utf8)
        config = config.replacingOccurrences(of: #""feeds": { "directory": "feeds" }"#, with: #""feeds": { "directory": "feeds", "limit": 1 }"#)
        try config.write(toFile: site.config, atomically: true, encoding: .utf8)
        try site.importSubscribers(0..<1)
        #expect(try site.herald("build").status == 0)
        let atom = try String(contentsOf: site.site.feeds.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(atom.components(separatedBy: "<entry>").count - 1 == 1)
        let dryRun = try site.herald("digest", "send", "hebdo", "--dry-run")
        #expect(dryRun.stdout.contains("4 posts") || dryRun.stdout.components(separatedBy: "Billet").count - 1 >= 3, "\(dryRun.stdout)")
    }
}
