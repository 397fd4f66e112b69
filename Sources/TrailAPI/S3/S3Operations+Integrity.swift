import Crypto
import Foundation
import HTTPTypes
import Hummingbird

extension S3Operations {
    /// Checks a request body against its `Content-MD5` and any `x-amz-checksum-*` (header or aws-chunked
    /// trailer), as S3 does for every body it takes (objects and configuration documents alike).
    ///
    /// - Returns: the checksum headers to echo in the answer.
    /// - Throws: ``S3Error`` `InvalidDigest`, `BadDigest` or `MalformedTrailerError` (400).
    static func checkIntegrity(_ request: Request, payload: S3Payload) throws -> HTTPFields {
        if let md5 = request.headers[S3Header.contentMD5] {
            guard let expected = Data(base64Encoded: md5), expected.count == Insecure.MD5.byteCount else {
                throw S3Error(.badRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
            }
            guard Data(Insecure.MD5.hash(data: payload.body)) == expected else {
                throw S3Error(.badRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
            }
        }
        var echoed = HTTPFields()
        for algorithm in S3Checksum.allCases {
            let sent = request.headers[HTTPField.Name(algorithm.headerName)!] ?? payload.trailers[algorithm.headerName]
            guard let sent else { continue }
            guard algorithm.digest(payload.body) == sent else {
                throw S3Error(
                    .badRequest, "BadDigest",
                    "The \(algorithm.displayName) you specified did not match the calculated checksum.")
            }
            echoed[HTTPField.Name(algorithm.headerName)!] = sent
        }
        if let announced = request.headers[S3Header.trailer]?.lowercased(), announced.hasPrefix("x-amz-checksum-"),
            payload.trailers[announced] == nil
        {
            throw S3Error(.badRequest, "MalformedTrailerError", "The request contained trailing data that was not well-formed.")
        }
        return echoed
    }
}
