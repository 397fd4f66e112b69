import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailServer
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A SigV4-signed connection to a Trailkeeper server, with the user's AWS credentials.
struct ServerConnection: Sendable {
    let base: String
    let host: String
    let http: HTTPClient
    let credentials: SigV4.Credentials
    let region: String

    init(endpoint: String, http: HTTPClient, configuration: AWSConfiguration, logger: Logger) throws {
        guard let url = URL(string: endpoint), let host = url.host, url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--endpoint must be an http(s) URL, e.g. http://127.0.0.1:4600")
        }
        guard let credentials = configuration.credentials else {
            throw ValidationError(
                "no AWS credentials found: set AWS_SHARED_CREDENTIALS_FILE=DATA_DIR/credentials (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
        }
        self.base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.host = url.port.map { "\(host):\($0)" } ?? host
        self.http = http
        self.credentials = credentials
        self.region = configuration.region
    }

    /// Sends a signed request; returns the status and the body.
    func send(
        method: HTTPMethod, path: String, query: String = "", headers: [(String, String)] = [], body: Data,
        service: String
    ) async throws -> (Int, Data) {
        var signable = SignableRequest(
            method: method.rawValue, path: path, query: query, headers: [("host", host)] + headers, body: body)
        SigV4.sign(&signable, credentials: credentials, region: region, service: service, date: Date())
        var request = HTTPClientRequest(url: base + path + (query.isEmpty ? "" : "?" + query))
        request.method = method
        for (name, value) in signable.headers where name.lowercased() != "host" {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(data: body))
        let response = try await http.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: 512 * 1024 * 1024)
        return (Int(response.status.code), Data(buffer: buffer))
    }

    /// Calls a CloudTrail JSON 1.1 operation and decodes its output.
    /// - Throws: ``AWSError`` with the service's `__type` on an error response.
    func cloudTrail(_ operation: String, _ input: [String: Any]) async throws -> [String: Any] {
        let (status, data) = try await cloudTrailRaw(operation, input)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 else {
            throw AWSError(json: data, status: status)
        }
        return object
    }

    /// Calls a CloudTrail operation; returns the undecoded answer (for timing).
    func cloudTrailRaw(_ operation: String, _ input: [String: Any]) async throws -> (Int, Data) {
        let body = try JSONSerialization.data(withJSONObject: input)
        return try await send(
            method: .POST, path: "/",
            headers: [
                ("x-amz-target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.\(operation)"),
                ("content-type", "application/x-amz-json-1.1"),
            ], body: body, service: "cloudtrail")
    }
}

/// CloudTrail files in an S3 bucket, listed and read through AWSWire's S3 client.
struct S3Source: Sendable {
    let client: S3Client

    init(http: HTTPClient, configuration: AWSConfiguration, logger: Logger) throws {
        guard configuration.credentials != nil else {
            throw ValidationError("no AWS credentials found for S3 (AWS_ACCESS_KEY_ID/AWS_PROFILE/shared credentials file)")
        }
        self.client = try S3Client(httpClient: http, configuration: configuration, logger: logger)
    }

    func files(bucket: String, prefix: String) async throws -> [RecordImporter.File] {
        var files: [RecordImporter.File] = []
        var token: String?
        repeat {
            let page = try await client.listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token, maxKeys: 1000)
            for object in page.objects where ImportSource.isCandidate(object.key) {
                let client = self.client
                let key = object.key
                files.append(RecordImporter.File(name: "s3://\(bucket)/\(key)") {
                    try await client.getObject(bucket: bucket, key: key)
                })
            }
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        return files
    }
}
