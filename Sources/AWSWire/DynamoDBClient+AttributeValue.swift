import Foundation

/// A DynamoDB attribute value, in DynamoDB's JSON form one object with one key naming the type:
/// `{"S": "text"}`, `{"N": "12"}`, `{"B": "<base64>"}`, `{"BOOL": true}`, `{"NULL": true}`,
/// `{"M": {…}}`, `{"L": […]}`, `{"SS": […]}`, `{"NS": […]}`, `{"BS": […]}`.
///
/// Numbers travel as decimal text (DynamoDB's own representation, up to 38 digits), so
/// ``number(_:)`` holds a `String`; ``integer(_:)`` and ``int64Value`` convert.
public enum AttributeValue: Sendable, Hashable {
    /// `S`: a UTF-8 string.
    case string(String)
    /// `N`: a number, as decimal text.
    case number(String)
    /// `B`: bytes (base64 on the wire).
    case binary(Data)
    /// `BOOL`.
    case bool(Bool)
    /// `NULL`.
    case null
    /// `M`: a map of attribute values.
    case map([String: AttributeValue])
    /// `L`: a list of attribute values.
    case list([AttributeValue])
    /// `SS`: a set of strings.
    case stringSet([String])
    /// `NS`: a set of numbers, as decimal text.
    case numberSet([String])
    /// `BS`: a set of byte strings.
    case binarySet([Data])

    /// An `N` value from an integer.
    public static func integer(_ value: Int64) -> AttributeValue { .number(String(value)) }

    /// The text of an `S` value, else nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value of an `N` value that is an integer fitting `Int64`, else nil.
    public var int64Value: Int64? {
        if case .number(let value) = self { return Int64(value) }
        return nil
    }

    /// The bytes of a `B` value, else nil.
    public var binaryValue: Data? {
        if case .binary(let value) = self { return value }
        return nil
    }

    /// The value of a `BOOL` value, else nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

extension AttributeValue: Codable {
    enum CodingKeys: String, CodingKey {
        case s = "S"
        case n = "N"
        case b = "B"
        case bool = "BOOL"
        case null = "NULL"
        case m = "M"
        case l = "L"
        case ss = "SS"
        case ns = "NS"
        case bs = "BS"
    }

    /// Encodes DynamoDB's one-key JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: .s)
        case .number(let value): try container.encode(value, forKey: .n)
        case .binary(let value): try container.encode(value.base64EncodedString(), forKey: .b)
        case .bool(let value): try container.encode(value, forKey: .bool)
        case .null: try container.encode(true, forKey: .null)
        case .map(let value): try container.encode(value, forKey: .m)
        case .list(let value): try container.encode(value, forKey: .l)
        case .stringSet(let value): try container.encode(value, forKey: .ss)
        case .numberSet(let value): try container.encode(value, forKey: .ns)
        case .binarySet(let value): try container.encode(value.map { $0.base64EncodedString() }, forKey: .bs)
        }
    }

    /// Decodes DynamoDB's one-key JSON object.
    ///
    /// - Throws: `DecodingError` when the object has no known type key or bad base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "an attribute value without a type"))
        }
        func bytes(_ text: String) throws -> Data {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "bad base64")
            }
            return data
        }
        switch key {
        case .s: self = .string(try container.decode(String.self, forKey: key))
        case .n: self = .number(try container.decode(String.self, forKey: key))
        case .b: self = .binary(try bytes(try container.decode(String.self, forKey: key)))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: key))
        case .null: self = .null
        case .m: self = .map(try container.decode([String: AttributeValue].self, forKey: key))
        case .l: self = .list(try container.decode([AttributeValue].self, forKey: key))
        case .ss: self = .stringSet(try container.decode([String].self, forKey: key))
        case .ns: self = .numberSet(try container.decode([String].self, forKey: key))
        case .bs: self = .binarySet(try container.decode([String].self, forKey: key).map(bytes))
        }
    }
}
