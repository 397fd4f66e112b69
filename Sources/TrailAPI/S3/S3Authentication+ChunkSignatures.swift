import AWSWire
import Foundation
import HTTPTypes

extension S3Authentication {
    /// Checks every chunk of a body sent in signed chunks against the chain seeded with the request's
    /// signature, then the trailer signature (`…-PAYLOAD-TRAILER`); nothing of a body that fails is
    /// stored, since the operation never runs.
    ///
    /// - Throws: ``S3Error`` `SignatureDoesNotMatch` (403) for a missing or wrong signature (or when the
    ///   authenticator gave no chain to check against), `MalformedTrailerError` (400) for trailer fields
    ///   that a body without a signed trailer carries.
    static func verifySignedChunks(_ body: AWSChunkedBody, chain: SigV4ChunkSignatures?) throws(S3Error) {
        guard var chain else {
            throw signatureMismatch("The chunk signatures of this request cannot be verified with its credentials.")
        }
        for chunk in body.chunks {
            guard let signature = chunk.signature,
                chain.verify(chunk: body.payload[chunk.range.lowerBound..<chunk.range.upperBound], signature: signature)
            else { throw signatureMismatch() }
        }
        let fields = body.trailerFields.filter { $0.name != "x-amz-trailer-signature" }
        guard chain.hasTrailer else {
            guard body.trailerFields.isEmpty else {
                throw S3Error(
                    .badRequest, "MalformedTrailerError",
                    "The request contained trailing data that was not well-formed: trailers need "
                        + SigV4.streamingSignedPayloadTrailer + ".")
            }
            return
        }
        guard let signature = body.trailers["x-amz-trailer-signature"], chain.verify(trailer: fields, signature: signature)
        else { throw signatureMismatch() }
    }

    static func signatureMismatch(
        _ message: String = "The request signature we calculated does not match the signature you provided. "
            + "Check your key and signing method."
    ) -> S3Error {
        S3Error(.forbidden, "SignatureDoesNotMatch", message)
    }
}
