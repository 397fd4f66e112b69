import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue` as soon as the request head arrives.
///
/// botocore sends `Expect: 100-continue` on PutObject and UploadPart bodies over 1 MB and then
/// waits up to a second for the interim answer before it sends the body; NIO's HTTP/1 server
/// codec never sends one, so every such upload stalled for that second. This handler sits in the
/// HTTP/1 pipeline between the codec and Hummingbird (`HTTP1Channel.Configuration`'s
/// `additionalChannelHandlers`): it writes the interim head (NIO's encoder frames 1xx heads as
/// informational, so the final answer still follows) and passes the request on unchanged.
/// Requests without a body (no `Content-Length` above 0 and no `Transfer-Encoding`) get none.
public final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), Self.expectsContinue(head) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// Whether the request asks for `100 Continue` and has a body to send after it.
    static func expectsContinue(_ head: HTTPRequest) -> Bool {
        guard let expect = head.headerFields[.expect], expect.lowercased() == "100-continue" else { return false }
        if head.headerFields[.transferEncoding] != nil { return true }
        return head.headerFields[.contentLength].flatMap { Int($0) }.map { $0 > 0 } ?? false
    }
}
