import Hummingbird
import NIOCore

/// The context of one request: hummingbird's, plus the address of the peer.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer (a reverse proxy's, when there is one in front).
    public let peerAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress
    }

    /// Forms are small; anything larger is refused with 413 before it is read.
    public var maxUploadSize: Int { 16 * 1024 }
}
