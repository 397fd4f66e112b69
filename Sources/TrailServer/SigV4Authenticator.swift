import AWSWire
import Foundation
import TrailAPI

/// Adapts AWSWire's SigV4 verifier to the API's ``RequestAuthenticator``.
struct SigV4Authenticator: RequestAuthenticator {
    let verifier: SigV4Verifier

    init(keys: [String: String]) {
        self.verifier = SigV4Verifier(credentials: { id in
            keys[id].map { SigV4.Credentials(accessKeyID: id, secretAccessKey: $0) }
        })
    }

    func authenticate(_ request: AuthenticationRequest) throws(AuthenticationFailure) -> AuthenticatedCaller {
        do {
            let identity = try verifier.verify(
                method: request.method, path: request.rawPath, query: request.rawQuery,
                headers: request.headers.map { ($0.name, $0.value) }, bodySHA256Hex: request.bodySHA256)
            return AuthenticatedCaller(
                accessKeyID: identity.accessKeyID, region: identity.region, service: identity.service,
                chunkSignatures: identity.chunkSignatures)
        } catch {
            throw AuthenticationFailure(
                jsonType: error.jsonErrorType, s3Code: error.s3ErrorCode, status: error.httpStatus, message: error.message)
        }
    }
}
