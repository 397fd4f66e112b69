import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// POSTs a body to a URL with ``AlertDelivery``'s retries: connection errors, timeouts, 429 and
/// 5xx are retried, other 4xx answers are final.
struct HTTPPoster: Sendable {
    let url: String
    let headers: [(String, String)]
    let httpClient: HTTPClient
    let delivery: AlertDelivery
    let logger: Logger
    /// What logs and errors call the target (no secrets).
    let name: String

    /// Sends `body`; returns the answer body of the successful attempt.
    @discardableResult
    func post(_ body: Data, contentType: String = "application/json") async throws -> Data {
        let box = ResponseBox()
        try await delivery.run(name) { [self] number in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: contentType)
            request.headers.add(name: "User-Agent", value: "trailkeeper-alerts")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(data: body))
            let response: HTTPClientResponse
            let answer: ByteBuffer
            do {
                response = try await httpClient.execute(
                    request, timeout: .nanoseconds(Int64(AlertDelivery.seconds(delivery.attemptTimeout) * 1e9)),
                    logger: logger
                )
                answer = try await response.body.collect(upTo: 1 << 20)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.debug(
                    "alert send failed",
                    metadata: [LogKey.target: "\(name)", LogKey.attempt: "\(number)", LogKey.error: "\(error)"]
                )
                throw AlertDelivery.Failure.transient(
                    AlertError(.unavailable, "\(name): \(Self.describe(error))", underlying: error)
                )
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) {
                box.set(Data(buffer: answer))
                return
            }
            let snippet = String(decoding: answer.readableBytesView.prefix(200), as: UTF8.self)
            logger.debug(
                "alert send answered with an error status",
                metadata: [LogKey.target: "\(name)", LogKey.attempt: "\(number)", LogKey.status: "\(status)"]
            )
            if status == 429 || status >= 500 {
                throw AlertDelivery.Failure.transient(
                    AlertError(.unavailable, "\(name) answered HTTP \(status): \(snippet)"))
            }
            throw AlertDelivery.Failure.permanent(AlertError(.rejected, "\(name) answered HTTP \(status): \(snippet)"))
        }
        return box.value
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}

/// Carries the answer out of the retry closure.
///
/// `@unchecked Sendable`: the one value is written under the lock and read under it.
final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    func set(_ data: Data) { lock.withLock { stored = data } }
    var value: Data { lock.withLock { stored } }
}

/// Log metadata keys of the alerts module.
enum LogKey {
    static let target = "trail.alert.target"
    static let attempt = "trail.alert.attempt"
    static let status = "trail.http.status"
    static let error = "trail.error"
    static let rule = "trail.alert.rule"
}
