import AWSWire
import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import TrailAlerts
import TrailStore

enum Fixtures {
    static let logger = Logger(label: "trail.tests.alerts", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Quick retries so failure tests finish fast.
    static let quickDelivery = AlertDelivery(
        maximumAttempts: 3, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(40),
        attemptTimeout: .seconds(3), sendDeadline: .seconds(10)
    )

    /// For tests that count deliveries to a working receiver: an attempt slowed down by a loaded
    /// machine must not time out and be sent again.
    static let patientDelivery = AlertDelivery(
        maximumAttempts: 3, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(40),
        attemptTimeout: .seconds(60), sendDeadline: .seconds(120)
    )

    /// For targets that refuse connections: AsyncHTTPClient keeps retrying a refused connection
    /// until the request's deadline, so a short attempt timeout keeps these tests quick.
    static let refusedDelivery = AlertDelivery(
        maximumAttempts: 3, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(40),
        attemptTimeout: .milliseconds(400), sendDeadline: .seconds(10)
    )

    static func finding(
        _ index: Int = 1, rule: String = "CreateUser", severity: Severity = .high, who: String? = nil,
        ip: String? = nil, eventID: String? = nil
    ) -> Finding {
        let id = eventID ?? String(format: "00000000-0000-4000-8000-%012d", index)
        let record = "{\"eventVersion\":\"1.08\",\"eventID\":\"\(id)\",\"eventName\":\"CreateUser\"}"
        return Finding(
            eventID: id, rule: rule, severity: severity, ruleDescription: "An IAM user was created.",
            eventName: "CreateUser", eventSource: "iam.amazonaws.com", eventTime: 1_764_547_200 + Int64(index),
            who: who ?? "arn:aws:iam::123456789012:user/alice", sourceIPAddress: ip ?? "203.0.113.7",
            region: "us-east-1", account: "123456789012", origin: "journal", detectedAt: 1_764_547_300,
            record: Data(record.utf8)
        )
    }

    static func configuration(
        _ http: HTTPClient, delivery: AlertDelivery = quickDelivery, includeRecords: Bool = false,
        environment: [String: String] = [:]
    ) -> AlertTargetConfiguration {
        AlertTargetConfiguration(
            httpClient: http, aws: AWSConfigurationFactory.make(environment), delivery: delivery,
            includeRecords: includeRecords, logger: logger
        )
    }
}

enum AWSConfigurationFactory {
    /// A configuration from only `environment` (no files of the machine).
    static func make(_ environment: [String: String]) -> AWSConfiguration {
        var environment = environment
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials"
        environment["AWS_CONFIG_FILE"] = "/nonexistent/config"
        return AWSConfiguration(environment: environment)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_764_547_300))
    var now: Date { time.withLock { $0 } }
    func advance(seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
