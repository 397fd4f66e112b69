import Foundation

/// An SMTP target parsed from its URL:
/// `smtp[s]://[user:password@]host[:port]?from=a@b&to=c@d[,e@f][&user=…&password=…][&starttls=auto|require|never][&ca_file=PATH][&tls_verify=false][&helo=NAME]`.
///
/// - `smtp://` speaks plain SMTP (port 25 by default) and upgrades with STARTTLS: `auto` (the default)
///   when the server offers it, `require` fails when it does not, `never` stays in plain text.
/// - `smtps://` uses TLS from the first byte (port 465 by default).
/// - `ca_file` names a PEM file of trusted roots (instead of the system's); `tls_verify=false` turns
///   certificate checks off (tests only).
/// - Credentials are sent (AUTH PLAIN, else LOGIN) only over TLS, to a loopback host, or with `starttls=never`.
struct SMTPSettings: Sendable, Hashable {
    /// When to upgrade a plain connection to TLS.
    enum StartTLS: String, Sendable, Hashable {
        case auto, require, never
    }

    var host: String
    var port: Int
    var implicitTLS: Bool
    var from: String
    var to: [String]
    var user: String?
    var password: String?
    var startTLS: StartTLS
    var caFile: String?
    var verifiesCertificates: Bool
    var heloName: String

    init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps"
        else { throw AlertTargets.invalid(url, "expected smtp://host[:port]?from=…&to=…") }
        guard let host = components.host, !host.isEmpty else { throw AlertTargets.invalid(url, "the host is missing") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            query[item.name.lowercased()] = item.value ?? ""
        }
        let known: Set<String> = ["from", "to", "user", "password", "starttls", "ca_file", "tls_verify", "helo"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw AlertTargets.invalid(
                url, "unknown parameter \"\(unknown)\" (from, to, user, password, starttls, ca_file, tls_verify, helo)")
        }
        guard let from = query["from"], Self.isAddress(from) else {
            throw AlertTargets.invalid(url, "from=ADDRESS is missing or not an address")
        }
        let to = (query["to"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !to.isEmpty, to.allSatisfy(Self.isAddress) else {
            throw AlertTargets.invalid(
                url, "to=ADDRESS[,ADDRESS…] is missing or holds something that is not an address")
        }
        self.host = host
        implicitTLS = scheme == "smtps"
        port = components.port ?? (implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw AlertTargets.invalid(url, "bad port") }
        self.from = from
        self.to = to
        user = query["user"] ?? components.user.flatMap { $0.removingPercentEncoding }
        password = query["password"] ?? components.password.flatMap { $0.removingPercentEncoding }
        if (user == nil) != (password == nil) {
            throw AlertTargets.invalid(url, "user and password go together")
        }
        guard let mode = StartTLS(rawValue: (query["starttls"] ?? "auto").lowercased()) else {
            throw AlertTargets.invalid(url, "starttls must be auto, require or never")
        }
        startTLS = mode
        caFile = query["ca_file"].flatMap { $0.isEmpty ? nil : $0 }
        switch query["tls_verify"]?.lowercased() {
        case nil, "true", "1", "yes": verifiesCertificates = true
        case "false", "0", "no": verifiesCertificates = false
        default: throw AlertTargets.invalid(url, "tls_verify must be true or false")
        }
        heloName = query["helo"] ?? "trailkeeper.localhost"
        guard !heloName.isEmpty, !heloName.contains(where: { $0.isWhitespace }) else {
            throw AlertTargets.invalid(url, "helo must be a host name")
        }
    }

    /// `local@domain` without spaces, angle brackets or line breaks.
    static func isAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else {
            return false
        }
        return !text.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }
    }

    /// Whether `host` is a loopback name or address.
    var isLoopback: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// The target's description: `smtp://host:port → to@…` without credentials.
    var description: String {
        (implicitTLS ? "smtps" : "smtp") + "://\(host):\(port) → " + to.joined(separator: ",")
    }
}
