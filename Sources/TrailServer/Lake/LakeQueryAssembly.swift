import Crypto
import Foundation
import Logging
import ObjectStorage
import TrailDelivery
import TrailLake
import TrailModel
import TrailStore

/// Builds the CloudTrail Lake query service of `serve`: results under `DATA_DIR/lake/results/`, page tokens under a
/// key kept in `DATA_DIR/lake/query-token.key`, results delivered to S3 through the trail object store and signed
/// with the trail signing key ring (so `ListPublicKeys` verifies `result_sign.json`).
public enum LakeQueryAssembly {
    /// The query service; add it to the service group before the HTTP app and set ``TrailAPI/TrailAPIContext/queries``.
    ///
    /// - Parameters:
    ///   - stores: the event data store catalog.
    ///   - executor: runs lowered queries over the store files.
    ///   - objects: where `DeliveryS3Uri` buckets live (embedded, or the `s3-endpoint`).
    public static func build(
        settings: QuerySettings, dataDirectory: String, stores: any EventDataStoreDirectory, executor: any LakeQueryExecutor,
        objects: any ObjectStore, keys: SigningKeyRing, identity: ServiceIdentity, logger: Logger
    ) throws -> QueryService {
        let lake = dataDirectory + "/lake"
        let spool: ResultSpool
        do {
            spool = try ResultSpool(directory: lake + "/results")
        } catch {
            throw ConfigurationError("cannot create \(lake)/results")
        }
        let region = identity.region
        let delivery = ResultDelivery(objects: objects, accountID: identity.accountID, region: region) { text in
            let key = try await keys.currentKey(region: region, at: Int64(Date().timeIntervalSince1970))
            return ResultSignature(signature: try key.sign(text), fingerprint: key.fingerprint)
        }
        return QueryService(
            configuration: settings.configuration, directory: stores, executor: executor, spool: spool,
            tokens: ResultPageToken(key: try tokenKey(path: lake + "/query-token.key")), delivery: delivery, logger: logger)
    }

    /// The page-token key, generated (32 random bytes, mode 0600) on first use.
    static func tokenKey(path: String) throws -> SymmetricKey {
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            return SymmetricKey(data: data)
        }
        let key = ResultPageToken.makeKey()
        let data = key.withUnsafeBytes { Data($0) }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) == 0
        else {
            throw ConfigurationError("cannot write \(path)")
        }
        return key
    }
}
