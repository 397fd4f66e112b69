import Foundation

/// An error answered by an AWS (or AWS-compatible) service.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var status: Int
    public var requestID: String?

    public init(code: String, message: String, status: Int, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
    }

    /// Parses an AWS JSON error body (`{"__type": "prefix#Name", "message": "…"}`).
    public init(json: Data, status: Int) {
        let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
        var type = (object["__type"] as? String) ?? (object["code"] as? String) ?? "HTTP\(status)"
        if let hash = type.lastIndex(of: "#") { type = String(type[type.index(after: hash)...]) }
        if let colon = type.firstIndex(of: ":") { type = String(type[..<colon]) }
        self.code = type
        self.message = (object["message"] as? String) ?? (object["Message"] as? String) ?? ""
        self.status = status
        self.requestID = nil
    }

    /// Parses an S3 XML error body.
    public init(xml: Data, status: Int) {
        let text = String(decoding: xml, as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
            else { return nil }
            return String(text[open.upperBound..<close.lowerBound])
        }
        self.code = element("Code") ?? "HTTP\(status)"
        self.message = element("Message") ?? ""
        self.status = status
        self.requestID = element("RequestId")
    }

    public var description: String { "\(code): \(message) (HTTP \(status))" }

    /// Whether retrying may succeed (throttling or a server-side failure).
    public var isRetryable: Bool {
        status >= 500 || status == 429
            || ["Throttling", "ThrottlingException", "SlowDown", "RequestLimitExceeded", "TooManyRequestsException"]
                .contains(code)
    }
}
