/// The request headers a feed response depends on: conditional requests (RFC 9110 §13) and
/// `Accept-Encoding` (§12.5.3).
enum ContentNegotiation {
    /// Whether an `If-None-Match` value names one of `etags` (weak comparison, as §13.1.2
    /// requires for this header), or is `*`.
    static func noneMatchHits(_ header: String, etags: [String]) -> Bool {
        for candidate in header.split(separator: ",") {
            var tag = candidate.trimmingSpaces
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if etags.contains(where: { $0 == tag }) { return true }
        }
        return false
    }

    /// Whether the client takes gzip: `gzip` (or `x-gzip`, or `*`) listed with a non-zero
    /// quality, and gzip not refused by name.
    static func acceptsGzip(_ header: String) -> Bool {
        var byName: Bool?
        var byWildcard = false
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let first = parts.first else { continue }
            let coding = first.trimmingSpaces.lowercased()
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingSpaces
                if pair.lowercased().hasPrefix("q=") { quality = Double(pair.dropFirst(2)) ?? 0 }
            }
            if coding == "gzip" || coding == "x-gzip" {
                byName = (byName ?? false) || quality > 0
            } else if coding == "*" {
                byWildcard = quality > 0
            }
        }
        return byName ?? byWildcard
    }
}

extension Substring {
    /// Without the spaces and tabs around it (header list items).
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
