import AWSWire
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered to a client, rendered in the shape its API expects.
///
/// - AWS JSON 1.1 (CloudTrail): `{"__type":"TrailNotFoundException","message":"…"}`; botocore reads `__type`.
/// - REST-JSON (CloudTrail Data): the same body plus the `x-amzn-ErrorType` header.
/// - Native REST: Hummingbird's `{"error":{"message":"…"}}`.
/// - S3: `<Error><Code>…</Code><Message>…</Message></Error>`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public enum Style: Sendable, Hashable {
        case awsJSON
        case restJSON
        case native
        case s3
    }

    public var style: Style
    public var status: HTTPResponse.Status
    /// The AWS error type or code; unused for ``Style/native``.
    public var type: String
    /// Safe to show the client.
    public var message: String

    public init(style: Style, status: HTTPResponse.Status = .badRequest, type: String, message: String) {
        self.style = style
        self.status = status
        self.type = type
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        let body: String
        switch style {
        case .awsJSON, .restJSON:
            headers[.contentType] = style == .awsJSON ? "application/x-amz-json-1.1" : "application/json"
            headers[HTTPField.Name("x-amzn-ErrorType")!] = type
            body = "{\"__type\":\(JSONOut.quote(type)),\"message\":\(JSONOut.quote(message))}"
        case .native:
            headers[.contentType] = "application/json"
            body = "{\"error\":{\"message\":\(JSONOut.quote(message))}}"
        case .s3:
            headers[.contentType] = "application/xml"
            body =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(XMLOut.escape(type))</Code><Message>\(XMLOut.escape(message))</Message></Error>"
        }
        headers[HTTPField.Name("x-amzn-RequestId")!] = context.id
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

enum XMLOut {
    static func escape(_ s: String) -> String { XMLTree.escaped(s) }
}
