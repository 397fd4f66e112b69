import AWSWire
import AsyncHTTPClient
import Logging
import ObjectStorage

/// Builds the storage a ``BackupLocation`` names.
public enum BackupStorages {
    /// A folder, or a bucket through an S3 client made from the AWS configuration (credentials,
    /// region, `AWS_ENDPOINT_URL[_S3]`).
    ///
    /// - Throws: ``AWSError`` `MissingCredentials` for a bucket when no credentials are configured.
    public static func make(
        _ location: BackupLocation, httpClient: HTTPClient, aws: AWSConfiguration, logger: Logger
    ) throws -> any BackupStorage {
        switch location {
        case .folder(let path):
            return FolderBackupStorage(root: path)
        case .s3(let bucket, let prefix):
            let client = try S3Client(httpClient: httpClient, configuration: aws, logger: logger)
            return ObjectStoreBackupStorage(store: S3ObjectStore(client: client), bucket: bucket, prefix: prefix, client: client)
        }
    }

    /// An HTTP client configuration whose pool opens up to `concurrency` connections per host
    /// (AsyncHTTPClient's default is 8, which would queue a wider backup's requests).
    public static func httpClientConfiguration(concurrency: Int) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Swift.max(8, concurrency + 2)
        return configuration
    }
}
