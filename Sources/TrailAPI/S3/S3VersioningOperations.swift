import AWSWire
import Foundation
import Hummingbird
import ObjectStorage

// MARK: - Bucket versioning and ListObjectVersions

extension S3Operations {
    /// `GET /bucket?versioning`: `<Status>` once versioning was enabled, an empty document before.
    func bucketVersioning(_ bucket: String) async throws -> Response {
        let versioning = try await objects.versioning(ofBucket: bucket)
        var xml = S3XML(root: "VersioningConfiguration")
        xml.element("Status", ifPresent: versioning.status)
        return Self.xmlResponse(xml.finished(closing: "VersioningConfiguration"))
    }

    /// `PUT /bucket?versioning` with `<VersioningConfiguration><Status>Enabled|Suspended</Status>`.
    func putBucketVersioning(_ bucket: String, body: Data) async throws -> Response {
        let root = try Self.xmlBody(body, root: "VersioningConfiguration")
        if root.value("MfaDelete") == "Enabled" {
            throw S3Error(.badRequest, "InvalidRequest", "MFA Delete is not available in Trailkeeper's S3 subset.")
        }
        guard let status = root.value("Status"), let versioning = BucketVersioning(status: status) else {
            throw Self.malformedXML()
        }
        try await objects.setVersioning(versioning, ofBucket: bucket)
        return Response(status: .ok)
    }

    /// `GET /bucket?versions` (ListObjectVersions): versions and delete markers by key, newest
    /// first, with `prefix`, `delimiter`, `key-marker`, `version-id-marker`, `max-keys` and
    /// `encoding-type=url` (keys, prefixes, markers and the delimiter encoded, as botocore decodes them).
    func listObjectVersions(_ bucket: String, query: S3Query) async throws -> Response {
        let encode = try Self.urlEncoding(query)
        let maxKeys = try Self.maxKeys(query)
        let prefix = query["prefix"] ?? ""
        let delimiter = query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let keyMarker = query["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        let versionIdMarker = query["version-id-marker"].flatMap { $0.isEmpty ? nil : $0 }
        if let versionIdMarker, keyMarker == nil {
            throw S3Error.invalidArgument(
                "A version-id marker cannot be specified without a key marker.", name: "version-id-marker", value: versionIdMarker)
        }
        let page = try await objects.listObjectVersions(
            ObjectVersionListRequest(
                bucket: bucket, prefix: prefix, delimiter: delimiter, keyMarker: keyMarker, versionIdMarker: versionIdMarker,
                maxKeys: maxKeys))

        func text(_ value: String) -> String { encode ? S3Text.urlEncode(value) : value }
        var xml = S3XML(root: "ListVersionsResult")
        xml.element("Name", bucket)
        xml.element("Prefix", text(prefix))
        xml.element("KeyMarker", text(keyMarker ?? ""))
        xml.element("VersionIdMarker", versionIdMarker ?? "")
        if let next = page.nextKeyMarker { xml.element("NextKeyMarker", text(next)) }
        if let next = page.nextVersionIdMarker { xml.element("NextVersionIdMarker", next) }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", text(delimiter)) }
        if encode { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", page.isTruncated ? "true" : "false")
        for version in page.versions {
            let element = version.isDeleteMarker ? "DeleteMarker" : "Version"
            xml.open(element)
            xml.element("Key", text(version.info.key))
            xml.element("VersionId", version.versionId)
            xml.element("IsLatest", version.isLatest ? "true" : "false")
            xml.element("LastModified", S3Text.iso8601(version.info.lastModified))
            if !version.isDeleteMarker {
                xml.element("ETag", "\"\(version.info.etag)\"")
                xml.element("Size", String(version.info.size))
                xml.element("StorageClass", version.info.storageClass)
            }
            writeOwner(&xml)
            xml.close(element)
        }
        for common in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", text(common))
            xml.close("CommonPrefixes")
        }
        return Self.xmlResponse(xml.finished(closing: "ListVersionsResult"))
    }

    // MARK: request documents

    /// A request body's XML document, whose root must be `root`; `MalformedXML` otherwise.
    static func xmlBody(_ body: Data, root: String) throws -> XMLTree {
        guard let tree = try? XMLTree.parse(body), tree.name == root else { throw malformedXML() }
        return tree
    }

    static func malformedXML() -> S3Error {
        S3Error(
            .badRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
    }
}
