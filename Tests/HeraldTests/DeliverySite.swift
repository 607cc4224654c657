import Foundation
import Testing
import TestSupport


/// A site with a store, subscribers and an SMTP transport pointed at a test server, driven
/// through the real `herald` binary: what the delivery tests share.
struct DeliverySite {
    let site: SiteFixture
    /// The SMTP connections the transport opens in parallel.
    let concurrency: Int
    /// `delivery.commitBatch` in config.json.
    let commitBatch: Int

    var config: String { site.config }
    var storePath: String { site.folder.url.appendingPathComponent("var/herald.sqlite").path }

    /// A site whose mail goes to `smtp://127.0.0.1:port` (no TLS), with `delivery` as the
    /// config's delivery section (commitBatch added), and one published post.
    /// `storeURL`: a `postgres://` database instead of the SQLite file.
    init(port: Int, concurrency: Int = 4, commitBatch: Int = 8, delivery: String = "", storeURL: String? = nil) throws {
        let store = storeURL.map { #"{ "url": "\#($0)" }"# } ?? #"{ "path": "var/herald.sqlite" }"#
        let deliveryItems = (["\"commitBatch\": \(commitBatch)"] + (delivery.isEmpty ? [] : [delivery])).joined(separator: ", ")
        site = try SiteFixture(configuration: """
            {
              "site": { "title": "Les Amis de Saint-Éloi", "url": "https://amis.example.org/", "language": "fr",
                        "timeZone": "Europe/Paris", "author": { "name": "Le bureau", "email": "bureau@amis.example.org" } },
              "posts": { "directory": "posts" },
              "feeds": { "directory": "feeds" },
              "store": \(store),
              "mail": { "from": "Les Amis <lettre@amis.example.org>",
                        "transport": { "kind": "smtp", "url": "smtp://127.0.0.1:\(port)", "tls": "none",
                                       "concurrency": \(concurrency), "timeout": 30 } },
              "newsletters": [ { "id": "hebdo", "title": "La lettre" } ],
              "delivery": { \(deliveryItems) },
              "http": { "listen": "127.0.0.1:0" }
            }
            """)
        self.concurrency = concurrency
        self.commitBatch = commitBatch
        try post("premier.md", title: "Premier billet", daysAgo: 2)
    }

    func remove() { site.remove() }

    /// Writes a post published `daysAgo` days ago (dates follow the clock: a fixed date would be
    /// in the future on some machines, and a scheduled post is in no digest).
    func post(_ name: String, title: String, daysAgo: Double) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let date = formatter.string(from: Date().addingTimeInterval(-daysAgo * 86_400))
        try site.post(name, "---\ntitle: \"\(title)\"\ndate: \(date)\n---\n\nLe billet \(title).\n")
    }

    /// Runs `herald ARGUMENTS --config CONFIG` to completion.
    func herald(_ arguments: String...) throws -> ProcessResult {
        try ProcessResult.run(Repository.heraldBinary, arguments + ["--config", config], in: site.folder.url)
    }

    /// `sN@example.org` for N in `range`, imported as confirmed subscribers.
    func importSubscribers(_ range: Range<Int>, local: (Int) -> String = { "s\($0)" }) throws {
        let csv = "email,name\n" + range.map { "\(local($0))@example.org,Abonné \($0)\n" }.joined()
        let file = try site.folder.write(csv, to: "subscribers-\(range.lowerBound).csv")
        let result = try herald("subscribers", "import", file.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(": \(range.count) added, 0 updated"), "\(result.stdout)")
    }

    /// `herald digest list --json`, parsed.
    func digests() throws -> [[String: Any]] {
        let result = try herald("digest", "list", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    /// The deliveries per state of digest `id`, from `herald digest list --json`.
    func counts(digest id: Int) throws -> [String: Int] {
        let digest = try digests().first { $0["id"] as? Int == id }
        return digest?["deliveries"] as? [String: Int] ?? [:]
    }

    /// The addresses `herald subscribers list --status STATUS --json` shows.
    func subscribers(status: String) throws -> [String] {
        let result = try herald("subscribers", "list", "--status", status, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return list.compactMap { $0["email"] as? String }
    }

    /// The rows of the store's delivery table (read with Python's sqlite3, not through Herald):
    /// email, state, attempts, replyCode, messageID.
    func deliveryRows(digest id: Int) throws -> [(email: String, state: String, attempts: Int, replyCode: Int?, messageID: String)] {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            rows = db.execute("SELECT s.email, d.state, d.attempts, d.replyCode, d.messageID FROM delivery d "
                              "JOIN subscriber s ON s.id = d.subscriberID WHERE d.digestID = ? ORDER BY s.email", (int(sys.argv[2]),))
            print(json.dumps([list(r) for r in rows]))
            """
        let result = try ProcessResult.run(Repository.python, ["-c", script, storePath, String(id)])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]] ?? []
        return rows.map { row in
            (row[0] as? String ?? "", row[1] as? String ?? "", row[2] as? Int ?? -1, row[3] as? Int, row[4] as? String ?? "")
        }
    }

    /// Starts `herald ARGUMENTS --config CONFIG` without waiting; its output goes to files.
    func start(_ arguments: String...) throws -> RunningHerald {
        try RunningHerald(arguments: arguments + ["--config", config], in: site.folder)
    }
}
