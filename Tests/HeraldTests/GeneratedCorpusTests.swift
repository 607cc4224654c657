import Foundation
import Testing
import TestSupport

/// A larger, generated corpus (the benchmark's generator) through the binary and the readers.
@Suite struct GeneratedCorpusTests {
    @Test func generatedCorpusFeedsPassTheReaders() throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let generator = try ProcessResult.run(
            Repository.python, [Repository.root.appendingPathComponent("Benchmarks/generate_corpus.py").path, "400", site.folder.path])
        #expect(generator.status == 0, "\(generator.stderr)")
        let result = try site.build()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("400 posts published"))
        let files = site.feedFiles()
        #expect(files.count > 60)
        let conformance = try FeedReaders.conformance(files)
        #expect(conformance.passed, "\(conformance.output)")
        let parsed = try FeedReaders.feedparser(files.filter { $0.hasSuffix(".xml") })
        #expect(parsed.allSatisfy { !$0.bozo }, "\(parsed.filter(\.bozo).map { "\($0.file): \($0.bozoException ?? "")" })")
        let siteAtom = try #require(parsed.first { $0.file.hasSuffix("/feeds/atom.xml") })
        #expect(siteAtom.entries.count == 50)
    }
}
