import Foundation
import Posts

/// JSON Feed 1.1 through `JSONEncoder`, with sorted keys so that the same feed gives the same
/// bytes.
struct JSONFeedWriter {
    let dates: FeedDates

    func write(_ feed: FeedDocument) throws(FeedWriteError) -> [UInt8] {
        let document = Document(
            version: "https://jsonfeed.org/version/1.1", title: feed.title, homePageURL: feed.homePageURL,
            feedURL: feed.url(of: .json), description: feed.subtitle, language: feed.language,
            authors: [Person(feed.author)],
            items: feed.entries.map { entry in
                Item(
                    id: entry.id, url: entry.url, title: entry.title, contentHTML: entry.contentHTML,
                    summary: entry.summary.isEmpty ? nil : entry.summary, image: entry.image,
                    datePublished: dates.rfc3339(entry.published), dateModified: dates.rfc3339(entry.updated),
                    authors: [Person(entry.author)], tags: entry.tags.isEmpty ? nil : entry.tags,
                    language: entry.language)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var bytes = [UInt8](try encoder.encode(document))
            bytes.append(0x0A)
            return bytes
        } catch {
            throw FeedWriteError(format: .json, reason: String(describing: error))
        }
    }

    private struct Document: Encodable {
        var version: String
        var title: String
        var homePageURL: String
        var feedURL: String
        var description: String?
        var language: String
        var authors: [Person]
        var items: [Item]

        enum CodingKeys: String, CodingKey {
            case version, title, description, language, authors, items
            case homePageURL = "home_page_url"
            case feedURL = "feed_url"
        }
    }

    private struct Item: Encodable {
        var id: String
        var url: String
        var title: String
        var contentHTML: String
        var summary: String?
        var image: String?
        var datePublished: String
        var dateModified: String
        var authors: [Person]
        var tags: [String]?
        var language: String?

        enum CodingKeys: String, CodingKey {
            case id, url, title, summary, image, authors, tags, language
            case contentHTML = "content_html"
            case datePublished = "date_published"
            case dateModified = "date_modified"
        }
    }

    private struct Person: Encodable {
        var name: String
        var url: String?

        init(_ author: Author) {
            name = author.name
            url = author.uri ?? author.email.map { "mailto:\($0)" }
        }
    }
}
