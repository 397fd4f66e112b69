import Foundation

extension SQSClient {
    /// A typed message attribute (`String`, `Number` or `Binary`, optionally with a custom suffix
    /// such as `String.json`).
    public struct MessageAttribute: Sendable, Hashable {
        /// `String`, `Number`, `Binary`, or one of those with a `.suffix`.
        public var dataType: String
        /// The value of a `String` or `Number` attribute.
        public var stringValue: String?
        /// The value of a `Binary` attribute.
        public var binaryValue: Data?

        /// A `String` attribute.
        public static func string(_ value: String) -> Self { .init(dataType: "String", stringValue: value) }
        /// A `Number` attribute.
        public static func number(_ value: String) -> Self { .init(dataType: "Number", stringValue: value) }
        /// A `Binary` attribute.
        public static func binary(_ value: Data) -> Self { .init(dataType: "Binary", binaryValue: value) }

        /// An attribute from its parts.
        public init(dataType: String, stringValue: String? = nil, binaryValue: Data? = nil) {
            self.dataType = dataType
            self.stringValue = stringValue
            self.binaryValue = binaryValue
        }

        var json: [String: Any] {
            var out: [String: Any] = ["DataType": dataType]
            if let stringValue { out["StringValue"] = stringValue }
            if let binaryValue { out["BinaryValue"] = binaryValue.base64EncodedString() }
            return out
        }

        init(json: [String: Any]) {
            self.init(
                dataType: json["DataType"] as? String ?? "String",
                stringValue: json["StringValue"] as? String,
                binaryValue: (json["BinaryValue"] as? String).flatMap { Data(base64Encoded: $0) })
        }
    }

    /// A received message.
    public struct Message: Sendable, Hashable {
        /// The message ID.
        public var messageID: String
        /// The handle that deletes the message or changes its visibility (valid for this receipt only).
        public var receiptHandle: String
        /// The body.
        public var body: String
        /// The MD5 of the body, as SQS computed it.
        public var md5OfBody: String?
        /// The system attributes asked for (`ApproximateReceiveCount`, `SentTimestamp`…).
        public var attributes: [String: String]
        /// The message attributes asked for.
        public var messageAttributes: [String: MessageAttribute]

        /// How many times the message was received, when `ApproximateReceiveCount` was asked for.
        public var receiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }

        /// A message from its parts.
        public init(
            messageID: String, receiptHandle: String, body: String, md5OfBody: String? = nil,
            attributes: [String: String] = [:], messageAttributes: [String: MessageAttribute] = [:]
        ) {
            self.messageID = messageID
            self.receiptHandle = receiptHandle
            self.body = body
            self.md5OfBody = md5OfBody
            self.attributes = attributes
            self.messageAttributes = messageAttributes
        }

        init(json: [String: Any]) {
            self.init(
                messageID: json["MessageId"] as? String ?? "",
                receiptHandle: json["ReceiptHandle"] as? String ?? "",
                body: json["Body"] as? String ?? "",
                md5OfBody: json["MD5OfBody"] as? String,
                attributes: json["Attributes"] as? [String: String] ?? [:],
                messageAttributes: (json["MessageAttributes"] as? [String: [String: Any]] ?? [:]).mapValues(
                    MessageAttribute.init(json:)))
        }
    }

    /// One message of ``SQSClient/sendMessageBatch(queueURL:entries:)``.
    public struct BatchEntry: Sendable, Hashable {
        /// An ID unique within the batch, reported back in ``BatchResult``.
        public var id: String
        /// The body.
        public var body: String
        /// How long the message stays invisible.
        public var delaySeconds: Int?
        /// Typed message attributes.
        public var messageAttributes: [String: MessageAttribute]

        /// An entry from its parts.
        public init(
            id: String, body: String, delaySeconds: Int? = nil, messageAttributes: [String: MessageAttribute] = [:]
        ) {
            self.id = id
            self.body = body
            self.delaySeconds = delaySeconds
            self.messageAttributes = messageAttributes
        }
    }

    /// What a batch request did with each entry.
    public struct BatchResult: Sendable, Hashable {
        /// A failed entry.
        public struct Failure: Sendable, Hashable {
            /// The entry's ID.
            public var id: String
            /// The error code.
            public var code: String
            /// The error message.
            public var message: String
            /// Whether the request was at fault (retrying it unchanged will fail again).
            public var isSenderFault: Bool
        }

        /// The IDs of the entries that succeeded.
        public var successful: [String]
        /// The entries that failed.
        public var failed: [Failure]

        init(_ json: [String: Any]) {
            successful = (json["Successful"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String }
            failed = (json["Failed"] as? [[String: Any]] ?? []).map { entry in
                Failure(
                    id: entry["Id"] as? String ?? "",
                    code: entry["Code"] as? String ?? "",
                    message: entry["Message"] as? String ?? "",
                    isSenderFault: entry["SenderFault"] as? Bool ?? false)
            }
        }
    }
}
