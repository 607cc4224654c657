import Foundation
import TestSupport

/// A site in a temporary folder: a config.json and a posts/ folder, built with the real
/// `herald` binary.
struct SiteFixture {
    let folder: TemporaryDirectory

    var config: String { folder.url.appendingPathComponent("config.json").path }
    var feeds: URL { folder.url.appendingPathComponent("feeds") }

    static let minimalConfig = """
        {
          "site": { "title": "Les Amis de Saint-Éloi", "url": "https://amis.example.org/", "language": "fr",
                    "timeZone": "Europe/Paris", "author": { "name": "Le bureau", "email": "bureau@amis.example.org" } },
          "posts": { "directory": "posts" },
          "feeds": { "directory": "feeds" },
          "http": { "listen": "127.0.0.1:0" }
        }
        """

    /// An empty site with `configuration` as its config.json.
    init(configuration: String = SiteFixture.minimalConfig) throws {
        folder = try TemporaryDirectory(prefix: "herald-site")
        try folder.write(configuration, to: "config.json")
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("posts"), withIntermediateDirectories: true)
    }

    /// A copy of the repository's sample site.
    static func sample() throws -> SiteFixture {
        let site = try SiteFixture()
        let fm = FileManager.default
        try fm.removeItem(at: site.folder.url.appendingPathComponent("posts"))
        try fm.removeItem(at: site.folder.url.appendingPathComponent("config.json"))
        // Port 0: a daemon of each test on a port of its own.
        let config = try String(contentsOf: Repository.root.appendingPathComponent("config.json"), encoding: .utf8)
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:0")
        try config.write(to: site.folder.url.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: Repository.root.appendingPathComponent("posts"), to: site.folder.url.appendingPathComponent("posts"))
        return site
    }

    func post(_ name: String, _ text: String) throws {
        try folder.write(text, to: "posts/" + name)
    }

    func herald(_ arguments: String...) throws -> ProcessResult {
        try ProcessResult.run(Repository.heraldBinary, arguments, in: folder.url)
    }

    func build() throws -> ProcessResult { try herald("build", "--config", config) }

    func feedFiles() -> [String] { FeedReaders.feedFiles(under: feeds) }

    func remove() { folder.remove() }
}
