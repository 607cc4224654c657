/// The identity of a mailing list (RFC 2919): `List-Id: Weekly news <weekly.example.org>`.
///
/// Mail clients and filters group a list's messages by `id`, so it must never change; the
/// name is only shown to people.
public struct ListID: Sendable, Hashable {
    /// The list's name, shown by clients; any Unicode text without CR, LF or NUL.
    public var name: String?
    /// The list identifier: a dot-atom with at least one dot, as in `weekly.example.org`
    /// (a label of Herald's choosing followed by a domain the sender controls).
    public var id: String

    /// A list identity; both parts are checked when a message is serialized.
    public init(name: String?, id: String) {
        self.name = name
        self.id = id
    }
}
