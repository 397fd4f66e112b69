/// The S3 storage classes an object of a general-purpose bucket can have here, in the order S3
/// Lifecycle moves objects down (its "waterfall"): a transition only ever goes to a later class.
///
/// On ``FileObjectStore`` every class but `STANDARD` is a tier folder
/// (`DATA_DIR/objects-tiers/<CLASS>/`); ``S3ObjectStore`` passes the class to S3.
public enum StorageClass: String, Sendable, Hashable, CaseIterable, Codable {
    case standard = "STANDARD"
    case reducedRedundancy = "REDUCED_REDUNDANCY"
    case standardIA = "STANDARD_IA"
    case intelligentTiering = "INTELLIGENT_TIERING"
    case oneZoneIA = "ONEZONE_IA"
    case glacierInstantRetrieval = "GLACIER_IR"
    case glacier = "GLACIER"
    case deepArchive = "DEEP_ARCHIVE"

    /// The class's place in S3's transition waterfall: S3 Standard (and Reduced Redundancy) →
    /// Standard-IA → Intelligent-Tiering → One Zone-IA → Glacier Instant Retrieval → Glacier
    /// Flexible Retrieval → Glacier Deep Archive.
    public var rank: Int {
        switch self {
        case .standard, .reducedRedundancy: 0
        case .standardIA: 1
        case .intelligentTiering: 2
        case .oneZoneIA: 3
        case .glacierInstantRetrieval: 4
        case .glacier: 5
        case .deepArchive: 6
        }
    }

    /// Whether a lifecycle `Transition` may name this class (S3's `TransitionStorageClass`).
    public var isTransitionTarget: Bool { rank > 0 }

    /// Whether S3 keeps the object's bytes offline, so that reading or copying it needs a restore
    /// first (`GLACIER`, `DEEP_ARCHIVE`); the embedded store serves them directly.
    public var isArchive: Bool { self == .glacier || self == .deepArchive }

    /// The infrequent-access classes, which S3 accepts only for objects at least 30 days old and
    /// keeps an object in for at least 30 days before the next transition.
    public var isInfrequentAccess: Bool { self == .standardIA || self == .oneZoneIA }
}
