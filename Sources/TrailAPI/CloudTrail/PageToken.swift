import AWSWire
import Crypto
import Foundation
import TrailStore

/// LookupEvents' `NextToken`: the position of the last event returned, bound to the query.
///
/// A token presented with other parameters than the call that issued it is refused, as
/// AWS requires ("must be sent with the same other parameters").
enum PageToken {
    static func encode(_ position: PagePosition, fingerprint: String) -> String {
        let text = "1:\(position.eventTime):\(position.sequence):\(fingerprint)"
        return Data(text.utf8).base64EncodedString()
    }

    static func decode(_ token: String, fingerprint: String) -> PagePosition? {
        guard token.count <= 512, let data = Data(base64Encoded: token) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
        guard parts.count == 4, parts[0] == "1", let t = Int64(parts[1]), let s = Int64(parts[2]),
            parts[3] == fingerprint
        else { return nil }
        return PagePosition(eventTime: t, sequence: s)
    }

    /// A digest of the parameters that must not change between pages.
    static func fingerprint(_ parts: [String]) -> String {
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return SigV4.hex(digest.prefix(8))
    }
}
