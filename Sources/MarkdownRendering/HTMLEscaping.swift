/// Minimal HTML escaping for text Herald itself puts into HTML.
public enum HTMLEscaping {
    /// `&`, `<` and `>` as entities: text that is safe between HTML tags.
    public static func text(_ value: String) -> String {
        guard value.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count + 16)
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Also `"`: safe inside a double-quoted attribute value.
    public static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
