/// Writes a header field as space-separated tokens, folding before a token that would pass
/// column 78.
struct DKIMHeaderFolder {
    static let limit = 78
    var bytes: [UInt8]
    var column: Int

    init(name: String) {
        bytes = Array(name.utf8)
        bytes.reserveCapacity(640)
        column = bytes.count
    }

    mutating func append(_ token: String, separatedBySpace: Bool = true) {
        let length = token.utf8.count + (separatedBySpace ? 1 : 0)
        if column + length > Self.limit {
            fold()
        } else if separatedBySpace {
            bytes.append(MailCharacters.space)
            column += 1
        }
        bytes.append(contentsOf: token.utf8)
        column += token.utf8.count
    }

    /// Appends a tag name such as "b=", folding first unless `minimumRoom` columns remain after it.
    mutating func appendTagName(_ token: String, minimumRoom: Int) {
        if column + 1 + token.utf8.count + minimumRoom > Self.limit {
            fold()
        } else {
            bytes.append(MailCharacters.space)
            column += 1
        }
        bytes.append(contentsOf: token.utf8)
        column += token.utf8.count
    }

    /// Appends a value that may be broken anywhere (base64 with FWS), filling each line.
    mutating func appendFolded(_ value: [UInt8]) {
        var index = 0
        while index < value.count {
            if column >= Self.limit { fold() }
            let take = min(Self.limit - column, value.count - index)
            bytes.append(contentsOf: value[index..<index + take])
            column += take
            index += take
        }
    }

    private mutating func fold() {
        bytes.append(MailCharacters.carriageReturn)
        bytes.append(MailCharacters.lineFeed)
        bytes.append(MailCharacters.space)
        column = 1
    }
}
