import Yams

/// A 1-based line and column as libyaml counts them (its lines also end at U+2028 and U+2029).
struct YAMLPosition: Equatable {
    var line: Int
    var column: Int

    static let start = YAMLPosition(line: 1, column: 1)

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: Mark?) {
        self.init(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}
