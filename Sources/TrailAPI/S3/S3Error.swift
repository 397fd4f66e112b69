import HTTPTypes
import Hummingbird
import NIOCore
import ObjectStorage

/// An S3 error answer: `<Error><Code>…</Code><Message>…</Message><Resource>…</Resource><RequestId>…</RequestId></Error>`
/// with `x-amz-request-id`, or no body at all for `HEAD` (S3 sends none; clients read the status).
struct S3Error: Error, Sendable {
    var status: HTTPResponse.Status
    /// S3's error code (`NoSuchKey`, `SignatureDoesNotMatch`, …).
    var code: String
    /// Safe to show the client.
    var message: String
    /// Extra elements S3 adds for some codes (`BucketName`, `Key`, `ActualObjectSize`…), in order.
    var details: [(String, String)] = []
    /// Headers S3 sends with some errors (`x-amz-delete-marker`, `Allow`…).
    var headers = HTTPFields()

    init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, details: [(String, String)] = [],
        headers: HTTPFields = HTTPFields()
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// The error of an object store failure.
    init(_ error: ObjectStoreError) {
        let status = HTTPResponse.Status(code: error.httpStatus)
        switch error {
        case .noSuchBucket(let bucket):
            self.init(status, error.s3Code, "The specified bucket does not exist", details: [("BucketName", bucket)])
        case .noSuchKey(_, let key):
            self.init(status, error.s3Code, "The specified key does not exist.", details: [("Key", key)])
        case .bucketAlreadyOwnedByYou(let bucket):
            self.init(
                status, error.s3Code, "Your previous request to create the named bucket succeeded and you already own it.",
                details: [("BucketName", bucket)])
        case .bucketNotEmpty(let bucket):
            self.init(status, error.s3Code, "The bucket you tried to delete is not empty", details: [("BucketName", bucket)])
        case .invalidBucketName(let bucket):
            self.init(status, error.s3Code, "The specified bucket is not valid.", details: [("BucketName", bucket)])
        case .invalidKey(let key) where key.utf8.count > 1024:
            self.init(status, error.s3Code, "Your key is too long", details: [("Size", String(key.utf8.count)), ("MaxSizeAllowed", "1024")])
        case .invalidKey:
            self.init(
                status, error.s3Code,
                "This store keeps objects as files: a key cannot have empty, '.' or '..' segments, end with '/', "
                    + "or lie below (or above) another object's key.")
        case .invalidRange:
            self.init(status, error.s3Code, "The requested range is not satisfiable")
        case .accessDenied(let message):
            self.init(status, error.s3Code, message.isEmpty ? "Access Denied" : message)
        case .preconditionFailed:
            self.init(status, error.s3Code, "At least one of the pre-conditions you specified did not hold")
        case .invalidObjectState(let message):
            self.init(status, error.s3Code, message)
        case .storage:
            self.init(status, error.s3Code, "We encountered an internal error. Please try again.")
        case .noSuchUpload(let uploadID):
            self.init(
                status, error.s3Code,
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
                details: [("UploadId", uploadID)])
        case .invalidPart(let partNumber):
            self.init(
                status, error.s3Code,
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
                details: partNumber.map { [("PartNumber", String($0))] } ?? [])
        case .invalidPartOrder:
            self.init(status, error.s3Code, "The list of parts was not in ascending order. Parts must be ordered by part number.")
        case .entityTooSmall(let partNumber, let size):
            var details: [(String, String)] = []
            if let size { details.append(("ProposedSize", String(size))) }
            details.append(("MinSizeAllowed", String(MultipartRules.minimumPartSize)))
            if let partNumber { details.append(("PartNumber", String(partNumber))) }
            self.init(status, error.s3Code, "Your proposed upload is smaller than the minimum allowed size", details: details)
        case .noSuchVersion(_, let key, let versionId):
            self.init(
                status, error.s3Code, "The specified version does not exist.", details: [("Key", key), ("VersionId", versionId)])
        case .invalidVersionId(let versionId):
            self.init(
                status, error.s3Code, "Invalid version id specified",
                details: [("ArgumentName", "versionId"), ("ArgumentValue", versionId)])
        case .deleteMarker(_, _, let versionId):
            self.init(
                status, error.s3Code, "The specified method is not allowed against this resource.",
                details: [("Method", "GET"), ("ResourceType", "DeleteMarker")],
                headers: [S3Header.deleteMarker: "true", S3Header.versionID: versionId, .allow: "DELETE"])
        case .invalidBucketState(let message), .invalidArgument(let message):
            self.init(status, error.s3Code, message)
        case .objectLockNotEnabled(let bucket):
            self.init(status, error.s3Code, "Bucket is missing Object Lock Configuration", details: [("BucketName", bucket)])
        case .noSuchObjectLockConfiguration:
            self.init(status, error.s3Code, "The specified object does not have a ObjectLock configuration")
        }
    }

    static func methodNotAllowed() -> S3Error {
        S3Error(.methodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
    }

    static func malformedXML() -> S3Error {
        S3Error(
            .badRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
    }

    static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil) -> S3Error {
        var details: [(String, String)] = []
        if let name { details.append(("ArgumentName", name)) }
        if let value { details.append(("ArgumentValue", value)) }
        return S3Error(.badRequest, "InvalidArgument", message, details: details)
    }

    /// The answer, for a request of `method` to `resource` (the path without the query).
    func response(method: HTTPRequest.Method, resource: String, requestID: String) -> Response {
        var headers = self.headers
        headers[S3Header.requestID] = requestID
        guard method != .head else {
            return Response(status: status, headers: headers)
        }
        var xml = S3XML(plainRoot: "Error")
        xml.element("Code", code)
        xml.element("Message", message)
        for (name, value) in details { xml.element(name, value) }
        xml.element("Resource", resource)
        xml.element("RequestId", requestID)
        headers[.contentType] = "application/xml"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml.finished(closing: "Error"))))
    }
}

/// Header names of the S3 subset.
enum S3Header {
    static let requestID = HTTPField.Name("x-amz-request-id")!
    static let contentSHA256 = HTTPField.Name("x-amz-content-sha256")!
    static let decodedContentLength = HTTPField.Name("x-amz-decoded-content-length")!
    static let trailer = HTTPField.Name("x-amz-trailer")!
    static let contentMD5 = HTTPField.Name("content-md5")!
    static let copySource = HTTPField.Name("x-amz-copy-source")!
    static let bucketRegion = HTTPField.Name("x-amz-bucket-region")!
    static let storageClass = HTTPField.Name("x-amz-storage-class")!
    static let partsCount = HTTPField.Name("x-amz-mp-parts-count")!
    static let copySourceRange = HTTPField.Name("x-amz-copy-source-range")!
    static let copySourceIfMatch = HTTPField.Name("x-amz-copy-source-if-match")!
    static let copySourceIfNoneMatch = HTTPField.Name("x-amz-copy-source-if-none-match")!
    static let copySourceIfModifiedSince = HTTPField.Name("x-amz-copy-source-if-modified-since")!
    static let copySourceIfUnmodifiedSince = HTTPField.Name("x-amz-copy-source-if-unmodified-since")!
    static let metadataDirective = HTTPField.Name("x-amz-metadata-directive")!
    static let taggingDirective = HTTPField.Name("x-amz-tagging-directive")!
    static let objectAttributes = HTTPField.Name("x-amz-object-attributes")!
    static let maxParts = HTTPField.Name("x-amz-max-parts")!
    static let partNumberMarker = HTTPField.Name("x-amz-part-number-marker")!
    static let expires = HTTPField.Name("expires")!
    static let tagging = HTTPField.Name("x-amz-tagging")!
    static let taggingCount = HTTPField.Name("x-amz-tagging-count")!
    static let objectOwnership = HTTPField.Name("x-amz-object-ownership")!
    static let versionID = HTTPField.Name("x-amz-version-id")!
    static let copySourceVersionID = HTTPField.Name("x-amz-copy-source-version-id")!
    static let deleteMarker = HTTPField.Name("x-amz-delete-marker")!
    static let bypassGovernance = HTTPField.Name("x-amz-bypass-governance-retention")!
    static let objectLockEnabled = HTTPField.Name("x-amz-bucket-object-lock-enabled")!
    static let objectLockMode = HTTPField.Name("x-amz-object-lock-mode")!
    static let objectLockRetainUntil = HTTPField.Name("x-amz-object-lock-retain-until-date")!
    static let objectLockLegalHold = HTTPField.Name("x-amz-object-lock-legal-hold")!
}
