import Foundation
import Gzip
import Testing
import TestSupport
@testable import Feeds

@Suite struct FeedPublisherTests {
    func modificationDate(_ url: URL) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as! Date
    }

    @Test func unchangedFilesAreNotTouched() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let publisher = FeedPublisher(directory: folder.url)
        let files = [FeedFile(path: "atom.xml", bytes: Array("<a/>".utf8)), FeedFile(path: "tags/x/rss.xml", bytes: Array("<r/>".utf8))]
        let first = try publisher.publish(files)
        #expect(first.written == ["atom.xml", "tags/x/rss.xml"])
        let atom = folder.url.appendingPathComponent("atom.xml")
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: atom.path)
        let second = try publisher.publish(files)
        #expect(second.written.isEmpty)
        #expect(second.unchanged == ["atom.xml", "tags/x/rss.xml"])
        #expect(try modificationDate(atom) == past)
        let changed = try publisher.publish([FeedFile(path: "atom.xml", bytes: Array("<b/>".utf8)), files[1]])
        #expect(changed.written == ["atom.xml"])
        #expect(try String(contentsOf: atom, encoding: .utf8) == "<b/>")
    }

    @Test func eachFeedHasItsGzipBesideIt() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let publisher = FeedPublisher(directory: folder.url)
        let bytes = Array(String(repeating: "<entry>« Fête »</entry>\n", count: 200).utf8)
        _ = try publisher.publish([FeedFile(path: "atom.xml", bytes: bytes), FeedFile(path: "tags/x/rss.xml", bytes: bytes)])
        for path in ["atom.xml.gz", "tags/x/rss.xml.gz"] {
            let gzipped = [UInt8](try Data(contentsOf: folder.url.appendingPathComponent(path)))
            #expect(Gzip.decompress(gzipped, limit: 1 << 20) == bytes, "\(path)")
        }
        // A .gz lost (or left from another version) is made again, the feed itself untouched.
        let gz = folder.url.appendingPathComponent("atom.xml.gz")
        try Data("stale".utf8).write(to: gz)
        let again = try publisher.publish([FeedFile(path: "atom.xml", bytes: bytes), FeedFile(path: "tags/x/rss.xml", bytes: bytes)])
        #expect(again.written.isEmpty)
        #expect(Gzip.holds(bytes, in: [UInt8](try Data(contentsOf: gz))))
        // A feed removed takes its .gz along, and its folder.
        let removed = try publisher.publish([FeedFile(path: "atom.xml", bytes: bytes)])
        #expect(removed.removed == ["tags/x/rss.xml"])
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/tags/x"))
    }

    @Test func removalNeverFollowsALinkOutOfTheFeedsFolder() throws {
        let folder = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        defer {
            folder.remove()
            outside.remove()
        }
        try outside.write("not a feed of ours", to: "atom.xml")
        let publisher = FeedPublisher(directory: folder.url)
        _ = try publisher.publish([FeedFile(path: "tags/y/atom.xml", bytes: Array("<a/>".utf8))])
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/tags/lien", withDestinationPath: outside.path)
        _ = try publisher.publish([FeedFile(path: "tags/y/atom.xml", bytes: Array("<a/>".utf8))])
        #expect(FileManager.default.fileExists(atPath: outside.path + "/atom.xml"))
    }

    @Test func staleFeedsAreRemovedAndNothingElse() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("keep me", to: "README.md")
        try folder.write("mine", to: "tags/old/notes.txt")
        let publisher = FeedPublisher(directory: folder.url)
        _ = try publisher.publish([
            FeedFile(path: "atom.xml", bytes: [0x31]), FeedFile(path: "tags/old/atom.xml", bytes: [0x32]),
            FeedFile(path: "tags/gone/rss.xml", bytes: [0x33]),
        ])
        let report = try publisher.publish([FeedFile(path: "atom.xml", bytes: [0x31])])
        #expect(report.removed == ["tags/gone/rss.xml", "tags/old/atom.xml"])
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: folder.url.appendingPathComponent("README.md").path))
        #expect(fm.fileExists(atPath: folder.url.appendingPathComponent("tags/old/notes.txt").path))
        #expect(!fm.fileExists(atPath: folder.url.appendingPathComponent("tags/gone").path))
    }

    @Test func oldLeftoverTemporaryFilesAreCleanedUp() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let old = try folder.write("half a feed", to: "tags/x/.atom.xml.Ab12Cd")
        let fresh = try folder.write("being written", to: "tags/x/.rss.xml.Zz99Yy")
        let mine = try folder.write("not Herald's", to: "tags/x/.notes.Ab12Cd")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: old.path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: mine.path)
        _ = try FeedPublisher(directory: folder.url).publish([FeedFile(path: "tags/x/atom.xml", bytes: [1])])
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
        #expect(FileManager.default.fileExists(atPath: mine.path))
    }

    @Test func noTemporaryFilesAreLeftAndModeIsReadable() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = (0..<40).map { FeedFile(path: "tags/t\($0)/atom.xml", bytes: Array(repeating: UInt8($0), count: 10_000)) }
        _ = try FeedPublisher(directory: folder.url).publish(files)
        let all = FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }
        #expect(all.filter { $0.hasSuffix(".xml") }.count == 40)
        #expect(!all.contains { ($0 as NSString).lastPathComponent.hasPrefix(".") })
        let mode = try FileManager.default.attributesOfItem(atPath: folder.url.appendingPathComponent("tags/t3/atom.xml").path)[.posixPermissions] as! Int
        #expect(mode == 0o644)
    }

    @Test func unwritableFolderIsAnErrorNamingThePath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("a file, not a folder", to: "tags")
        #expect(throws: FeedPublishError.self) {
            try FeedPublisher(directory: folder.url).publish([FeedFile(path: "tags/x/atom.xml", bytes: [1])])
        }
    }
}
