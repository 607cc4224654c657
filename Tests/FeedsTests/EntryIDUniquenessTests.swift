import Foundation
import Testing
@testable import Feeds
import Posts

@Suite struct EntryIDUniquenessTests {
    let links = Permalinks(siteURL: "https://amis.example.org/", timeZone: TimeZone(identifier: "UTC")!)
    let day = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01

    @Test func anExplicitIDShapedLikeAGeneratedOneLosesToThePublishedPost() {
        let generated = Post(path: "b/rencontre.md", title: "Rencontre", slug: "rencontre", date: day, body: "")
        let squatter = Post(path: "a/autre.md", title: "Autre", slug: "autre", date: day, explicitID: "tag:amis.example.org,2026-01-01:rencontre", body: "")
        let draft = Post(path: "0/brouillon.md", title: "Brouillon", slug: "brouillon", date: day, isDraft: true, explicitID: "tag:amis.example.org,2026-01-01:rencontre", body: "")
        let result = EntryIDUniqueness.rejectingDuplicates(
            in: PostsSnapshot(posts: [draft, generated, squatter], diagnostics: []), permalinks: links, displayPrefix: "posts/")
        // Published before draft, then by path: a/autre.md keeps the id over b/rencontre.md.
        #expect(result.posts.map(\.path) == ["a/autre.md"])
        #expect(result.diagnostics.count == 2)
        #expect(result.diagnostics.allSatisfy { $0.severity == .error && $0.message.contains("is also the id of posts/a/autre.md") })
        #expect(Set(result.diagnostics.map(\.file)) == ["posts/b/rencontre.md", "posts/0/brouillon.md"])
    }

    @Test func distinctIDsAreLeftAlone() {
        let posts = [
            Post(path: "a.md", title: "A", slug: "a", date: day, body: ""),
            Post(path: "b.md", title: "B", slug: "b", date: day, explicitID: "tag:amis.example.org,2026-01-01:zzz", body: ""),
        ]
        let result = EntryIDUniqueness.rejectingDuplicates(in: PostsSnapshot(posts: posts, diagnostics: []), permalinks: links, displayPrefix: "")
        #expect(result.posts.count == 2)
        #expect(result.diagnostics.isEmpty)
    }
}
