/// What the admin API does, provided by the daemon (the same code as the `herald` commands).
public protocol AdminBackend: Sendable {
    /// `GET /admin/status`: what `herald status --json` prints.
    func status() async -> AdminReply
    /// `POST /admin/newsletters/ID/digests`: what `herald digest send ID --no-wait` does.
    func queueDigest(newsletterID: String) async -> AdminReply
    /// `GET /admin/digests/ID`: the digest's deliveries per state.
    func digest(id: Int64) async -> AdminReply
}

/// An admin API answer: a status code and a JSON body.
public struct AdminReply: Sendable {
    public var status: Int
    public var json: [UInt8]

    public init(status: Int, json: [UInt8]) {
        self.status = status
        self.json = json
    }
}
