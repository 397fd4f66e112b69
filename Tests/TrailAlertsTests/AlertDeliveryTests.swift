import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing
import TrailAlerts

/// Retries, non-retries and deadlines against a real HTTP server.
@Suite struct AlertDeliveryTests {
    @Test func retriesServerErrorsUntilAccepted() async throws {
        let receiver = try await HTTPReceiver.start(statuses: [500, 503])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 3)
        // The same alert each time.
        #expect(Set(receiver.recorded.map(\.body)).count == 1)
    }

    @Test func retries429() async throws {
        let receiver = try await HTTPReceiver.start(statuses: [429])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 2)
    }

    @Test func doesNotRetryClientErrors() async throws {
        let receiver = try await HTTPReceiver.start(statuses: [400])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let error = await #expect(throws: AlertError.self) {
                try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
            }
            #expect(error?.code == .rejected)
            #expect(error?.description.contains("HTTP 400") == true)
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 1)
    }

    @Test func givesUpAfterTheAttemptsWhenServerErrorsPersist() async throws {
        let receiver = try await HTTPReceiver.start(statuses: [500, 500, 500, 500])
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(receiver.url, configuration: Fixtures.configuration(http))
            let error = await #expect(throws: AlertError.self) {
                try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
            }
            #expect(error?.code == .unavailable)
        }
        try await receiver.stop()
        #expect(receiver.recorded.count == 3)
    }

    @Test func unreachablePortFailsAfterBoundedAttempts() async throws {
        let port = try await Self.closedPort()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "http://127.0.0.1:\(port)/hook",
                configuration: Fixtures.configuration(http, delivery: Fixtures.refusedDelivery)
            )
            let error = await #expect(throws: AlertError.self) {
                try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
            }
            #expect(error?.code == .unavailable)
            #expect(error?.description.contains("after 3 attempts") == true)
        }
    }

    @Test func silentServerHitsTheSendDeadline() async throws {
        let receiver = try await HTTPReceiver.start(silent: true)
        let delivery = AlertDelivery(
            maximumAttempts: 10, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(20),
            attemptTimeout: .milliseconds(300), sendDeadline: .milliseconds(800)
        )
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                receiver.url, configuration: Fixtures.configuration(http, delivery: delivery))
            let error = await #expect(throws: AlertError.self) {
                try await target.send(Alert(finding: Fixtures.finding(), raisedAt: Date()))
            }
            #expect(error?.code == .timedOut || error?.code == .unavailable)
        }
        try await receiver.stop()
        // Bounded by the deadline, not by the ten attempts.
        #expect((1..<10).contains(receiver.recorded.count))
    }

    /// A port that was just bound and closed again: connections to it are refused.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}
