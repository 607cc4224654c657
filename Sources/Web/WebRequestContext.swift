import Hummingbird
import NIOCore

/// The context of one request: hummingbird's, plus the address of the peer.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    /// The connection's peer (a reverse proxy's, when there is one in front); looked up only
    /// when asked for (only sign-ups need it).
    public var peerAddress: SocketAddress? { channel.remoteAddress }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Forms are small; anything larger is refused with 413 before it is read.
    public var maxUploadSize: Int { 16 * 1024 }
}
