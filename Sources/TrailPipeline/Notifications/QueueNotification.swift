import Foundation

/// An object a notification points at.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// The decoded object key.
    public var key: String
    public var size: Int64?
    public init(bucket: String, key: String, size: Int64? = nil) {
        self.bucket = bucket
        self.key = key
        self.size = size
    }
    public var description: String { "s3://\(bucket)/\(key)" }
}

/// What a queue message says, once its envelopes are removed.
public enum QueueNotification: Sendable, Hashable {
    /// Object-created events (S3 event notifications, or CloudTrail's own SNS notification).
    case objects([ObjectReference])
    /// S3's `s3:TestEvent`, sent when notifications are configured: acknowledge and skip.
    case testEvent
    /// A well-formed notification about nothing to process (object removals, other services).
    case ignored(String)

    /// Parses an SQS message body: an S3 event notification, CloudTrail's SNS notification
    /// (`{"s3Bucket":…,"s3ObjectKey":[…]}`), either of them inside an SNS envelope, or an
    /// EventBridge "Object Created" event.
    /// - Throws: ``NotificationError`` when the body is none of these (a poison message).
    public static func parse(_ body: String) throws -> QueueNotification {
        guard let data = body.data(using: .utf8), !data.isEmpty else { throw NotificationError("empty message body") }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw NotificationError("message body is not JSON: \(String(body.prefix(120)))")
        }
        return try parse(value, depth: 0)
    }

    static func parse(_ value: Any, depth: Int) throws -> QueueNotification {
        guard let object = value as? [String: Any] else { throw NotificationError("message body is not a JSON object") }
        // SNS envelope (SNS → SQS without raw delivery): the payload is a JSON string in Message.
        if let type = object["Type"] as? String, let message = object["Message"] as? String, depth == 0 {
            guard type == "Notification" else { return .ignored("SNS \(type) message") }
            guard let inner = message.data(using: .utf8),
                let parsed = try? JSONSerialization.jsonObject(with: inner, options: [.fragmentsAllowed])
            else { throw NotificationError("SNS Message is not JSON: \(String(message.prefix(120)))") }
            return try parse(parsed, depth: depth + 1)
        }
        if let event = object["Event"] as? String, event == "s3:TestEvent" { return .testEvent }
        if let bucket = object["s3Bucket"] as? String {
            guard let keys = object["s3ObjectKey"] as? [String] else {
                throw NotificationError("CloudTrail notification without an s3ObjectKey list")
            }
            return .objects(keys.map { ObjectReference(bucket: bucket, key: $0) })
        }
        if let records = object["Records"] as? [Any] {
            var references: [ObjectReference] = []
            var skipped: [String] = []
            for case let record as [String: Any] in records {
                let name = record["eventName"] as? String ?? ""
                guard let s3 = record["s3"] as? [String: Any],
                    let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String,
                    let object = s3["object"] as? [String: Any], let rawKey = object["key"] as? String
                else {
                    throw NotificationError("S3 event record without s3.bucket.name / s3.object.key")
                }
                guard name.hasPrefix("ObjectCreated:") || name.hasPrefix("s3:ObjectCreated:") else {
                    skipped.append(name)
                    continue
                }
                guard let key = decodeKey(rawKey) else { throw NotificationError("undecodable object key \(rawKey)") }
                references.append(
                    ObjectReference(bucket: bucket, key: key, size: (object["size"] as? NSNumber)?.int64Value))
            }
            if references.isEmpty {
                return .ignored(skipped.isEmpty ? "no records" : "events \(skipped.joined(separator: ","))")
            }
            return .objects(references)
        }
        // EventBridge "Object Created" from S3.
        if let detailType = object["detail-type"] as? String, let detail = object["detail"] as? [String: Any] {
            guard detailType == "Object Created" else { return .ignored("EventBridge \(detailType)") }
            guard let bucket = (detail["bucket"] as? [String: Any])?["name"] as? String,
                let key = (detail["object"] as? [String: Any])?["key"] as? String
            else { throw NotificationError("EventBridge Object Created without bucket.name / object.key") }
            return .objects([ObjectReference(bucket: bucket, key: key)])
        }
        throw NotificationError("not an S3 event notification, SNS envelope or CloudTrail notification")
    }

    /// Decodes an S3 notification key: form encoding (`+` is a space, `%XX` bytes).
    public static func decodeKey(_ raw: String) -> String? {
        raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// A message body that is not a notification the pipeline understands.
public struct NotificationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
