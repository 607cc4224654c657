import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow: a new connection must send a request's
/// headers within `requestLimit`, a request's body must follow its headers within
/// `requestLimit`, and a kept-alive connection may wait `idleLimit` for its next request. The
/// idle timeout alone would not do: a client sending one byte every few seconds never looks
/// idle (a "slowloris").
///
/// One timer per connection, not one per request: each part only moves the deadline; the
/// timer, when it fires, closes the connection if the deadline has passed and otherwise waits
/// until it would.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestLimit: TimeAmount
    private let idleLimit: TimeAmount
    /// When the client must have sent what it owes; `nil` while the server is working on a
    /// request (its own time is not the client's).
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?

    init(requestLimit: TimeAmount, idleLimit: TimeAmount) {
        self.requestLimit = requestLimit
        self.idleLimit = idleLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        deadline = .now() + requestLimit
        schedule(context, at: deadline!)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadline = .now() + requestLimit
        case .end: deadline = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Between requests: the next one may take the idle limit to come.
        if case .end = unwrapOutboundIn(data), deadline == nil { deadline = .now() + idleLimit }
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
        guard let deadline else {
            schedule(context, at: .now() + requestLimit)
            return
        }
        if deadline <= .now() {
            context.close(promise: nil)
        } else {
            schedule(context, at: deadline)
        }
    }
}
