import Yams

/// Finds where a duplicated key is written again. Yams reports a duplicate at the key's first
/// occurrence, and gives no tree; the author needs the line to delete, which is the later one.
enum DuplicateKey {
    /// The tag put on the first occurrence: a tagged key is no longer equal to the others.
    private static let marker = "!herald-first "

    /// The position of the next occurrence of `key` in the mapping where it is first written
    /// at `first`, or `nil` when it cannot be found (the key has a tag of its own, or is not a
    /// scalar). Runs only on the error path: it parses the YAML once more.
    static func secondOccurrence(of key: String, firstAt first: YAMLPosition, in yaml: String) -> YAMLPosition? {
        guard let index = FrontMatterYAML.index(of: first, in: yaml) else { return nil }
        var marked = yaml
        marked.unicodeScalars.insert(contentsOf: marker.unicodeScalars, at: index)
        let shift = marker.unicodeScalars.count
        func unmarked(_ mark: Mark?) -> YAMLPosition {
            var position = YAMLPosition(mark)
            if position.line == first.line && position.column > first.column { position.column -= shift }
            return position
        }
        let root: Node?
        do {
            root = try Parser(yaml: marked, resolver: .basic, constructor: FrontMatterYAML.nodesOnly, encoding: .utf8).singleRoot()
        } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            // Written three times or more: the second occurrence is now the first duplicate.
            let again = unmarked(context.mark)
            return keys.first == key && again != first ? again : nil
        } catch {
            return nil
        }
        var pending: [Node] = root.map { [$0] } ?? []
        while let node = pending.popLast() {
            switch node {
            case .mapping(let mapping):
                let keys = mapping.map(\.key)
                if let tagged = keys.firstIndex(where: { YAMLPosition($0.mark) == first && $0.tag.rawValue == "!herald-first" }),
                    let again = keys[(tagged + 1)...].first(where: { $0.scalar?.string == key })
                {
                    return unmarked(again.mark)
                }
                for (key, value) in mapping { pending += [key, value] }
            case .sequence(let sequence):
                pending += sequence
            case .scalar, .alias:
                break
            }
        }
        return nil
    }
}
