import Posts

/// The titles of tag and author feeds, in the site's language (English unless a translation
/// exists).
struct FeedTitles {
    let language: String

    private var isFrench: Bool { LanguageTag.isFrench(language) }

    func tag(_ name: String, site: String) -> String {
        isFrench ? "\(site) — Étiquette «\u{A0}\(name)\u{A0}»" : "\(site) — Posts tagged “\(name)”"
    }

    func author(_ name: String, site: String) -> String {
        isFrench ? "\(site) — Articles de \(name)" : "\(site) — Posts by \(name)"
    }

    var readMore: String { isFrench ? "Lire la suite" : "Read more" }
}
