import Posts

/// Two posts must never share an entry id, whether it was written in front matter or made from
/// the slug: feed readers would merge them into one entry.
public enum EntryIDUniqueness {
    /// `snapshot` without the posts whose entry id another post already holds, and one error
    /// diagnostic per post left out. A published post keeps the id before a draft, then the
    /// first by path, so the same post keeps it on every build.
    /// - Parameter displayPrefix: what diagnostics put before a post's path (the posts folder
    ///   as people see it, ending with `/`).
    public static func rejectingDuplicates(
        in snapshot: PostsSnapshot, permalinks: Permalinks, displayPrefix: String
    ) -> PostsSnapshot {
        // Generated ids differ whenever slugs do, and slugs are unique already; explicit ids
        // are unique among themselves. So only an explicit id shaped like one of this site's
        // generated ids can collide: without one, there is nothing to check.
        let generatedPrefix = permalinks.generatedEntryIDPrefix
        guard snapshot.posts.contains(where: { $0.explicitID?.hasPrefix(generatedPrefix) == true }) else { return snapshot }
        var holders: [String: [Int]] = [:]
        holders.reserveCapacity(snapshot.posts.count)
        for (index, post) in snapshot.posts.enumerated() {
            holders[permalinks.entryID(of: post), default: []].append(index)
        }
        var rejected = Set<String>()
        var diagnostics: [Diagnostic] = []
        for (id, indices) in holders where indices.count > 1 {
            let claimants = indices.map { snapshot.posts[$0] }.sorted {
                $0.isDraft != $1.isDraft ? !$0.isDraft : $0.path < $1.path
            }
            for post in claimants.dropFirst() {
                rejected.insert(post.path)
                diagnostics.append(Diagnostic(
                    file: displayPrefix + post.path, line: 1, column: 1, severity: .error,
                    message: "entry id '\(id)' is also the id of \(displayPrefix + claimants[0].path); change 'id:' or 'slug:'"))
            }
        }
        guard !rejected.isEmpty else { return snapshot }
        return PostsSnapshot(
            posts: snapshot.posts.filter { !rejected.contains($0.path) }, diagnostics: snapshot.diagnostics + diagnostics,
            isComplete: snapshot.isComplete)
    }
}
