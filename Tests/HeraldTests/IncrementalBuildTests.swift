import Foundation
import Herald
import MarkdownRendering
import Testing
import TestSupport

/// What the daemon runs after each change: `SiteBuilder.build(state:)` reads only the changed
/// posts, renders only the changed ones, writes only the feeds whose bytes change, and ends
/// with exactly the feeds a cold `build` writes.
@Suite struct IncrementalBuildTests {
    static func builder(_ site: SiteFixture) throws -> SiteBuilder {
        var builder = SiteBuilder(configuration: try Configuration.load(path: site.config))
        // This test's own executable serves no renderer: Herald's does.
        builder.renderer = MarkdownWorkers(executable: Repository.heraldBinary, budget: .seconds(10), maximumWorkers: 2)
        return builder
    }

    /// The feed files, relative to the feeds folder.
    static func feedPaths(_ site: SiteFixture) -> [String] {
        site.feedFiles().map { String($0.dropFirst(site.feeds.path.count + 1)) }
    }

    /// Every feed file's bytes, by path.
    static func contents(_ site: SiteFixture) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in feedPaths(site) { files[path] = try Data(contentsOf: site.feeds.appendingPathComponent(path)) }
        return files
    }

    /// The sample site, built once with a state kept for the next builds, on 2026-09-21.
    static func builtSample() throws -> (SiteFixture, SiteBuilder, SiteBuilder.State, Date) {
        let site = try SiteFixture.sample()
        let builder = try builder(site)
        var state = SiteBuilder.State()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        _ = try builder.build(now: now, state: &state)
        return (site, builder, state, now)
    }

    /// The feeds as they are equal, byte for byte, to those a cold build of the same posts writes.
    static func expectSameAsColdBuild(_ site: SiteFixture, _ builder: SiteBuilder, now: Date) throws {
        let incremental = try contents(site)
        try FileManager.default.removeItem(at: site.feeds)
        _ = try builder.build(now: now)
        #expect(try contents(site) == incremental)
    }

    static func modified(_ site: SiteFixture) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        for path in feedPaths(site) {
            let attributes = try FileManager.default.attributesOfItem(atPath: site.feeds.appendingPathComponent(path).path)
            dates[path] = attributes[.modificationDate] as? Date
        }
        return dates
    }

    @Test func editsReadRenderAndWriteOnlyWhatChanged() throws {
        let site = try SiteFixture.sample()
        defer { site.remove() }
        let builder = try Self.builder(site)
        var state = SiteBuilder.State()
        let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21
        let first = try builder.build(now: now, state: &state)
        #expect(state.postsRead == 15)
        #expect(first.report.written.count == first.fileCount && first.fileCount > 10)

        // Nothing changed: nothing read, nothing written.
        let idle = try builder.build(now: now, state: &state)
        #expect(state.postsRead == 0)
        #expect(idle.report.written.isEmpty && idle.report.removed.isEmpty)

        // One post edited: only it is read, and only the feeds that hold it are written.
        let before = try Self.modified(site)
        let galette = site.folder.url.appendingPathComponent("posts/2026/galette-des-rois.md")
        let text = try String(contentsOf: galette, encoding: .utf8)
        try text.replacingOccurrences(of: "Chers voisins", with: "Chers voisins et amis").write(to: galette, atomically: true, encoding: .utf8)
        let edited = try builder.build(now: now, state: &state)
        #expect(state.postsRead == 1)
        #expect(!edited.report.written.isEmpty)
        #expect(!edited.report.written.contains { $0.hasPrefix("authors/theo-marchal/") }, "another author's feed: \(edited.report.written)")
        #expect(Set(edited.report.written).isSuperset(of: ["atom.xml", "tags/fete/atom.xml", "tags/association/atom.xml"]))
        let after = try Self.modified(site)
        let untouched = Set(before.keys).subtracting(edited.report.written)
        #expect(!untouched.isEmpty && untouched.allSatisfy { before[$0] == after[$0] })

        // A post removed: its tag's feed goes when no other post has the tag; a new post adds one.
        try FileManager.default.removeItem(at: galette)
        try site.post("2026/nouveau.md", "---\ntitle: « Nouveau » billet\ndate: 2026-09-01 09:00\ntags: [Œnologie]\n---\nDu vin & des amis.\n")
        let changed = try builder.build(now: now, state: &state)
        #expect(state.postsRead == 1)
        #expect(changed.report.written.contains("tags/oenologie/atom.xml"))

        // The same bytes as a cold build of the same posts.
        try Self.expectSameAsColdBuild(site, builder, now: now)
    }

    /// With the paths a watcher reported, only those files are looked at: an edit, a new post,
    /// a deletion, an ignored name; and the feeds end as a cold build writes them.
    @Test func changedPathsAreReadAlone() throws {
        let (site, builder, initial, now) = try Self.builtSample()
        var state = initial
        defer { site.remove() }
        let posts = site.folder.url.appendingPathComponent("posts").standardizedFileURL.path
        let galette = posts + "/2026/galette-des-rois.md"
        let text = try String(contentsOfFile: galette, encoding: .utf8)
        try text.replacingOccurrences(of: "Chers voisins", with: "Chères voisines").write(toFile: galette, atomically: true, encoding: .utf8)
        try site.post("2026/tout-neuf.md", "---\ntitle: Tout neuf\ndate: 2026-09-02 09:00\ntags: [Neuf]\n---\nNeuf.\n")
        try site.post("2026/.brouillon.md.swp", "pas un billet")
        let edited = try builder.build(
            now: now, state: &state, changed: [galette, posts + "/2026/tout-neuf.md", posts + "/2026/.brouillon.md.swp"])
        #expect(state.postsRead == 2)
        #expect(edited.snapshot.posts.count == 16)
        #expect(edited.report.written.contains("tags/neuf/atom.xml"))
        try FileManager.default.removeItem(atPath: posts + "/2026/tout-neuf.md")
        let removed = try builder.build(now: now, state: &state, changed: [posts + "/2026/tout-neuf.md"])
        #expect(state.postsRead == 0 && removed.snapshot.posts.count == 15)
        #expect(removed.report.removed.contains("tags/neuf/atom.xml"))
        // An edit alone (same slug, id and draft state): the last snapshot, patched.
        try text.replacingOccurrences(of: "Chers voisins", with: "Très chers voisins").write(toFile: galette, atomically: true, encoding: .utf8)
        let patched = try builder.build(now: now, state: &state, changed: [galette])
        #expect(state.postsRead == 1 && patched.snapshot.posts.count == 15)
        #expect(patched.snapshot.posts.first { $0.path == "2026/galette-des-rois.md" }?.body.contains("Très chers voisins") == true)
        #expect(patched.snapshot.posts.map(\.path) == builder.readPosts().posts.map(\.path))
        try Self.expectSameAsColdBuild(site, builder, now: now)
    }

    @Test func aBrokenEditKeepsTheRestPublishedAndAFixBringsItBack() throws {
        let (site, builder, initial, now) = try Self.builtSample()
        var state = initial
        defer { site.remove() }
        let galette = site.folder.url.appendingPathComponent("posts/2026/galette-des-rois.md")
        let good = try String(contentsOf: galette, encoding: .utf8)
        try good.replacingOccurrences(of: "date: 2026-01-03 10:00", with: "date: 2026-02-30").write(to: galette, atomically: true, encoding: .utf8)
        let broken = try builder.build(now: now, state: &state)
        #expect(broken.snapshot.diagnostics.contains { $0.description.contains("galette-des-rois.md:3") })
        #expect(broken.snapshot.posts.count == 14)
        try good.write(to: galette, atomically: true, encoding: .utf8)
        let fixed = try builder.build(now: now, state: &state)
        #expect(!fixed.snapshot.hasErrors && fixed.snapshot.posts.count == 15)
    }
}
