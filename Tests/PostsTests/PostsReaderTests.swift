import Foundation
import Testing
import TestSupport
@testable import Posts

@Suite struct PostsReaderTests {
    func reader(_ folder: TemporaryDirectory) -> PostsReader {
        PostsReader(directory: folder.url, displayPrefix: "posts/", timeZone: TimeZone(identifier: "UTC")!)
    }

    func post(_ title: String, date: String = "2026-01-01", extra: String = "") -> String {
        "---\ntitle: \"\(title)\"\ndate: \(date)\n\(extra)---\nBody of \(title).\n"
    }

    @Test func readsOnlyPostFiles() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("A"), to: "a.md")
        try folder.write(post("B"), to: "2026/b.markdown")
        try folder.write(post("Hidden"), to: ".hidden.md")
        try folder.write(post("Draft folder"), to: "_drafts/c.md")
        try folder.write(post("Underscore"), to: "_d.md")
        try folder.write(post("Backup"), to: "a.md~")
        try folder.write(post("Swap"), to: ".a.md.swp")
        try folder.write(post("Temp"), to: "e.md.tmp")
        try folder.write("not a post", to: "notes.txt")
        let snapshot = reader(folder).read()
        #expect(snapshot.diagnostics.isEmpty, "\(snapshot.diagnostics)")
        #expect(Set(snapshot.posts.map(\.path)) == ["a.md", "2026/b.markdown"])
    }

    @Test func brokenPostsAreSkippedAndNamed() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("Good"), to: "good.md")
        try folder.write("---\ntitle: [\n---\n", to: "bad-yaml.md")
        try folder.write(Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0x0A]), to: "bad-utf8.md")
        let snapshot = reader(folder).read()
        #expect(snapshot.posts.map(\.path) == ["good.md"])
        #expect(snapshot.diagnostics.map(\.file) == ["posts/bad-utf8.md", "posts/bad-yaml.md"])
        #expect(snapshot.hasErrors)
    }

    @Test func duplicateSlugsKeepTheFirstFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("One"), to: "a/same.md")
        try folder.write(post("Two"), to: "b/same.md")
        try folder.write(post("Three", extra: "slug: same\n"), to: "c.md")
        let snapshot = reader(folder).read()
        #expect(snapshot.posts.map(\.path) == ["a/same.md"])
        #expect(snapshot.diagnostics.count == 2)
        #expect(snapshot.diagnostics.allSatisfy { $0.message.contains("duplicate slug 'same' (also used by posts/a/same.md)") })
    }

    @Test func duplicateIDsAreErrors() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("One", extra: "id: urn:isbn:1\n"), to: "one.md")
        try folder.write(post("Two", extra: "id: urn:isbn:1\n"), to: "two.md")
        let snapshot = reader(folder).read()
        #expect(snapshot.posts.count == 1)
        #expect(snapshot.diagnostics.first?.message.contains("duplicate id 'urn:isbn:1'") == true)
    }

    @Test func symlinkOutsideTheFolderIsRefused() throws {
        let outside = try TemporaryDirectory()
        let folder = try TemporaryDirectory()
        defer {
            folder.remove()
            outside.remove()
        }
        let secret = try outside.write(post("Secret"), to: "secret.md")
        try folder.write(post("Inside"), to: "inside.md")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("link.md").path, withDestinationPath: secret.path)
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("alias.md").path,
            withDestinationPath: folder.url.appendingPathComponent("inside.md").path)
        let snapshot = reader(folder).read()
        #expect(!snapshot.posts.contains { $0.title == "Secret" })
        #expect(snapshot.diagnostics.contains { $0.file == "posts/link.md" && $0.message.contains("outside the posts folder") })
        // A link to a post that is read anyway is an alias, not a second post.
        #expect(snapshot.posts.map(\.path) == ["inside.md"])
        #expect(snapshot.diagnostics.count == 1)
    }

    @Test func largePostIsReadAndOversizedIsRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paragraph = String(repeating: "Une phrase «\u{A0}longue\u{A0}» & belle. ", count: 20) + "\n\n"
        let big = post("Gros") + String(repeating: paragraph, count: 5 * 1_048_576 / paragraph.utf8.count)
        try folder.write(big, to: "big.md")
        try folder.write(post("Small"), to: "small.md")
        var small = reader(folder)
        #expect(small.read().posts.count == 2)
        small.maximumFileSize = 1 << 20
        let snapshot = small.read()
        #expect(snapshot.posts.map(\.path) == ["small.md"])
        #expect(snapshot.diagnostics.first?.message.contains("posts over 1 MiB are not read") == true)
    }

    @Test func linkToAFolderAlreadyWalkedIsNotReadTwice() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("A"), to: "2025/a.md")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("2025/self").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("all").path, withDestinationPath: folder.url.path)
        let snapshot = reader(folder).read()
        #expect(snapshot.posts.map(\.path) == ["2025/a.md"])
        #expect(snapshot.diagnostics.isEmpty, "\(snapshot.diagnostics)")
    }

    @Test func aDraftNeverPushesAPublishedPostOut() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("Brouillon", extra: "slug: h\ndraft: true\n"), to: "a-draft.md")
        try folder.write(post("Publié"), to: "h.md")
        let snapshot = reader(folder).read()
        #expect(snapshot.posts.map(\.title) == ["Publié"])
        #expect(snapshot.diagnostics.first?.file == "posts/a-draft.md")
    }

    @Test(.enabled(if: getuid() != 0, "root opens any folder; CommandTests covers this as nobody"))
    func unreadableSubfolderMakesTheSnapshotIncomplete() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(post("A"), to: "a.md")
        try folder.write(post("B"), to: "locked/b.md")
        let locked = folder.url.appendingPathComponent("locked").path
        chmod(locked, 0)
        defer { chmod(locked, 0o755) }
        let snapshot = reader(folder).read()
        #expect(!snapshot.isComplete)
        #expect(snapshot.posts.contains { $0.title == "A" })
    }

    @Test func missingFolderIsADiagnostic() {
        let snapshot = PostsReader(
            directory: URL(fileURLWithPath: "/nonexistent/herald"), displayPrefix: "posts/", timeZone: .gmt
        ).read()
        #expect(snapshot.posts.isEmpty)
        #expect(snapshot.diagnostics.first?.message.contains("does not exist") == true)
        #expect(!snapshot.isComplete)
    }

    @Test func parallelReadIsDeterministic() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for index in 0..<400 {
            try folder.write(post("Post \(index)", date: "2026-01-\(String(format: "%02d", index % 28 + 1)) 10:\(String(format: "%02d", index % 60))"), to: "p\(index).md")
        }
        let first = reader(folder).read()
        let second = reader(folder).read()
        #expect(first.posts.count == 400)
        #expect(first.posts == second.posts)
        #expect(zip(first.posts, first.posts.dropFirst()).allSatisfy { $0.date >= $1.date })
    }
}
