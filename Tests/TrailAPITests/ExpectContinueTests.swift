import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrailAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking loopback TCP connection that reads with a timeout, to watch what the server sends
/// before a request body.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// What arrives within `seconds` (stops early once `until` is in it).
    func receive(within seconds: Double, until marker: String) -> String {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !String(decoding: received, as: UTF8.self).contains(marker) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(Swift.max(1, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&poller, 1, remaining)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { break }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            received += chunk[..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

@Suite struct ExpectContinueTests {
    @Test func interimContinueComesBeforeTheBodyIsSent() async throws {
        let api = TestAPI()
        let app = Application(
            router: buildRouter(api.context()),
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            connection.send("PUT /some-bucket/key HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            // Without the handler nothing would come before the body: the wait ends only on a timeout.
            let interim = connection.receive(within: 10, until: "\r\n\r\n")
            #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
            connection.send("hello")
            // The final answer follows on the same connection (unsigned: refused).
            let final = connection.receive(within: 30, until: "</Error>")
            #expect(final.hasPrefix("HTTP/1.1 403 Forbidden\r\n"), "\(final)")
            #expect(final.contains("<Code>AccessDenied</Code>"))

            // No Expect, or no body: no interim answer.
            let plain = try RawConnection(port: port)
            plain.send("GET /health HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n")
            let health = plain.receive(within: 30, until: "}")
            #expect(health.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(health)")
            #expect(!health.contains("100 Continue"))
        }
    }
}
