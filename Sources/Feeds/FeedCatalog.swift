import Foundation

/// Which feeds a build published, by name: what the HTTP server lists for people.
public struct FeedCatalog: Sendable, Hashable {
    /// A tag's or an author's feeds.
    public struct Group: Sendable, Hashable {
        /// As written in the posts (`Fête de quartier`, `Élise Martin`).
        public var name: String
        /// The folder relative to `feeds/` (`tags/fete-de-quartier`).
        public var directory: String

        public init(name: String, directory: String) {
            self.name = name
            self.directory = directory
        }
    }

    public var tags: [Group] = []
    public var authors: [Group] = []

    public init(tags: [Group] = [], authors: [Group] = []) {
        self.tags = tags
        self.authors = authors
    }

    /// The catalog of `documents`, tags and authors sorted by name.
    public init(_ documents: [FeedDocument]) {
        for document in documents {
            switch document.scope {
            case .site: break
            case .tag(_, let name): tags.append(Group(name: name, directory: document.directory))
            case .author(_, let name): authors.append(Group(name: name, directory: document.directory))
            }
        }
        let order: (Group, Group) -> Bool = { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        tags.sort(by: order)
        authors.sort(by: order)
    }
}
