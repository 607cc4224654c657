import Foundation
import Testing
import TestSupport
@testable import DirectoryWatching

/// The watcher against the real file system, doing what authors and their editors do.
@Suite(.timeLimit(.minutes(1))) struct DirectoryWatcherTests {
    /// Hidden files and backups, as editors leave them.
    static let temporary: @Sendable (String) -> Bool = { $0.hasPrefix(".") || $0.hasSuffix("~") }
    static let fast = DirectoryWatcher.Options(
        debounce: .milliseconds(50), maximumDelay: .seconds(1), rescanInterval: nil, ignoring: temporary)

    /// Takes batches until `done` holds over everything received (a change that never comes
    /// fails the test by its time limit).
    static func collect(
        _ iterator: inout DirectoryChanges.AsyncIterator, until done: (DirectoryChangeBatch, Int) -> Bool
    ) async -> (DirectoryChangeBatch, batches: Int) {
        var total = DirectoryChangeBatch()
        var batches = 0
        while !done(total, batches), let next = await iterator.next() {
            total.merge(next)
            batches += 1
        }
        return (total, batches)
    }

    @Test func createEditRenameOverAndDelete() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let watcher = try DirectoryWatcher(root: folder.path, options: Self.fast)
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        let post = folder.path + "/2026-01-01-bonjour.md"

        try "Bonjour".write(toFile: post, atomically: false, encoding: .utf8)
        var (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(post) }
        #expect(seen.paths == [post])

        // As Vim and most editors save: a temporary file beside it, renamed over it.
        let temporary = folder.path + "/.2026-01-01-bonjour.md.swp"
        try "Bonjour, le monde".write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: post)
        try FileManager.default.moveItem(atPath: temporary, toPath: post)
        (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(post) }
        #expect(seen.paths == [post], "temporary files are left out: \(seen.paths)")

        try FileManager.default.removeItem(atPath: post)
        (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(post) }
        #expect(seen.paths == [post])
    }

    @Test func newSubfoldersAreWatchedWithTheFilesAlreadyInThem() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let watcher = try DirectoryWatcher(root: folder.path, options: Self.fast)
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        // Made elsewhere, then moved in whole, as `mv` or an rsync would.
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        try FileManager.default.createDirectory(atPath: outside.path + "/2026/janvier", withIntermediateDirectories: true)
        try "a".write(toFile: outside.path + "/2026/janvier/a.md", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: outside.path + "/2026", toPath: folder.path + "/2026")
        let a = folder.path + "/2026/janvier/a.md"
        var (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(a) }
        #expect(seen.paths.contains(a))
        // And a file written later in the new folder.
        let b = folder.path + "/2026/janvier/b.md"
        try "b".write(toFile: b, atomically: false, encoding: .utf8)
        (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(b) }
        #expect(seen.paths == [b])
    }

    @Test func aBurstIsOneOrTwoBatchesNotFiveHundred() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let watcher = try DirectoryWatcher(root: folder.path, options: DirectoryWatcher.Options(debounce: .milliseconds(200), rescanInterval: nil))
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        let paths = Set((0..<500).map { folder.path + "/post-\($0).md" })
        for path in paths { try "x".write(toFile: path, atomically: false, encoding: .utf8) }
        let (seen, batches) = await Self.collect(&changes) { total, _ in total.paths.isSuperset(of: paths) }
        #expect(seen.paths == paths)
        #expect(batches <= 2, "\(batches) batches")
    }

    @Test func theFolderRemovedAndCreatedAgainIsWatchedAgain() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.remove() }
        let root = parent.path + "/posts"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let watcher = try DirectoryWatcher(root: root, options: Self.fast)
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        try FileManager.default.removeItem(atPath: root)
        var (seen, _) = await Self.collect(&changes) { total, _ in total.needsRescan }
        #expect(seen.needsRescan)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        (seen, _) = await Self.collect(&changes) { total, _ in total.needsRescan }
        #expect(seen.needsRescan, "the folder back: rescan")
        let post = root + "/retour.md"
        try "x".write(toFile: post, atomically: false, encoding: .utf8)
        (seen, _) = await Self.collect(&changes) { total, _ in total.paths.contains(post) }
        #expect(seen.paths.contains(post))
    }

    @Test func tooManyPathsBecomeARescanAndStopEndsTheSequence() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var options = Self.fast
        options.maximumPaths = 10
        let watcher = try DirectoryWatcher(root: folder.path, options: options)
        var changes = watcher.changes.makeAsyncIterator()
        for index in 0..<50 { try "x".write(toFile: folder.path + "/\(index).md", atomically: false, encoding: .utf8) }
        let (seen, _) = await Self.collect(&changes) { total, _ in total.needsRescan }
        #expect(seen.needsRescan && seen.paths.count <= 10)
        watcher.stop()
        #expect(await changes.next() == nil)
    }

    @Test func periodicRescan() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let watcher = try DirectoryWatcher(
            root: folder.path, options: DirectoryWatcher.Options(debounce: .milliseconds(20), rescanInterval: .milliseconds(200)))
        defer { watcher.stop() }
        var changes = watcher.changes.makeAsyncIterator()
        let (_, batches) = await Self.collect(&changes) { _, batches in batches >= 2 }
        #expect(batches >= 2)
    }
}
