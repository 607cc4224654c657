/// The person a post, or the whole site, is attributed to.
public struct Author: Sendable, Hashable, Codable {
    public var name: String
    public var email: String?
    public var uri: String?

    public init(name: String, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }
}
