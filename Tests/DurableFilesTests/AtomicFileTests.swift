import DurableFiles
import Foundation
import Glibc
import Testing
import TestSupport

@Suite struct AtomicFileTests {
    @Test func replacesContentWithReadableModeAndLeavesNoTemporaryFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/atom.xml"
        let previous = umask(0o077)
        defer { umask(previous) }
        try AtomicFile.replace(path, with: Array("première «\u{A0}version\u{A0}»".utf8))
        try AtomicFile.replace(path, with: Array("seconde".utf8))
        #expect(FileManager.default.contents(atPath: path) == Data("seconde".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["atom.xml"])
        try AtomicFile.replace(path, with: [0x78], mode: 0o600)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func createPutsAFileInPlaceOnlyWhenNoneIsThere() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/token-key"
        #expect(try AtomicFile.create(path, with: Array("premier".utf8)))
        #expect(try !AtomicFile.create(path, with: Array("second".utf8)))
        #expect(FileManager.default.contents(atPath: path) == Data("premier".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // Neither call leaves its temporary file behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["token-key"])
    }

    @Test func aFailureNamesThePathAndTheCause() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/missing/feed.json"
        do {
            try AtomicFile.replace(path, with: [1, 2, 3])
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect(error.path == path)
            #expect(error.cause.code == ENOENT)
            #expect(error.description == "\(path): cannot create a temporary file: No such file or directory")
        }
        #expect(throws: AtomicFileError.self) { try AtomicFile.syncFolder(folder.path + "/missing") }
        try AtomicFile.syncFolder(folder.path)
    }

    @Test func aFailedRenameKeepsTheOldFileAndRemovesTheTemporaryOne() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A folder where the file should be: rename(2) refuses to put a file over it.
        let path = folder.path + "/rss.xml"
        try FileManager.default.createDirectory(atPath: path + "/inner", withIntermediateDirectories: true)
        #expect(throws: AtomicFileError.self) { try AtomicFile.replace(path, with: [1]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["rss.xml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inner"])
    }

    @Test func systemErrorTextIsTheCLibrarys() {
        #expect(SystemError(ENOENT).description == "No such file or directory")
        #expect(SystemError(ENOSPC).description == "No space left on device")
        #expect(SystemError(99_999).description.contains("99999"))
    }
}
