import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP session on SwiftNIO: EHLO, STARTTLS when offered (or required), AUTH PLAIN/LOGIN,
/// MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT.
struct SMTPClient: Sendable {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    let tlsContext: NIOSSLContext?
    let connectTimeout: TimeAmount
    let logger: Logger

    /// A reply: its code and its text lines.
    struct Reply: Sendable {
        var code: Int
        var lines: [String]
        var text: String { lines.joined(separator: " / ") }
    }

    /// Thrown for a reply other than the one expected; 4xx is worth retrying, 5xx is not.
    struct UnexpectedReply: Error, CustomStringConvertible {
        var command: String
        var reply: Reply
        var description: String { "\(command) answered \(reply.code) \(reply.text)" }
    }

    init(settings: SMTPSettings, group: any EventLoopGroup, connectTimeout: TimeAmount, logger: Logger) throws {
        self.settings = settings
        self.group = group
        self.connectTimeout = connectTimeout
        self.logger = logger
        if settings.implicitTLS || settings.startTLS != .never {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
            if !settings.verifiesCertificates { tls.certificateVerification = .none }
            do {
                tlsContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw AlertError(.invalidTarget, "smtp TLS settings cannot be used: \(error)", underlying: error)
            }
        } else {
            tlsContext = nil
        }
    }

    /// The name sent for SNI and checked against the certificate; nil for an IP address.
    var serverHostname: String? {
        let host = settings.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy({ $0.isNumber || $0 == "." })
        {
            return nil
        }
        return host
    }

    /// Sends one message to every recipient.
    func send(_ message: SMTPMessage) async throws {
        let implicitTLS = settings.implicitTLS ? tlsContext : nil
        let hostname = serverHostname
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: implicitTLS, serverHostname: hostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = channel.channel
        try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(lines: inbound.makeAsyncIterator(), outbound: outbound)
                try await converse(&session, raw: raw, message: message)
            }
        } onCancel: {
            raw.close(promise: nil)
        }
    }

    /// Reads replies and writes commands.
    struct Session {
        var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        mutating func reply(to command: String) async throws -> Reply {
            var collected: [String] = []
            while true {
                guard let line = try await lines.next() else {
                    throw AlertError(.unavailable, "the SMTP server closed the connection after \(command)")
                }
                let bytes = Array(line.utf8)
                guard bytes.count >= 3, let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)) else {
                    throw AlertError(.protocolViolation, "not an SMTP reply after \(command): \(line.prefix(80))")
                }
                collected.append(bytes.count > 4 ? String(decoding: bytes.dropFirst(4), as: UTF8.self) : "")
                if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") { return Reply(code: code, lines: collected) }
            }
        }

        mutating func command(_ text: String, shown: String? = nil, expect: Set<Int>) async throws -> Reply {
            try await outbound.write(ByteBuffer(string: text + "\r\n"))
            let name = shown ?? text
            let answer = try await reply(to: name)
            guard expect.contains(answer.code) else { throw UnexpectedReply(command: name, reply: answer) }
            return answer
        }
    }

    private func converse(_ session: inout Session, raw: any Channel, message: SMTPMessage) async throws {
        let greeting = try await session.reply(to: "the greeting")
        guard greeting.code == 220 else { throw UnexpectedReply(command: "the greeting", reply: greeting) }
        var extensions = try await session.command("EHLO \(settings.heloName)", expect: [250]).lines.dropFirst()
            .map { $0.uppercased() }
        var isSecure = settings.implicitTLS
        if !isSecure, settings.startTLS != .never {
            let offered = extensions.contains { $0 == "STARTTLS" || $0.hasPrefix("STARTTLS ") }
            if offered, let tlsContext {
                _ = try await session.command("STARTTLS", expect: [220])
                let hostname = serverHostname
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: tlsContext, serverHostname: hostname), position: .first
                    )
                }.get()
                isSecure = true
                extensions = try await session.command("EHLO \(settings.heloName)", expect: [250]).lines.dropFirst()
                    .map { $0.uppercased() }
            } else if settings.startTLS == .require {
                throw AlertError(
                    .rejected, "\(settings.description): the server does not offer STARTTLS (starttls=require)")
            }
        }
        if let user = settings.user, let password = settings.password {
            guard isSecure || settings.isLoopback || settings.startTLS == .never else {
                throw AlertError(
                    .rejected,
                    "\(settings.description): refusing to send credentials without TLS (set starttls=never to allow)"
                )
            }
            let mechanisms =
                extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?.dropFirst(5)
                .split(separator: " ").map(String.init) ?? []
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
                _ = try await session.command("AUTH PLAIN " + token, shown: "AUTH PLAIN", expect: [235])
            } else {
                _ = try await session.command("AUTH LOGIN", expect: [334])
                _ = try await session.command(
                    Data(user.utf8).base64EncodedString(), shown: "AUTH LOGIN user", expect: [334])
                _ = try await session.command(
                    Data(password.utf8).base64EncodedString(), shown: "AUTH LOGIN password", expect: [235])
            }
        }
        _ = try await session.command("MAIL FROM:<\(settings.from)>", expect: [250])
        for recipient in settings.to {
            _ = try await session.command("RCPT TO:<\(recipient)>", expect: [250, 251])
        }
        _ = try await session.command("DATA", expect: [354])
        try await session.outbound.write(ByteBuffer(string: SMTPMessage.dotStuffed(message.rendered())))
        let accepted = try await session.reply(to: "the message")
        guard accepted.code == 250 else { throw UnexpectedReply(command: "the message", reply: accepted) }
        // The message is accepted; a failed QUIT changes nothing.
        _ = try? await session.command("QUIT", expect: [221])
    }
}
