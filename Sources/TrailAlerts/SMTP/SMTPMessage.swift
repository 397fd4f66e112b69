import Foundation

/// An RFC 5322 message: headers and a text/plain UTF-8 body, CRLF line endings.
struct SMTPMessage: Sendable {
    var from: String
    var to: [String]
    var subject: String
    var body: String
    var date: Date
    var messageID: String
    var extraHeaders: [(String, String)] = []

    /// The message as sent after DATA, before dot-stuffing.
    func rendered() -> String {
        var headers: [(String, String)] = [
            ("Date", Self.rfc5322Date(date)),
            ("From", from),
            ("To", to.joined(separator: ", ")),
            ("Subject", Self.encodedWord(subject)),
            ("Message-ID", "<" + messageID + ">"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        let encodedBody: String
        if body.utf8.allSatisfy({ $0 < 0x80 }) && lines.allSatisfy({ $0.utf8.count <= 998 }) {
            headers.append(("Content-Transfer-Encoding", "7bit"))
            encodedBody = lines.joined(separator: "\r\n")
        } else {
            headers.append(("Content-Transfer-Encoding", "base64"))
            encodedBody = Data(body.utf8).base64EncodedString(options: [
                .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
            ])
        }
        headers.append(contentsOf: extraHeaders)
        return headers.map { "\($0.0): \($0.1)" }.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody + "\r\n"
    }

    /// `rendered` with every line that starts with `.` given another `.` (RFC 5321 §4.5.2), ending
    /// with the `CRLF . CRLF` terminator.
    static func dotStuffed(_ rendered: String) -> String {
        var lines = rendered.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// An RFC 2047 `=?UTF-8?B?…?=` word when `text` is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        let flat = text.map { $0.isNewline ? " " : $0 }
        let line = String(flat)
        guard !line.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return line }
        return "=?UTF-8?B?" + Data(line.utf8).base64EncodedString() + "?="
    }

    /// `Mon, 30 Nov 2026 23:10:03 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[((parts.weekday ?? 1) - 1) % 7]), \(parts.day ?? 1) \(months[((parts.month ?? 1) - 1) % 12]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
