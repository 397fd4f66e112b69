import Crypto
import Foundation

/// Signs the delivered result files' hash list: returns the hex signature (SHA256withRSA) and the signing key's
/// fingerprint. TrailServer injects one built on the trail signing key ring, so `ListPublicKeys` verifies it.
public typealias ResultSigner = @Sendable (_ text: String) async throws -> ResultSignature

/// A signature of a sign file.
public struct ResultSignature: Sendable, Hashable {
    /// Lower-case hex of the RSA PKCS#1 v1.5 SHA-256 signature.
    public var signature: String
    /// The signing key's fingerprint (lower-case hex MD5 of its DER public key).
    public var fingerprint: String

    public init(signature: String, fingerprint: String) {
        self.signature = signature
        self.fingerprint = fingerprint
    }
}

/// `result_sign.json` of a delivered query (AWS "CloudTrail sign file structure"): each result file's SHA-256
/// (of its compressed bytes), and a signature of those hashes joined by a space, in file order.
public struct SignFile: Sendable, Hashable {
    /// One delivered file.
    public struct Entry: Sendable, Hashable {
        /// Lower-case hex SHA-256 of the file's bytes as stored.
        public var fileHashValue: String
        /// The object name below the query's folder (`result_1.csv.gz`).
        public var fileName: String

        public init(fileHashValue: String, fileName: String) {
            self.fileHashValue = fileHashValue
            self.fileName = fileName
        }
    }

    public var region: String
    public var files: [Entry]
    /// Seconds since 1970 when the query finished.
    public var queryCompleteTime: Int64
    public var hashSignature: String
    public var publicKeyFingerprint: String

    /// The hex SHA-256 of `data`.
    public static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The text that is signed: the files' hashes joined by a space.
    public static func signingString(_ files: [Entry]) -> String {
        files.map(\.fileHashValue).joined(separator: " ")
    }

    /// Hashes `files` (name, bytes) and signs them.
    public static func make(
        region: String, files: [(name: String, data: Data)], queryCompleteTime: Int64, signer: ResultSigner
    ) async throws -> SignFile {
        let entries = files.map { Entry(fileHashValue: hash($0.data), fileName: $0.name) }
        let signature = try await signer(signingString(entries))
        return SignFile(
            region: region, files: entries, queryCompleteTime: queryCompleteTime, hashSignature: signature.signature,
            publicKeyFingerprint: signature.fingerprint)
    }

    /// The JSON document, members in AWS's order.
    public func json() -> Data {
        func quoted(_ s: String) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8), as: UTF8.self)
        }
        let list = files.map { "{\"fileHashValue\":\(quoted($0.fileHashValue)),\"fileName\":\(quoted($0.fileName))}" }
        let time = Date(timeIntervalSince1970: TimeInterval(queryCompleteTime))
        let text =
            "{\"version\":\"1.0\",\"region\":\(quoted(region)),\"files\":[\(list.joined(separator: ","))],"
            + "\"hashAlgorithm\":\"SHA-256\",\"signatureAlgorithm\":\"SHA256withRSA\","
            + "\"queryCompleteTime\":\(quoted(Self.isoTime(time))),\"hashSignature\":\(quoted(hashSignature)),"
            + "\"publicKeyFingerprint\":\(quoted(publicKeyFingerprint))}"
        return Data(text.utf8)
    }

    static func isoTime(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
