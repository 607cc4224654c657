extension LanguageTag {
    /// Whether `tag` names French (`fr`, `fr-CA`, `FR-be`): the one language besides English
    /// that Herald's own words (feed titles, digest labels, dates) are written in.
    public static func isFrench(_ tag: String) -> Bool {
        let primary = tag.utf8.prefix { $0 != UInt8(ascii: "-") }
        return primary.count == 2 && primary.elementsEqual("fr".utf8) { $0 | 0x20 == $1 }
    }
}
