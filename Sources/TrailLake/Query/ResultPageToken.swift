import Crypto
import Foundation

/// The `NextToken` of GetQueryResults and ListQueries: base64url of `v1:<scope>:<offset>` followed by an
/// 8-byte HMAC-SHA256 tag under the server's key, so a token of another query, or an altered one, is refused.
public struct ResultPageToken: Sendable {
    let key: SymmetricKey

    /// A token codec under `key` (keep the key across restarts so tokens stay valid).
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// A new random key (32 bytes).
    public static func makeKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// The token for row `offset` of `scope` (a query ID, or a ListQueries fingerprint).
    public func encode(scope: String, offset: Int) -> String {
        var bytes = Array("v1:\(scope):\(offset)".utf8)
        bytes += tag(bytes)
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The offset `token` carries for `scope`.
    /// - Throws: ``LakeError/Code/invalidNextToken`` when it is malformed, altered, or issued for another scope.
    public func decode(_ token: String, scope: String) throws(LakeError) -> Int {
        let invalid = LakeError(.invalidNextToken, "The NextToken is not valid.")
        guard (4...1000).contains(token.count) else { throw invalid }
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), data.count > 8 else { throw invalid }
        let bytes = Array(data)
        let payload = Array(bytes[..<(bytes.count - 8)])
        let presented = Array(bytes[(bytes.count - 8)...])
        var difference: UInt8 = 0
        for (a, b) in zip(tag(payload), presented) { difference |= a ^ b }
        guard difference == 0 else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self)
        guard fields.hasPrefix("v1:"), let colon = fields.lastIndex(of: ":") else { throw invalid }
        let tokenScope = fields[fields.index(fields.startIndex, offsetBy: 3)..<colon]
        guard tokenScope == scope, let offset = Int(fields[fields.index(after: colon)...]), offset >= 0 else { throw invalid }
        return offset
    }

    private func tag(_ bytes: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key).prefix(8))
    }
}
