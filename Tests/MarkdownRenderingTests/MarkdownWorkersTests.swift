import Foundation
import Testing
import TestSupport
@testable import MarkdownRendering

/// The renderer processes: the same HTML as rendering in process, in parallel without cmark's
/// shared table getting in the way, and clear errors when no renderer can start.
@Suite struct MarkdownWorkersTests {
    @Test func sameHTMLAsInProcess() throws {
        let workers = MarkdownWorkers(executable: Repository.heraldBinary, budget: .seconds(20))
        let sources = [
            MarkdownSource("# Titre\n\nTexte «\u{A0}x\u{A0}» & [lien](a/)\n\n| a |\n|---|\n| 1 |\n", baseURL: "https://e.org/p/"),
            MarkdownSource("Un <b onclick=x>gras</b> <script>x</script>\n\nSuite.", excerpt: "Un <i>x</i>", wantsExcerptHTML: true),
            MarkdownSource("", excerpt: nil, baseURL: nil, wantsExcerptHTML: false),
            MarkdownSource(String(repeating: "Paragraphe «\u{A0}long\u{A0}» et *emphase*.\n\n", count: 20_000)),
        ]
        for source in sources {
            #expect(try workers.render(source) == MarkdownRenderer().render(source))
        }
    }

    @Test func parallelRendersKeepTheExtensions() async throws {
        // In one process, cmark-gfm 0.29's shared table of special characters made concurrent
        // parses lose strikethrough and autolinks; each renderer process has its own.
        let workers = MarkdownWorkers(executable: Repository.heraldBinary, budget: .seconds(20), maximumWorkers: 3)
        let markdown = "~~barré~~ et www.example.org\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let expected = try (0..<100).map { index in try MarkdownRenderer().render(MarkdownSource(markdown + "\n\(index)")).html }
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        DispatchQueue.global().async {
                            continuation.resume(returning: (0..<100).map { index in
                                (try? workers.render(MarkdownSource(markdown + "\n\(index)")).html) ?? "failed"
                            })
                        }
                    }
                }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        // Each task's batch arrives whole and in order.
        #expect(results == Array([[String]](repeating: expected, count: 4).joined()))
    }

    @Test func aReplyWhoseLengthsWrapAroundIsRefused() {
        // A broken renderer announcing Int.max + Int.max + 2 bytes: the sum wraps to 0.
        var header: [UInt8] = [0]
        for length in [UInt64(Int.max), UInt64(Int.max), 2] { WorkerMessage.append(length, to: &header) }
        #expect(throws: RenderWorker.Failure.self) { try WorkerMessage.Reply.lengths(in: header, limit: 1 << 20) }
        var small: [UInt8] = [0]
        for length in [UInt64(10), 20, 30] { WorkerMessage.append(length, to: &small) }
        #expect((try? WorkerMessage.Reply.lengths(in: small, limit: 1 << 20))?.fields == [10, 20, 30])
    }

    @Test func aProgramThatIsNoRendererIsReported() {
        let workers = MarkdownWorkers(executable: "/bin/true", budget: .seconds(5))
        #expect {
            try workers.render(MarkdownSource("x"))
        } throws: { error in
            guard case MarkdownRenderingError.workerUnavailable(let reason) = error else { return false }
            return reason.contains("/bin/true")
        }
        let missing = MarkdownWorkers(executable: "/nonexistent/herald", budget: .seconds(5))
        #expect(throws: MarkdownRenderingError.self) { try missing.render(MarkdownSource("x")) }
    }

    @Test func aRendererOverItsMemoryLimitIsACrashNotAHang() throws {
        // 256 MB of data segment: enough to start and render small posts, not the tree of
        // five million emphases (gigabytes): cmark-gfm's allocator aborts.
        let workers = MarkdownWorkers(executable: Repository.heraldBinary, budget: .seconds(30), memoryLimit: 256 << 20)
        #expect(try workers.render(MarkdownSource("petit")).html == "<p>petit</p>\n")
        let huge = MarkdownSource(String(repeating: "*a* ", count: 5_000_000))
        #expect {
            try workers.render(huge)
        } throws: { error in
            if case MarkdownRenderingError.rendererCrashed = error { return true }
            return false
        }
        #expect(try workers.render(MarkdownSource("encore")).html == "<p>encore</p>\n")
    }

    @Test func aSlowPostInABatchCostsOnlyItself() throws {
        // One renderer: the batch goes to it in order; the slow post is cut off at the budget and
        // the posts after it go to a new renderer.
        let workers = MarkdownWorkers(executable: Repository.heraldBinary, budget: .milliseconds(500), maximumWorkers: 1)
        var sources = (0..<20).map { MarkdownSource("Billet \($0) ~~barré~~") }
        sources.insert(MarkdownSource(String(repeating: "![[]()", count: 160_000)), at: 10)
        let started = ContinuousClock.now
        let results = workers.render(sources)
        #expect(ContinuousClock.now - started < .seconds(10))
        for (index, result) in results.enumerated() {
            if index == 10 {
                #expect(throws: MarkdownRenderingError.tooSlow(budget: .milliseconds(500))) { try result.get() }
            } else {
                let number = index < 10 ? index : index - 1
                #expect(try result.get().html == "<p>Billet \(number) <del>barré</del></p>\n")
            }
        }
    }
}
