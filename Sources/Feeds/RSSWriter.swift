import MarkdownRendering
import XMLWriting

/// RSS 2.0 through libxml2's writer.
///
/// Declares every namespace it uses (`atom` for the self link, `content` for the full HTML,
/// `dc` for author names, since RSS's own `author` must be an e-mail address). The item `guid`
/// is the same permanent `tag:` id as in Atom, marked `isPermaLink="false"`. `description`
/// carries the summary as escaped HTML; `content:encoded` the post.
struct RSSWriter {
    let dates: FeedDates

    func write(_ feed: FeedDocument) throws(FeedWriteError) -> [UInt8] {
        do {
            let xml = try XMLWriter(expectedSize: feed.expectedSize)
            try xml.startDocument()
            try xml.startElement("rss")
            try xml.attribute("version", "2.0")
            try xml.attribute("xmlns:atom", AtomWriter.namespace)
            try xml.attribute("xmlns:content", "http://purl.org/rss/1.0/modules/content/")
            try xml.attribute("xmlns:dc", "http://purl.org/dc/elements/1.1/")
            try xml.startElement("channel")
            try xml.element("title", text: feed.title)
            try xml.element("link", text: feed.homePageURL)
            try xml.element("description", text: feed.subtitle ?? feed.title)
            try xml.emptyElement("atom:link", attributes: ["href": feed.url(of: .rss), "rel": "self", "type": FeedFormat.rss.mediaType])
            try xml.element("language", text: feed.language)
            try xml.element("lastBuildDate", text: dates.rfc822(feed.updated))
            try xml.element("generator", text: "Herald \(HeraldInfo.version)")
            for entry in feed.entries { try write(entry, to: xml) }
            try xml.endElement()
            try xml.endElement()
            return try xml.finish()
        } catch {
            throw FeedWriteError(format: .rss, reason: String(describing: error))
        }
    }

    private func write(_ entry: FeedEntry, to xml: XMLWriter) throws(XMLWriterError) {
        try xml.startElement("item")
        try xml.element("title", text: entry.title)
        try xml.element("link", text: entry.url)
        try xml.element("guid", attributes: ["isPermaLink": "false"], text: entry.id)
        try xml.element("pubDate", text: dates.rfc822(entry.published))
        try xml.element("dc:creator", text: entry.author.name)
        for tag in entry.tags { try xml.element("category", text: tag) }
        try xml.element("description", text: HTMLEscaping.text(entry.summary))
        try xml.element("content:encoded", text: entry.escapedContentHTML)
        try xml.endElement()
    }
}
