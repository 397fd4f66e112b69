import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat

/// The CloudTrail control plane over AWS JSON 1.1: one table from `X-Amz-Target` operation
/// names to handlers, and one route (`POST /`) that decodes, dispatches and encodes.
struct CloudTrailOperations: Sendable {
    static let targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
    /// AWS Organizations' target prefix: `DescribeOrganization` is served so that validate-logs
    /// can find an organization trail's layout.
    static let organizationsPrefix = "AWSOrganizationsV20161128."

    /// What a handler sees besides its input.
    struct Invocation: Sendable {
        var caller: AuthenticatedCaller
        var logger: Logger
    }

    typealias Handler = @Sendable (JSONInput, Invocation) async throws -> JSONOut

    private var handlers: [String: Handler] = [:]

    mutating func register(_ operation: String, _ handler: @escaping Handler) {
        handlers[operation] = handler
    }

    func respond(to request: Request, context: TrailRequestContext) async throws -> Response {
        guard let target = request.headers[HTTPField.Name("x-amz-target")!] else {
            throw APIError(style: .awsJSON, type: "UnknownOperationException", message: "Missing X-Amz-Target header")
        }
        let name: String
        if target.hasPrefix(Self.targetPrefix) {
            name = String(target.dropFirst(Self.targetPrefix.count))
        } else if target.hasPrefix(Self.organizationsPrefix) {
            name = "organizations:" + target.dropFirst(Self.organizationsPrefix.count)
        } else {
            name = ""
        }
        guard let handler = handlers[name] else {
            throw APIError(
                style: .awsJSON, type: "UnknownOperationException", message: "Unknown operation \(target)")
        }
        guard let caller = context.caller else {
            throw APIError(
                style: .awsJSON, status: .forbidden, type: "MissingAuthenticationTokenException",
                message: "Missing Authentication Token")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let input = try JSONInput(Data(buffer: buffer), style: .awsJSON)
        let output = try await handler(input, Invocation(caller: caller, logger: context.logger))
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-amz-json-1.1"],
            body: .init(byteBuffer: ByteBuffer(bytes: output.bytes)))
    }
}
