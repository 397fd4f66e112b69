import Foundation
import Logging
import ObjectStorage
import TrailModel

/// Delivers a FINISHED query's results to `DeliveryS3Uri` (plan §3.3, AWS's layout):
/// `<prefix>/AWSLogs/<account>/CloudTrail-Lake/Query/<yyyy>/<mm>/<dd>/<query-id>/result_<n>.csv.gz` (CSV with a header
/// row, NULL as an empty field, a new file every ``maxFileBytes`` of text) and `result_sign.json` next to them.
public struct ResultDelivery: Sendable {
    /// Where the bucket lives: the trail object store (embedded, or the `s3-endpoint`).
    public let objects: any ObjectStore
    public let accountID: String
    public let region: String
    public let signer: ResultSigner
    /// CSV text per file before a new one starts (AWS: 1 GiB).
    public var maxFileBytes: Int

    public init(objects: any ObjectStore, accountID: String, region: String, maxFileBytes: Int = 1 << 30, signer: @escaping ResultSigner) {
        self.objects = objects
        self.accountID = accountID
        self.region = region
        self.signer = signer
        self.maxFileBytes = maxFileBytes
    }

    /// A parsed `s3://bucket[/prefix]`.
    public struct Location: Sendable, Hashable {
        public var bucket: String
        /// Without leading or trailing slashes; empty for none.
        public var prefix: String

        public init(bucket: String, prefix: String) {
            self.bucket = bucket
            self.prefix = prefix
        }
    }

    /// Parses a DeliveryS3Uri (botocore pattern `s3://[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9](/.*)?`).
    /// - Throws: InvalidS3BucketNameException, InvalidS3PrefixException.
    public static func location(_ uri: String) throws(LakeError) -> Location {
        guard uri.hasPrefix("s3://"), uri.utf8.count <= 1024 else {
            throw LakeError(.invalidS3BucketName, "DeliveryS3Uri \(uri) is not an s3:// URI.")
        }
        let rest = uri.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        let bucketOK =
            (3...63).contains(bucket.count)
            && bucket.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
            && bucket.first.map { $0.isLowercase || $0.isNumber } == true
            && bucket.last.map { $0.isLowercase || $0.isNumber } == true
        guard bucketOK else { throw LakeError(.invalidS3BucketName, "Bucket name \(bucket) is not valid.") }
        var prefix = String(rest.dropFirst(bucket.count))
        while prefix.hasPrefix("/") { prefix.removeFirst() }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if prefix.contains("//") || prefix.utf8.count > 900 || prefix.contains(where: { $0.isNewline }) {
            throw LakeError(.invalidS3Prefix, "S3 prefix \(prefix) is not valid.")
        }
        return Location(bucket: bucket, prefix: prefix)
    }

    /// Checks a DeliveryS3Uri at StartQuery: well formed, and its bucket exists.
    public func validate(_ uri: String) async throws(LakeError) {
        let location = try Self.location(uri)
        let exists: Bool
        do {
            exists = try await objects.bucket(location.bucket) != nil
        } catch {
            exists = false
        }
        guard exists else { throw LakeError(.s3BucketDoesNotExist, "S3 bucket \(location.bucket) does not exist.") }
    }

    /// The folder of a query's files.
    public func folder(_ location: Location, queryID: String, completedAt seconds: Int64) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let date = String(format: "%04d/%02d/%02d", c.year!, c.month!, c.day!)
        let base = "AWSLogs/\(accountID)/CloudTrail-Lake/Query/\(date)/\(queryID)"
        return location.prefix.isEmpty ? base : location.prefix + "/" + base
    }

    /// Writes the result files and the sign file; returns the DeliveryStatus to report.
    ///
    /// - Parameters:
    ///   - rows: reads `limit` rows from `offset` of the spooled result.
    public func deliver(
        uri: String, queryID: String, columns: [String], totalRows: Int, completedAt seconds: Int64, logger: Logger,
        rows: (_ offset: Int, _ limit: Int) throws -> [[String?]]
    ) async -> DeliveryStatus {
        let location: Location
        do {
            location = try Self.location(uri)
        } catch {
            return .failed
        }
        let folder = folder(location, queryID: queryID, completedAt: seconds)
        var files: [(name: String, data: Data)] = []
        do {
            var text = Self.csvLine(columns.map { Optional($0) })
            var offset = 0
            while offset < totalRows {
                let page = try rows(offset, 1000)
                guard !page.isEmpty else { break }
                for row in page {
                    let line = Self.csvLine(row)
                    if text.utf8.count + line.utf8.count > maxFileBytes, text.utf8.count > 0 {
                        files.append(("result_\(files.count + 1).csv.gz", try Self.compress(text)))
                        text = ""
                    }
                    text += line
                }
                offset += page.count
            }
            files.append(("result_\(files.count + 1).csv.gz", try Self.compress(text)))
        } catch {
            logger.warning("query results unreadable for delivery", metadata: ["trail.query": "\(queryID)", "trail.error": "\(String(reflecting: error))"])
            return .failed
        }
        for file in files {
            if let status = await put(location.bucket, folder + "/" + file.name, file.data, type: "application/x-gzip", logger: logger) {
                return status
            }
        }
        let sign: SignFile
        do {
            sign = try await SignFile.make(region: region, files: files, queryCompleteTime: seconds, signer: signer)
        } catch {
            logger.warning("query result signing failed", metadata: ["trail.query": "\(queryID)", "trail.error": "\(String(reflecting: error))"])
            return .failedSigningFile
        }
        if let status = await put(location.bucket, folder + "/result_sign.json", sign.json(), type: "application/json", logger: logger) {
            return status == .failed ? .failedSigningFile : status
        }
        return .success
    }

    /// Stores one object; nil on success, else the status that says why not.
    private func put(_ bucket: String, _ key: String, _ data: Data, type: String, logger: Logger) async -> DeliveryStatus? {
        do {
            try await objects.putObject(bucket: bucket, key: key, body: data, contentType: type, metadata: [:])
            return nil
        } catch let error as ObjectStoreError {
            logger.warning("query result delivery failed", metadata: ["trail.key": "\(key)", "trail.error": "\(String(reflecting: error))"])
            switch error {
            case .noSuchBucket: return .resourceNotFound
            case .accessDenied: return .accessDenied
            default: return .failed
            }
        } catch {
            logger.warning("query result delivery failed", metadata: ["trail.key": "\(key)", "trail.error": "\(String(reflecting: error))"])
            return .failed
        }
    }

    static func compress(_ text: String) throws -> Data {
        guard let data = Gzip.compress(Data(text.utf8)) else { throw ResultSpoolError.io("gzip failed") }
        return data
    }

    /// One CSV record (RFC 4180, CRLF): NULL is an empty field, an empty string is `""`.
    public static func csvLine(_ cells: [String?]) -> String {
        cells.map { cell -> String in
            guard let cell else { return "" }
            if cell.isEmpty { return "\"\"" }
            if cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",") + "\r\n"
    }
}
