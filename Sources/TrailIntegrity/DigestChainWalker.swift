/// The digest chain walk of the CLI's `DigestTraverser`, one step at a time: the standard chain,
/// then the backfill chain, newest digest first, following `previousDigest…` links and falling
/// back to the listing when a link is missing, broken or leads to an invalid digest.
///
/// Every quirk that shows in the output is kept: the listing is made once per (bucket, prefix,
/// start, end) and consumed as keys are popped from it; the "next older" key is searched by key
/// time stamp; a gap is reported only when an older key exists; a bucket change re-lists with the
/// end time of the digest that pointed there; errors are classified as the CLI's `except` clauses
/// do (a `ClientError` other than `NoSuchKey` stops the run).
///
/// A value type so that a step can run in a child task and hand the walker back.
struct DigestChainWalker: Sendable {
    let objects: any ObjectSource
    let keySource: any PublicKeySource
    let layout: DigestKeyLayout
    let startingBucket: String
    let prefix: String?
    /// The requested range, normalized.
    let start: CLITime
    let end: CLITime

    /// A listing's identity, as the CLI caches it.
    struct ListingKey: Hashable, Sendable {
        var bucket: [UInt8]
        var prefix: String?
        var start: Int64
        var end: Int64
    }

    /// Digest keys of one listing, oldest first; the walk pops from the end.
    struct Listing: Sendable {
        var standard: [String] = []
        var backfill: [String] = []
    }

    /// The state of the chain being walked.
    struct Chain: Sendable {
        var isBackfill: Bool
        var listing: ListingKey
        var bucket: String
        var key: String?
        var endDate: CLITime?
        var lastStartDate: CLITime?
        var publicKeys: [[UInt8]: PublicKeyEntry]
    }

    enum Phase: Sendable {
        case notStarted(isBackfill: Bool)
        case walking(Chain)
        case finished
    }

    var listings: [ListingKey: Listing] = [:]
    var phase: Phase = .notStarted(isBackfill: false)
    /// Keys already decoded, by their base64 value.
    var decodedKeys: [String: PKCS1PublicKey?] = [:]

    init(
        objects: any ObjectSource,
        keySource: any PublicKeySource,
        layout: DigestKeyLayout,
        startingBucket: String,
        prefix: String?,
        start: CLITime,
        end: CLITime
    ) {
        self.objects = objects
        self.keySource = keySource
        self.layout = layout
        self.startingBucket = startingBucket
        self.prefix = prefix
        self.start = start
        self.end = end
    }

    /// Walks one step and returns its events (possibly none), or nil when both chains are done.
    mutating func next() async -> [ChainEvent]? {
        switch phase {
        case .finished:
            return nil
        case .notStarted(let isBackfill):
            do throws(ValidateLogsError) {
                phase = .walking(try await startChain(isBackfill: isBackfill))
                return []
            } catch {
                phase = .finished
                return [.abort(error)]
            }
        case .walking(var chain):
            guard let key = chain.key, !key.isEmpty, let lastStart = chain.lastStartDate,
                start.instantMicroseconds <= lastStart.instantMicroseconds
            else {
                phase = chain.isBackfill ? .finished : .notStarted(isBackfill: true)
                return []
            }
            let events = await step(&chain, key: key)
            if case .abort? = events.last {
                phase = .finished
            } else {
                phase = .walking(chain)
            }
            return events
        }
    }

    // MARK: chain start (traverse_digests)

    private mutating func startChain(isBackfill: Bool) async throws(ValidateLogsError) -> Chain {
        let listingKey = ListingKey(
            bucket: Array(startingBucket.utf8),
            prefix: prefix,
            start: start.instantMicroseconds,
            end: end.instantMicroseconds
        )
        do throws(SourceFailure) {
            try await loadListing(listingKey, bucket: startingBucket, end: end)
        } catch {
            throw error.abort
        }
        var publicKeys: [[UInt8]: PublicKeyEntry] = [:]
        if !isBackfill {
            do throws(KeyLoadFailure) {
                publicKeys = try await loadPublicKeys(from: start, to: end.adding(seconds: 7200))
            } catch {
                switch error {
                case .source(let failure): throw failure.abort
                case .message(let message): throw ValidateLogsError(message: message)
                }
            }
        }
        var chain = Chain(
            isBackfill: isBackfill,
            listing: listingKey,
            bucket: startingBucket,
            key: nil,
            endDate: nil,
            lastStartDate: nil,
            publicKeys: publicKeys
        )
        do throws(WalkFailure) {
            let (key, date) = try popDigest(chain, before: nil)
            chain.key = key
            chain.endDate = date
            chain.lastStartDate = date
        } catch {
            throw ValidateLogsError(message: error.message)
        }
        return chain
    }

    // MARK: one loop iteration (_traverse_digest_chain)

    /// Why the body of one iteration stopped: the CLI's `except` clauses.
    enum IterationFailure: Error {
        /// A `ClientError`: `NoSuchKey` reports the digest missing, anything else stops the run.
        case source(SourceFailure)
        /// A `DigestError`, with the reason after `INVALID: `.
        case digest(String)
        /// Any other exception, with `str(exception)`.
        case other(String)
        /// The run stops.
        case abort(ValidateLogsError)
    }

    private mutating func step(_ chain: inout Chain, key: String) async -> [ChainEvent] {
        var events: [ChainEvent] = []
        let isBackfill = chain.isBackfill
        var bucket = chain.bucket
        var key = key
        do throws(IterationFailure) {
            var digest = try await loadAndValidate(&chain, bucket: bucket, key: key)
            let startTime: CLITime
            do throws(CLITime.ParseFailure) {
                startTime = try CLITime.parse(digest.content["digestStartTime"] ?? .null)
            } catch {
                throw .other(error.message)
            }
            chain.lastStartDate = startTime.normalized()
            digest.startTime = startTime
            let previousBucket = digest.content["previousDigestS3Bucket"] ?? .null
            let previousKey = digest.content["previousDigestS3Object"] ?? .null
            events.append(.valid(digest))
            if case .null = previousBucket {
                try findNextAfterGap(&chain, key: key, events: &events)
            } else if case .null = previousKey {
                try findNextAfterGap(&chain, key: key, events: &events)
            } else {
                guard case .string(let nextBucket) = previousBucket, case .string(let nextKey) = previousKey else {
                    // Only a validly signed digest gets here; the CLI would fail inside botocore.
                    throw .abort(
                        ValidateLogsError(
                            message:
                                "Digest file\ts3://\(bucket)/\(key)\tpreviousDigestS3Bucket and previousDigestS3Object must be strings"
                        )
                    )
                }
                key = nextKey
                chain.key = nextKey
                if !sameCodePoints(nextBucket, bucket) {
                    bucket = nextBucket
                    chain.bucket = nextBucket
                    let listingKey = ListingKey(
                        bucket: Array(nextBucket.utf8),
                        prefix: prefix,
                        start: start.instantMicroseconds,
                        end: chain.endDate?.instantMicroseconds ?? 0
                    )
                    do throws(SourceFailure) {
                        try await loadListing(listingKey, bucket: nextBucket, end: chain.endDate ?? end)
                    } catch {
                        throw error.isServiceError ? .source(error) : .other(error.description)
                    }
                    chain.listing = listingKey
                }
            }
            return events
        } catch {
            let failureEvent: ChainEvent
            switch error {
            case .abort(let abort):
                return events + [.abort(abort)]
            case .source(let failure):
                guard failure.isNoSuchKey else { return events + [.abort(failure.abort)] }
                failureEvent = .missing(bucket: bucket, key: key, isBackfill: isBackfill)
            case .digest(let reason), .other(let reason):
                failureEvent = .invalid(bucket: bucket, key: key, reason: reason, isBackfill: isBackfill)
            }
            do throws(WalkFailure) {
                // The next key is found first: when that fails, the CLI stops before reporting.
                let (next, date) = try popDigest(chain, before: key)
                events.append(failureEvent)
                chain.key = next
                chain.endDate = date
            } catch {
                events.append(.abort(ValidateLogsError(message: error.message)))
            }
            return events
        }
    }

    /// The chain is broken: continue with the next older listed key, reporting the gap if there is one.
    private mutating func findNextAfterGap(
        _ chain: inout Chain,
        key: String,
        events: inout [ChainEvent]
    ) throws(IterationFailure) {
        do throws(WalkFailure) {
            let (next, date) = try popDigest(chain, before: key)
            if next != nil, let date, let lastStart = chain.lastStartDate {
                events.append(.gap(nextEnd: date, lastStart: lastStart, isBackfill: chain.isBackfill))
            }
            chain.key = next
            chain.endDate = date
        } catch {
            throw .other(error.message)
        }
    }
}
