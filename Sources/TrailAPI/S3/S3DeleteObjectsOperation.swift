import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import ObjectStorage

// MARK: - DeleteObjects

extension S3Operations {
    /// S3's limit of keys per DeleteObjects request.
    static let deleteObjectsLimit = 1000

    /// `POST /bucket?delete` with `<Delete><Quiet>…</Quiet><Object><Key>…</Key></Object>…</Delete>`:
    /// up to 1000 keys, each with an optional `VersionId` (more is `MalformedXML`), each deleted as
    /// DeleteObject does (Object Lock included); the answer lists every key deleted (unless `Quiet`),
    /// with the delete marker made or removed, and every key that failed, with its error.
    /// `Content-MD5` or an `x-amz-checksum-*` of the body is required, as S3 requires it.
    func deleteObjects(_ bucket: String, request: Request, payload: S3Payload, bypassGovernance: Bool) async throws
        -> Response
    {
        let hasChecksum = S3Checksum.allCases.contains { algorithm in
            request.headers[HTTPField.Name(algorithm.headerName)!] != nil || payload.trailers[algorithm.headerName] != nil
        }
        guard request.headers[S3Header.contentMD5] != nil || hasChecksum else {
            throw S3Error(.badRequest, "InvalidRequest", "Missing required header for this request: Content-MD5")
        }
        _ = try Self.checkIntegrity(request, payload: payload)
        let document = try S3RequestDocument.parse(payload.body, root: "Delete")
        let quiet = S3RequestDocument.text(document, "Quiet")?.lowercased() == "true"
        let entries = document.children("Object")
        guard !entries.isEmpty, entries.count <= Self.deleteObjectsLimit else { throw S3Error.malformedXML() }
        // The key's text is kept as sent: keys may begin or end with white space.
        let targets = try entries.map { entry -> (key: String, version: String?) in
            guard let key = entry.child("Key")?.text, !key.isEmpty else { throw S3Error.malformedXML() }
            return (key, S3RequestDocument.text(entry, "VersionId"))
        }
        var xml = S3XML(root: "DeleteResult")
        for target in targets {
            // One DeleteObject per entry, as S3 does them: a version ID removes that version, none
            // removes the object or, in a versioned bucket, adds a delete marker.
            do {
                let deletion = try await objects.deleteObject(
                    bucket: bucket, key: target.key, versionId: target.version, bypassGovernanceRetention: bypassGovernance)
                guard !quiet else { continue }
                xml.open("Deleted")
                xml.element("Key", target.key)
                xml.element("VersionId", ifPresent: target.version)
                if deletion.isDeleteMarker {
                    xml.element("DeleteMarker", "true")
                    if target.version == nil { xml.element("DeleteMarkerVersionId", ifPresent: deletion.versionId) }
                }
                xml.close("Deleted")
            } catch let error as ObjectStoreError {
                if case .noSuchBucket = error { throw S3Error(error) }
                let failure = S3Error(error)
                xml.open("Error")
                xml.element("Key", target.key)
                xml.element("VersionId", ifPresent: target.version)
                xml.element("Code", failure.code)
                xml.element("Message", failure.message)
                xml.close("Error")
            }
        }
        return Self.xmlResponse(xml.finished(closing: "DeleteResult"))
    }
}
