import TrailModel

/// Checks one `logFiles[]` entry of a valid digest as the CLI's `_download_log` does: fetch,
/// inflate the first gzip member (a cut-short stream hashes what was decoded), SHA-256, and
/// compare with `hashValue` as strings.
///
/// How the CLI's exception handling shows through: `NoSuchKey` is "not found"; another S3 error
/// stops the run; any other failure (bad parameters, not gzip, no `hashValue`) is "invalid
/// format"; an entry without `s3Bucket` or `s3Object` stops the run with a `KeyError` while the
/// CLI reports it.
struct LogFileCheck: Sendable {
    /// How the check ended.
    enum Outcome: Sendable {
        case valid
        case hashMismatch
        case notFound
        case invalidFormat
        case abort(ValidateLogsError)
    }

    /// The entry.
    var entry: JSONObject

    /// `s3Bucket` as the CLI prints it.
    var bucketText: String { entry["s3Bucket"]?.pythonString ?? "" }
    /// `s3Object` as the CLI prints it.
    var keyText: String { entry["s3Object"]?.pythonString ?? "" }

    /// Runs the check against `objects`.
    func run(objects: any ObjectSource) async -> Outcome {
        guard let bucketValue = entry["s3Bucket"] else { return .abort(ValidateLogsError(message: "'s3Bucket'")) }
        // Reporting "invalid format" reads s3Object, which fails when it is absent.
        let invalidFormat: Outcome =
            entry.contains("s3Object") ? .invalidFormat : .abort(ValidateLogsError(message: "'s3Object'"))
        guard case .string(let bucket) = bucketValue, BotocoreParameters.bucketNameError(bucket) == nil else {
            return invalidFormat
        }
        guard let keyValue = entry["s3Object"] else { return invalidFormat }
        guard case .string(let key) = keyValue, !key.isEmpty else { return .invalidFormat }
        let object: SourceObject
        do throws(SourceFailure) {
            object = try await objects.object(bucket: bucket, key: key)
        } catch {
            if error.isNoSuchKey { return .notFound }
            return error.isServiceError ? .abort(error.abort) : .invalidFormat
        }
        let inflated = GzipFirstMember.inflate(object.body)
        if case .corrupt = inflated.outcome { return .invalidFormat }
        guard let expected = entry["hashValue"] else { return .invalidFormat }
        return expected.equals(Hex.sha256(inflated.bytes)) ? .valid : .hashMismatch
    }
}

/// The client-side parameter checks of botocore that the CLI's S3 calls go through.
enum BotocoreParameters {
    /// botocore's `ParamValidationError` text for a bucket name it refuses, or nil when it accepts it
    /// (`^[a-zA-Z0-9.\-_]{1,255}$`; access point ARNs, which botocore also accepts, are refused here).
    static func bucketNameError(_ bucket: String) -> String? {
        let allowed = bucket.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D
                || c == 0x5F
        }
        if allowed && (1...255).contains(bucket.utf8.count) { return nil }
        return "Parameter validation failed:\nInvalid bucket name \"\(bucket)\": Bucket name must match the regex "
            + "\"^[a-zA-Z0-9.\\-_]{1,255}$\" or be an ARN matching the regex "
            + "\"^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\\-.]{1,63}$"
            + "|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]accesspoint[/:]"
            + "[a-zA-Z0-9\\-]{1,63}$\""
    }
}
