import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import ObjectStorage
import Logging
import TrailAPI
import TrailDelivery
import TrailModel
import TrailStore
import TrailStoreSQLite

/// Accepts `Authorization: test <region>`; refuses everything else as unsigned.
struct TestAuthenticator: RequestAuthenticator {
    func authenticate(_ request: AuthenticationRequest) throws(AuthenticationFailure) -> AuthenticatedCaller {
        guard let value = request.headers.first(where: { $0.name == "authorization" })?.value,
            value.hasPrefix("test ")
        else {
            throw AuthenticationFailure(
                jsonType: "MissingAuthenticationTokenException", s3Code: "AccessDenied", status: 403,
                message: "Missing Authentication Token")
        }
        return AuthenticatedCaller(accessKeyID: "AKIATEST", region: String(value.dropFirst(5)), service: "cloudtrail")
    }
}

struct TestAPI {
    static let account = "111122223333"
    static let channel = Channel(arn: "arn:aws:cloudtrail:us-east-1:111122223333:channel/0f0e0d0c-aaaa-bbbb-cccc-000000000001", name: "trailkeeper-default")
    static let identity = ServiceIdentity(accountID: account, region: "us-east-1", defaultChannel: channel)
    let store = MemoryEventStore()
    let objects = MemoryObjectStore()
    /// A fresh data directory for the trail catalog, delivery state and signing keys.
    let directory: String
    let deliverer: TrailDeliverer
    var now: Int64 = 1_700_000_000
    var organizationID: String?

    init(now: Int64 = 1_700_000_000, organizationID: String? = nil) {
        self.now = now
        self.organizationID = organizationID
        directory = NSTemporaryDirectory() + "trailkeeper-api-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        deliverer = TrailDeliverer(
            journal: store, state: try! SQLiteDeliveryStateStore(path: directory + "/delivery.sqlite"),
            catalog: try! TrailCatalog(directory: directory + "/trails"), objects: objects,
            keys: try! SigningKeyRing(directory: directory + "/signing-keys"), identity: Self.identity,
            configuration: .init(), logger: Logger(label: "test"), now: { now })
    }

    func context() -> TrailAPIContext {
        let now = self.now
        return TrailAPIContext(
            store: store, objects: objects, deliverer: deliverer, identity: Self.identity,
            authenticator: TestAuthenticator(), configuration: .init(organizationID: organizationID), now: { now })
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(context()))
        try await app.test(.router) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// Calls a CloudTrail JSON 1.1 operation; returns status and the decoded body.
    func cloudTrail(
        _ operation: String, _ input: [String: Any], region: String = "us-east-1", signed: Bool = true
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [
            HTTPField.Name("x-amz-target")!: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.\(operation)",
            .contentType: "application/x-amz-json-1.1",
        ]
        if signed { headers[.authorization] = "test \(region)" }
        let body = try JSONSerialization.data(withJSONObject: input)
        let (status, data) = try await execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(data: body)) { response in
            (response.status, Data(buffer: response.body))
        }
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Calls any AWS JSON 1.1 target on `POST /`.
    func awsJSON(target: String, _ input: [String: Any], region: String = "us-east-1") async throws -> (HTTPResponse.Status, [String: Any]) {
        let headers: HTTPFields = [
            HTTPField.Name("x-amz-target")!: target, .contentType: "application/x-amz-json-1.1", .authorization: "test \(region)",
        ]
        let body = try JSONSerialization.data(withJSONObject: input)
        let (status, data) = try await execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(data: body)) { response in
            (response.status, Data(buffer: response.body))
        }
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    func post(_ uri: String, _ body: String, region: String = "us-east-1") async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, data) = try await execute(
            uri: uri, method: .post, headers: [.authorization: "test \(region)"], body: ByteBuffer(string: body)
        ) { response in
            (response.status, Data(buffer: response.body))
        }
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}
