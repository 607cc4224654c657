import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow to send a request: its headers must all have
/// arrived within `limit` of the connection opening (or of the previous response), and its
/// body within `limit` of its headers. The idle timeout alone would not do: a client sending
/// one byte every few seconds never looks idle (a "slowloris").
///
/// One timer per connection, not one per request: each request only notes the time its
/// current phase started; the timer, when it fires, closes the connection if that phase is
/// over its limit and otherwise waits until it would be.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    /// When the client started owing the server something (a request head, a body); `nil`
    /// while the server is the one working on a request.
    private var waitingSince: NIODeadline?
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        waitingSince = .now()
        schedule(context, at: waitingSince! + limit)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: waitingSince = .now()
        case .end: waitingSince = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { waitingSince = .now() }
        context.write(data, promise: promise)
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.check(context)
        }
    }

    private func check(_ context: ChannelHandlerContext) {
        guard let since = waitingSince else {
            schedule(context, at: .now() + limit)
            return
        }
        if since + limit <= .now() {
            context.close(promise: nil)
        } else {
            schedule(context, at: since + limit)
        }
    }
}
