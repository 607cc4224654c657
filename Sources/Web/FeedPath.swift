import Feeds

/// A request path under `/feeds/` that names a feed file of Herald's layout, and nothing else.
///
/// Only `NAME`, `tags/SLUG/NAME` and `authors/SLUG/NAME` are accepted, where NAME is one of
/// the feed file names and SLUG is made of `a-z`, `0-9` and `-` (what Herald's slugs are made
/// of). So no path can name anything outside the feeds folder, nor a hidden or temporary file
/// in it: `..`, `.`, empty segments, percent-escapes (encoded dots and slashes), backslashes
/// and NUL never match. Symbolic links are refused when the file is opened (`FeedFiles`).
struct FeedPath: Hashable, Sendable {
    /// The folders from the feeds folder down (none, or `tags`/`authors` and a slug).
    let folders: [String]
    let format: FeedFormat

    /// `rest`: the path after `/feeds/`, as received (not decoded).
    init?(_ rest: Substring) {
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = segments.last, let format = FeedFormat.allCases.first(where: { $0.fileName == name }) else { return nil }
        switch segments.count {
        case 1:
            folders = []
        case 3:
            guard segments[0] == "tags" || segments[0] == "authors", Self.isSlug(segments[1]) else { return nil }
            folders = [String(segments[0]), String(segments[1])]
        default:
            return nil
        }
        self.format = format
    }

    /// The path relative to the feeds folder.
    var relative: String { (folders + [format.fileName]).joined(separator: "/") }

    private static func isSlug(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}
