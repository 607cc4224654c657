import Posts
import XMLWriting

/// Atom 1.0 (RFC 4287) through libxml2's writer.
///
/// Every feed and entry has exactly one `id`, `title` and `updated`; the feed has an author (so
/// entries may inherit it, but each entry names its own anyway), `rel="self"` and
/// `rel="alternate"` links; content is escaped HTML (`type="html"`), never CDATA.
struct AtomWriter {
    static let namespace = "http://www.w3.org/2005/Atom"
    let dates: FeedDates

    func write(_ feed: FeedDocument) throws(FeedWriteError) -> [UInt8] {
        do {
            let xml = try XMLWriter(expectedSize: feed.expectedSize)
            try xml.startDocument()
            try xml.startElement("feed")
            try xml.attribute("xmlns", Self.namespace)
            try xml.attribute("xml:lang", feed.language)
            try xml.element("id", text: feed.id)
            try xml.element("title", attributes: ["type": "text"], text: feed.title)
            if let subtitle = feed.subtitle { try xml.element("subtitle", attributes: ["type": "text"], text: subtitle) }
            try xml.element("updated", text: dates.rfc3339(feed.updated))
            try xml.emptyElement("link", attributes: ["rel": "self", "type": FeedFormat.atom.mediaType, "href": feed.url(of: .atom)])
            try xml.emptyElement("link", attributes: ["rel": "alternate", "type": "text/html", "href": feed.homePageURL])
            try writeAuthor(feed.author, to: xml)
            try xml.element("generator", attributes: ["uri": HeraldInfo.uri, "version": HeraldInfo.version], text: "Herald")
            for entry in feed.entries { try write(entry, to: xml) }
            try xml.endElement()
            return try xml.finish()
        } catch {
            throw FeedWriteError(format: .atom, reason: String(describing: error))
        }
    }

    private func write(_ entry: FeedEntry, to xml: XMLWriter) throws(XMLWriterError) {
        try xml.startElement("entry")
        if let language = entry.language { try xml.attribute("xml:lang", language) }
        try xml.element("id", text: entry.id)
        try xml.element("title", attributes: ["type": "text"], text: entry.title)
        try xml.emptyElement("link", attributes: ["rel": "alternate", "type": "text/html", "href": entry.url])
        try xml.element("published", text: dates.rfc3339(entry.published))
        try xml.element("updated", text: dates.rfc3339(entry.updated))
        try writeAuthor(entry.author, to: xml)
        for tag in entry.tags { try xml.emptyElement("category", attributes: ["term": tag]) }
        if !entry.summary.isEmpty { try xml.element("summary", attributes: ["type": "text"], text: entry.summary) }
        try xml.element("content", attributes: ["type": "html"], text: entry.escapedContentHTML)
        try xml.endElement()
    }

    private func writeAuthor(_ author: Posts.Author, to xml: XMLWriter) throws(XMLWriterError) {
        try xml.startElement("author")
        try xml.element("name", text: author.name)
        if let email = author.email { try xml.element("email", text: email) }
        if let uri = author.uri { try xml.element("uri", text: uri) }
        try xml.endElement()
    }
}
