import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
@testable import TrailAlerts

/// A real SMTP server on 127.0.0.1 for tests: records each session's envelope and data; can
/// offer STARTTLS with a given certificate and AUTH PLAIN/LOGIN.
final class SMTPReceiver: Sendable {
    struct Message: Sendable {
        var mailFrom = ""
        var recipients: [String] = []
        /// The DATA lines after un-dot-stuffing, joined with CRLF.
        var data = ""
        /// The DATA lines as received (before un-dot-stuffing).
        var rawLines: [String] = []
        var wasTLS = false
        var authentication: (user: String, password: String)?
        var commands: [String] = []
    }

    let messages = Mutex<[Message]>([])
    /// How many QUIT commands arrived.
    let quits = Mutex(0)
    private let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }
    var recorded: [Message] { messages.withLock { $0 } }

    private init(channel: any Channel) { self.channel = channel }

    /// Starts a receiver; with `tls`, it offers STARTTLS; with `authMechanisms`, it offers AUTH.
    /// With `implicitTLS`, TLS starts with the connection (smtps).
    static func start(
        tls: NIOSSLContext? = nil, implicitTLS: NIOSSLContext? = nil, authMechanisms: String? = nil
    ) async throws -> SMTPReceiver {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: implicitTLS))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(box: box, tls: tls, authMechanisms: authMechanisms, isTLS: implicitTLS != nil)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = SMTPReceiver(channel: channel)
        box.receiver.withLock { $0 = receiver }
        return receiver
    }

    func stop() async throws { try await channel.close() }

    final class Box: Sendable {
        let receiver = Mutex<SMTPReceiver?>(nil)
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = String
        typealias OutboundOut = ByteBuffer
        enum State { case command, data, authLoginUser, authLoginPassword(String) }

        let box: Box
        let tls: NIOSSLContext?
        let authMechanisms: String?
        var state = State.command
        var message = Message()
        var isTLS = false

        init(box: Box, tls: NIOSSLContext?, authMechanisms: String?, isTLS: Bool) {
            self.box = box
            self.isTLS = isTLS
            self.tls = tls
            self.authMechanisms = authMechanisms
        }

        func channelActive(context: ChannelHandlerContext) {
            send(context, "220 test.localhost ESMTP ready")
            context.fireChannelActive()
        }

        func send(_ context: ChannelHandlerContext, _ lines: String...) {
            context.writeAndFlush(
                wrapOutboundOut(ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let line = unwrapInboundIn(data)
            switch state {
            case .data:
                if line == "." {
                    message.wasTLS = isTLS
                    let done = message
                    box.receiver.withLock { $0 }?.messages.withLock { $0.append(done) }
                    message = Message()
                    state = .command
                    send(context, "250 2.0.0 queued")
                } else {
                    message.rawLines.append(line)
                    let unstuffed = line.hasPrefix(".") ? String(line.dropFirst()) : line
                    message.data += (message.data.isEmpty ? "" : "\r\n") + unstuffed
                }
            case .authLoginUser:
                state = .authLoginPassword(Self.decode(line))
                send(context, "334 UGFzc3dvcmQ6")
            case .authLoginPassword(let user):
                message.authentication = (user, Self.decode(line))
                state = .command
                send(context, "235 2.7.0 authenticated")
            case .command:
                command(context, line)
            }
        }

        static func decode(_ base64: String) -> String {
            Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }

        func command(_ context: ChannelHandlerContext, _ line: String) {
            let upper = line.uppercased()
            message.commands.append(upper.hasPrefix("AUTH") ? "AUTH" : line)
            if upper.hasPrefix("EHLO") {
                var lines = ["250-test.localhost greets you"]
                if tls != nil, !isTLS { lines.append("250-STARTTLS") }
                if let authMechanisms { lines.append("250-AUTH " + authMechanisms) }
                lines.append("250 8BITMIME")
                context.writeAndFlush(
                    wrapOutboundOut(ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")), promise: nil
                )
            } else if upper == "STARTTLS", let tls, !isTLS {
                send(context, "220 2.0.0 ready to start TLS")
                isTLS = true
                try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            } else if upper.hasPrefix("AUTH PLAIN ") {
                let parts = Self.decode(String(line.dropFirst("AUTH PLAIN ".count))).split(
                    separator: "\0", omittingEmptySubsequences: false
                )
                if parts.count == 3 {
                    message.authentication = (String(parts[1]), String(parts[2]))
                    send(context, "235 2.7.0 authenticated")
                } else {
                    send(context, "501 bad token")
                }
            } else if upper == "AUTH LOGIN" {
                state = .authLoginUser
                send(context, "334 VXNlcm5hbWU6")
            } else if upper.hasPrefix("MAIL FROM:") {
                message.mailFrom = Self.address(line)
                send(context, "250 2.1.0 ok")
            } else if upper.hasPrefix("RCPT TO:") {
                message.recipients.append(Self.address(line))
                send(context, "250 2.1.5 ok")
            } else if upper == "DATA" {
                state = .data
                send(context, "354 end with <CRLF>.<CRLF>")
            } else if upper == "QUIT" {
                box.receiver.withLock { $0 }?.quits.withLock { $0 += 1 }
                send(context, "221 2.0.0 bye")
                context.close(mode: .output, promise: nil)
            } else {
                send(context, "250 ok")
            }
        }

        static func address(_ line: String) -> String {
            guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else {
                return ""
            }
            return String(line[line.index(after: open)..<close])
        }
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1, made with `openssl` in a temporary directory.
struct TestCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tk-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", directory.appendingPathComponent("key.pem").path,
            "-out", directory.appendingPathComponent("cert.pem").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func serverContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        return try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
