/// Termination protection: CloudTrail's API has no such flag, so Trailkeeper reserves a tag for
/// it. A trail tagged `trailkeeper:termination-protection=true` (at CreateTrail or with AddTags)
/// cannot be deleted, nor can the bucket it delivers to; removing the tag (or setting it to
/// `false`) lifts the protection.
extension Trail {
    /// The reserved tag key.
    public static let terminationProtectionTag = "trailkeeper:termination-protection"

    /// Whether `tags` ask for termination protection; nil when they do not name it.
    ///
    /// - Throws: ``TerminationProtectionTagError`` for a value other than `true` or `false`.
    public static func terminationProtection(in tags: [Tag]) throws(TerminationProtectionTagError) -> Bool? {
        guard let tag = tags.last(where: { $0.key == terminationProtectionTag }) else { return nil }
        switch tag.value?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw TerminationProtectionTagError(value: tag.value)
        }
    }
}

/// The reserved termination-protection tag with a value other than `true` or `false`.
public struct TerminationProtectionTagError: Error, Sendable, CustomStringConvertible {
    public var value: String?
    public var description: String {
        "The tag \(Trail.terminationProtectionTag) takes the value true or false, not \(value.map { "'\($0)'" } ?? "none")."
    }
}
