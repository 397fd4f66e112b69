import Foundation

/// The SigV4 authentication a request carries, parsed from its `Authorization` header or from its
/// presigned query parameters; nothing here is verified yet.
struct SigV4Authorization {
    var accessKeyID: String
    var scopeDate: String
    var region: String
    var service: String
    /// Lowercase names, in the order the signer listed them.
    var signedHeaders: [String]
    /// Hex, as sent.
    var signature: String
    /// `X-Amz-Date`, or the `Date` header converted to the same basic format.
    var amzDate: String
    var signedAt: Date
    /// `X-Amz-Expires` of a presigned request; nil for the header form.
    var expires: Int?
    /// `X-Amz-Security-Token` of a presigned request.
    var queryToken: String?

    var isPresigned: Bool { expires != nil }

    /// Parses whichever form `headers` (lowercase names) and `query` carry.
    init(headers: [(name: String, value: String)], query: String) throws(SigV4Error) {
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        let parameters = Self.authParameters(query)
        let presigned =
            parameters["X-Amz-Algorithm"] != nil || parameters["X-Amz-Credential"] != nil
            || parameters["X-Amz-Signature"] != nil
        if let authorization = header("authorization") {
            guard !presigned else {
                throw Self.incomplete(
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter "
                        + "or the Authorization header should be specified."
                )
            }
            try self.init(authorization: authorization, amzDate: header("x-amz-date"), date: header("date"))
        } else if presigned {
            try self.init(presigned: parameters)
        } else {
            throw SigV4Error(code: .missingAuthentication, message: "Missing Authentication Token")
        }
    }

    /// The header form: `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, with any mix
    /// of commas and spaces between the parts.
    init(authorization: String, amzDate: String?, date: String?) throws(SigV4Error) {
        var tokens = authorization.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        guard let first = tokens.first, first == SigV4.algorithm else {
            throw Self.incomplete("Unsupported authorization type: only AWS4-HMAC-SHA256 is accepted.")
        }
        tokens.removeFirst()
        var fields: [Substring: Substring] = [:]
        for token in tokens {
            guard let equals = token.firstIndex(of: "="), fields[token[..<equals]] == nil else {
                throw Self.incomplete("Authorization header is malformed.")
            }
            fields[token[..<equals]] = token[token.index(after: equals)...]
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw Self.incomplete(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."
            )
        }
        let timestamp: String
        if let amzDate {
            timestamp = amzDate
        } else if let date {
            guard let parsed = UTCTime.parseHTTPDate(date) else {
                throw Self.incomplete("The Date header is not an RFC 1123 date.")
            }
            timestamp = UTCTime.amzTimestamp(parsed)
        } else {
            throw Self.incomplete(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
            )
        }
        try self.init(
            credential: String(credential),
            signedHeaders: String(signedHeaders),
            signature: String(signature),
            amzDate: timestamp,
            expires: nil,
            queryToken: nil
        )
    }

    /// The query form: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders`, `X-Amz-Signature` (decoded).
    init(presigned parameters: [String: String]) throws(SigV4Error) {
        guard parameters["X-Amz-Algorithm"] == SigV4.algorithm else {
            throw Self.incomplete("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".")
        }
        guard let credential = parameters["X-Amz-Credential"], let date = parameters["X-Amz-Date"],
            let expiresText = parameters["X-Amz-Expires"], let signedHeaders = parameters["X-Amz-SignedHeaders"],
            let signature = parameters["X-Amz-Signature"]
        else {
            throw Self.incomplete(
                "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, "
                    + "X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature parameters."
            )
        }
        guard let expires = Int(expiresText), expires >= 0 else {
            throw Self.incomplete("X-Amz-Expires should be a number.")
        }
        guard expires <= SigV4.maximumExpiry else {
            throw Self.incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800.")
        }
        try self.init(
            credential: credential,
            signedHeaders: signedHeaders,
            signature: signature,
            amzDate: date,
            expires: expires,
            queryToken: parameters["X-Amz-Security-Token"]
        )
    }

    init(
        credential: String,
        signedHeaders: String,
        signature: String,
        amzDate: String,
        expires: Int?,
        queryToken: String?
    ) throws(SigV4Error) {
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, !scope[0].isEmpty, !scope[2].isEmpty, !scope[3].isEmpty else {
            throw Self.incomplete(
                "Credential should be scoped to a valid region and service: "
                    + "ACCESS_KEY/DATE/REGION/SERVICE/aws4_request."
            )
        }
        guard scope[4] == "aws4_request" else {
            throw Self.incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.")
        }
        guard scope[1].utf8.count == 8, scope[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw Self.incomplete("Credential should be scoped to a date in the form YYYYMMDD.")
        }
        let names = signedHeaders.split(separator: ";").map { String($0).asciiLowercased }
        guard !names.isEmpty else { throw Self.incomplete("SignedHeaders must name at least one header.") }
        guard let signedAt = UTCTime.parseAmzTimestamp(amzDate) else {
            throw Self.incomplete("X-Amz-Date must be in ISO 8601 basic format, such as 20150830T123600Z.")
        }
        self.accessKeyID = String(scope[0])
        self.scopeDate = String(scope[1])
        self.region = String(scope[2])
        self.service = String(scope[3])
        self.signedHeaders = names
        self.signature = signature
        self.amzDate = amzDate
        self.signedAt = signedAt
        self.expires = expires
        self.queryToken = queryToken
    }

    /// The decoded `X-Amz-*` query parameters (the first of each name).
    static func authParameters(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        guard query.contains("X-Amz-") else { return parameters }
        for part in query.split(separator: "&") {
            let equals = part.firstIndex(of: "=")
            let key = String(decoding: SigV4.decode(part[..<(equals ?? part.endIndex)]), as: UTF8.self)
            guard key.hasPrefix("X-Amz-"), parameters[key] == nil else { continue }
            parameters[key] =
                equals.map { String(decoding: SigV4.decode(part[part.index(after: $0)...]), as: UTF8.self) } ?? ""
        }
        return parameters
    }

    static func incomplete(_ message: String) -> SigV4Error {
        SigV4Error(code: .incompleteSignature, message: message)
    }
}
