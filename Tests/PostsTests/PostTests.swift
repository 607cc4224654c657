import Foundation
import Testing
@testable import Posts

@Suite struct PostTests {
    @Test func copiesAreIndependentValues() {
        let original = Post(path: "a.md", title: "Élus & Associations", slug: "a", date: Date(timeIntervalSince1970: 0), tags: ["x"], body: "corps")
        var copy = original
        #expect(copy == original)
        copy.title = "Autre"
        copy.tags.append("y")
        #expect(original.title == "Élus & Associations")
        #expect(original.tags == ["x"])
        #expect(copy.title == "Autre")
        #expect(copy.tags == ["x", "y"])
        #expect(copy != original)
        #expect(Set([original, copy, original]).count == 2)
    }

    @Test func publicationFollowsDraftAndDate() {
        let now = Date(timeIntervalSince1970: 1_000)
        var post = Post(path: "a.md", title: "T", slug: "a", date: Date(timeIntervalSince1970: 500), body: "")
        #expect(post.isPublished(at: now))
        post.isDraft = true
        #expect(!post.isPublished(at: now))
        post.isDraft = false
        post.date = Date(timeIntervalSince1970: 2_000)
        #expect(!post.isPublished(at: now))
        post.updated = Date(timeIntervalSince1970: 1_500)
        #expect(post.lastModified == post.date)
    }
}
