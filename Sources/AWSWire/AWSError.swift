import Foundation
import NIOHTTP1

/// An error answered by an AWS (or AWS-compatible) service, or a client-side failure in its terms.
///
/// Built from an S3 XML error document (`<Error><Code>…</Code><Message>…</Message>…`) or an AWS JSON
/// error (`{"__type": "prefix#Name", "message": "…"}`); ``code`` is the bare error name.
public struct AWSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error name, such as `NoSuchBucket` or `ThrottlingException`.
    public var code: String
    /// The service's message (may be empty).
    public var message: String
    /// The HTTP status (0 for failures that happened before any response).
    public var status: Int
    /// The request ID the service gave, if any.
    public var requestID: String?

    /// Error codes that mean "slow down": retried with backoff.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "SlowDown", "RequestLimitExceeded",
        "TooManyRequestsException", "RequestThrottled", "RequestThrottledException",
        "ProvisionedThroughputExceededException",
    ]

    /// An error from its parts.
    public init(code: String, message: String, status: Int, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
    }

    /// Parses an AWS JSON error body: `__type` (or `code`), everything up to `#` dropped, and
    /// `message` or `Message`. A body that is not such JSON gives the code `HTTP<status>`.
    public init(json: Data, status: Int, requestID: String? = nil) {
        let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
        let type = (object["__type"] as? String) ?? (object["code"] as? String) ?? (object["Code"] as? String)
        self.init(
            code: type.map(Self.bareCode) ?? "HTTP\(status)",
            message: (object["message"] as? String) ?? (object["Message"] as? String) ?? "",
            status: status,
            requestID: requestID
        )
    }

    /// Parses an S3 XML error document: `Code`, `Message`, `RequestId` of its root element.
    /// A body that is not such XML gives the code `HTTP<status>`.
    public init(xml: Data, status: Int, requestID: String? = nil) {
        let root = try? XMLTree.parse(xml)
        let errorElement = root.flatMap { $0.name == "Error" ? $0 : $0.child("Error") }
        self.init(
            code: errorElement?.child("Code")?.text ?? "HTTP\(status)",
            message: errorElement?.child("Message")?.text ?? "",
            status: status,
            requestID: errorElement?.child("RequestId")?.text ?? requestID
        )
    }

    /// The error of a response: JSON or XML by its body, else the bare status; the request ID and
    /// `x-amzn-ErrorType` headers are used when present.
    public init(response: AWSClient.Response) {
        let requestID =
            response.headers.first(name: "x-amzn-RequestId") ?? response.headers.first(name: "x-amz-request-id")
        let firstByte = response.body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if firstByte == UInt8(ascii: "<") {
            self.init(xml: response.body, status: response.status, requestID: requestID)
        } else {
            self.init(json: response.body, status: response.status, requestID: requestID)
        }
        if code == "HTTP\(response.status)", let type = response.headers.first(name: "x-amzn-ErrorType") {
            code = Self.bareCode(type)
        }
        if code == "HTTP\(response.status)", response.status == 404, response.body.isEmpty {
            code = "NotFound"  // HEAD answers have no body
        }
    }

    /// Whether the code asks the caller to slow down.
    public var isThrottling: Bool { Self.throttlingCodes.contains(code) }

    /// Whether retrying may succeed: throttling, 429, or a server-side (5xx) failure.
    public var isRetryable: Bool { isThrottling || status == 429 || status >= 500 }

    /// `Code: message (HTTP status, request ID)`.
    public var description: String {
        "\(code): \(message) (HTTP \(status)" + (requestID.map { ", request \($0)" } ?? "") + ")"
    }

    /// `aws.protocol#Name:http://…` → `Name`.
    static func bareCode(_ type: String) -> String {
        var code = Substring(type)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }
}
