import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// A real HTTP server on 127.0.0.1 that records every request and answers with scripted statuses
/// (then 200), or never answers when ``silent`` is set.
final class HTTPReceiver: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]
        var body: Data

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: body) as? [String: Any])
        }
    }

    let requests = Mutex<[Request]>([])
    let statuses: Mutex<[Int]>
    let silent: Bool
    private let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }
    var url: String { "http://127.0.0.1:\(port)" }
    var recorded: [Request] { requests.withLock { $0 } }

    /// Starts a receiver answering `statuses` in order, then 200.
    static func start(statuses: [Int] = [], silent: Bool = false) async throws -> HTTPReceiver {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = HTTPReceiver(statuses: statuses, silent: silent, boundChannel: channel)
        box.receiver.withLock { $0 = receiver }
        return receiver
    }

    private init(statuses: [Int], silent: Bool, boundChannel: any Channel) {
        self.statuses = Mutex(statuses)
        self.silent = silent
        self.channel = boundChannel
    }

    func stop() async throws {
        try await channel.close()
    }

    /// The next status to answer.
    func nextStatus() -> Int {
        statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
    }

    final class Box: Sendable {
        let receiver = Mutex<HTTPReceiver?>(nil)
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: Box
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(box: Box) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                guard let head, let receiver = box.receiver.withLock({ $0 }) else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: headers,
                    body: Data(body.readableBytesView)
                )
                receiver.requests.withLock { $0.append(request) }
                guard !receiver.silent else { return }
                let status = receiver.nextStatus()
                let answer = ByteBuffer(string: status < 300 ? "{\"status\":\"success\"}" : "{\"error\":\"scripted\"}")
                var responseHeaders = HTTPHeaders()
                responseHeaders.add(name: "Content-Length", value: "\(answer.readableBytes)")
                responseHeaders.add(name: "Content-Type", value: "application/json")
                let responseHead = HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders
                )
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(answer))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
