import Foundation
import TrailModel

extension DigestChainWalker {
    /// A failure of the key search or of a date, with the message of the CLI's exception.
    struct WalkFailure: Error {
        var message: String
    }

    /// Why loading public keys failed.
    enum KeyLoadFailure: Error {
        case source(SourceFailure)
        /// `KeyError` for an entry without a fingerprint, or `No public keys found between …`.
        case message(String)
    }

    /// The keys the CLI expects in every digest before anything else is checked.
    static let requiredKeys = [
        "digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object", "previousDigestSignature", "digestEndTime",
        "digestStartTime",
    ]

    // MARK: listing (DigestProvider.load_all_digest_keys_in_range)

    /// Lists the digest keys of `bucket` once for `key`: keys after the marker, of this trail, with
    /// a time stamp from the start up to an hour after `end`, stopping at the first later one.
    mutating func loadListing(_ key: ListingKey, bucket: String, end: CLITime) async throws(SourceFailure) {
        guard listings[key] == nil else { return }
        if let error = BotocoreParameters.bucketNameError(bucket) {
            throw SourceFailure(kind: .other(error), operation: "GetBucketLocation")
        }
        var listing = Listing()
        let targetStart = start.normalized().keyStamp
        let targetEnd = end.normalized().adding(seconds: 3600).keyStamp
        let layout = layout, prefix = prefix
        try await objects.visitKeys(
            bucket: bucket,
            prefix: layout.listPrefix(prefix),
            startAfter: layout.marker(start: start, prefix: prefix)
        ) { digestKey in
            guard !digestKey.isEmpty, layout.matches(digestKey, prefix: prefix) else { return true }
            let stamp = DigestKeyLayout.stamp(of: digestKey)
            if DigestKeyLayout.isAfter(stamp, targetEnd) { return false }
            if DigestKeyLayout.isAfter(targetStart, stamp) { return true }
            if DigestKeyLayout.isBackfill(digestKey) {
                listing.backfill.append(digestKey)
            } else {
                listing.standard.append(digestKey)
            }
            return true
        }
        listings[key] = listing
    }

    /// Pops keys from the chain's listing: the newest one, or the newest one older (by key time
    /// stamp) than `before`. Keys popped on the way are gone for later searches, as in the CLI.
    mutating func popDigest(_ chain: Chain, before: String?) throws(WalkFailure) -> (String?, CLITime?) {
        func count() -> Int {
            chain.isBackfill
                ? listings[chain.listing]?.backfill.count ?? 0 : listings[chain.listing]?.standard.count ?? 0
        }
        func pop() -> String {
            chain.isBackfill
                ? listings[chain.listing]!.backfill.removeLast() : listings[chain.listing]!.standard.removeLast()
        }
        guard count() > 0 else { return (nil, nil) }
        guard let before else {
            let key = pop()
            return (key, try Self.stampTime(of: key).normalized())
        }
        let beforeDate = try Self.stampTime(of: before)
        while count() > 0 {
            let key = pop()
            let date = try Self.stampTime(of: key).normalized()
            do throws(CLITime.IncomparableTimes) {
                if try date.isBefore(beforeDate) { return (key, date) }
            } catch {
                throw WalkFailure(message: error.message)
            }
        }
        return (nil, nil)
    }

    static func stampTime(of key: String) throws(WalkFailure) -> CLITime {
        let stamp = DigestKeyLayout.stamp(of: key)
        guard let time = CLITime.parse(stamp) else {
            throw WalkFailure(message: "Unable to parse date value: \(stamp)")
        }
        return time
    }

    // MARK: public keys (DigestTraverser._load_public_keys)

    func loadPublicKeys(from: CLITime, to: CLITime) async throws(KeyLoadFailure) -> [[UInt8]: PublicKeyEntry] {
        let entries: [PublicKeyEntry]
        do throws(SourceFailure) {
            entries = try await keySource.publicKeys(from: from, to: to, sourceRegion: layout.sourceRegion)
        } catch {
            throw .source(error)
        }
        var keys: [[UInt8]: PublicKeyEntry] = [:]
        for entry in entries {
            guard let fingerprint = entry.fingerprint else { throw .message("'Fingerprint'") }
            keys[Array(fingerprint.utf8)] = entry
        }
        guard !keys.isEmpty else {
            throw .message("No public keys found between \(from.display) and \(to.display)")
        }
        return keys
    }

    // MARK: one digest (DigestTraverser._load_and_validate_digest)

    /// Fetches a digest and checks it in the CLI's order; returns it with its normalized end time
    /// set in `chain`.
    mutating func loadAndValidate(
        _ chain: inout Chain,
        bucket: String,
        key: String
    ) async throws(IterationFailure) -> VerifiedDigest {
        let object: SourceObject
        do throws(SourceFailure) {
            object = try await objects.object(bucket: bucket, key: key)
        } catch {
            throw error.isServiceError ? .source(error) : .other(error.description)
        }
        // zlib.decompress, bytes.decode(), json.loads: any failure is "invalid format".
        let inflated = GzipFirstMember.inflate(object.body)
        guard inflated.outcome == .complete, let text = String(validating: inflated.bytes, as: UTF8.self),
            let parsed = try? PythonJSON.parse(Array(text.utf8))
        else { throw .digest("invalid format") }
        guard let signatureHex = object.metadata["signature"], object.metadata["signature-algorithm"] != nil else {
            throw .digest("signature verification failed")
        }
        guard case .object(let content) = parsed else {
            // `digest_data['_signature'] = …` on something that is not a dict.
            switch parsed {
            case .array: throw .other("list indices must be integers or slices, not str")
            default: throw .other("'\(parsed.pythonTypeName)' object does not support item assignment")
            }
        }
        let backfillTimestamp = object.metadata["backfill-generation-timestamp"]
        if DigestKeyLayout.isBackfill(key), backfillTimestamp == nil { throw .digest("invalid format") }
        for required in Self.requiredKeys where !content.contains(required) { throw .digest("invalid format") }
        guard content["digestS3Bucket"]!.equals(bucket), content["digestS3Object"]!.equals(key) else {
            throw .digest("has been moved from its original location")
        }

        let fingerprint = content["digestPublicKeyFingerprint"]!
        guard fingerprint.isHashable else { throw .other("unhashable type: '\(fingerprint.pythonTypeName)'") }
        func lookUp() -> PublicKeyEntry? { fingerprint.string.flatMap { chain.publicKeys[Array($0.utf8)] } }
        if lookUp() == nil, chain.isBackfill {
            let generated: CLITime
            do throws(CLITime.ParseFailure) {
                generated = try CLITime.parse(JSONValue.string(backfillTimestamp ?? "")).normalized()
            } catch {
                throw .other(error.message)
            }
            do throws(KeyLoadFailure) {
                let more = try await loadPublicKeys(
                    from: generated.adding(seconds: -3600),
                    to: generated.adding(seconds: 3600)
                )
                chain.publicKeys.merge(more) { $1 }
            } catch {
                switch error {
                case .source(let failure): throw failure.isServiceError ? .source(failure) : .other(failure.description)
                case .message(let message): throw .other(message)
                }
            }
        }
        guard let entry = lookUp() else {
            throw .digest(
                "public key not found in region \(layout.homeRegion) for fingerprint \(fingerprint.pythonString)"
            )
        }
        guard let value = entry.value else { throw .other("'Value'") }

        // Sha256RSADigestValidator.validate
        let publicKey: PKCS1PublicKey?
        if let cached = decodedKeys[value] {
            publicKey = cached
        } else {
            do throws(PythonCodecs.DecodingError) {
                publicKey = PKCS1PublicKey(der: try PythonCodecs.base64Decode(value))
            } catch {
                throw .other(error.message)
            }
            decodedKeys[value] = publicKey
        }
        guard let publicKey else {
            throw .digest("Unable to load PKCS #1 key with fingerprint \(fingerprint.pythonString)")
        }
        let previousSignature = content["previousDigestSignature"]!
        let signingString =
            "\(content["digestEndTime"]!.pythonString)\n\(bucket)/\(key)\n\(Hex.sha256(inflated.bytes))\n"
            + (previousSignature.isNull ? "null" : previousSignature.pythonString)
        let signature: [UInt8]
        do throws(PythonCodecs.DecodingError) {
            signature = try PythonCodecs.hexDecode(signatureHex)
        } catch {
            throw .other(error.message)
        }
        guard DigestSignature(bytes: signature).isValid(for: Array(signingString.utf8), using: publicKey) else {
            throw .digest("signature verification failed")
        }

        let endTime: CLITime
        do throws(CLITime.ParseFailure) {
            endTime = try CLITime.parse(content["digestEndTime"]!)
        } catch {
            throw .other(error.message)
        }
        chain.endDate = endTime.normalized()
        return VerifiedDigest(
            bucket: bucket,
            key: key,
            content: content,
            startTime: endTime,
            endTime: endTime,
            isBackfill: chain.isBackfill
        )
    }
}

extension JSONValue {
    /// Whether the value is JSON `null` (Python's `None`).
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
