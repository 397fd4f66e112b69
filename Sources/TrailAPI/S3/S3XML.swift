import AWSWire
import Foundation

/// Builds S3's XML documents as text, in one buffer.
struct S3XML {
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// A document whose root element is `root`, in S3's namespace.
    init(root: String) {
        text += "<\(root) xmlns=\"\(Self.namespace)\">"
    }

    /// A document without the S3 namespace (`<Error>`).
    init(plainRoot root: String) {
        text += "<\(root)>"
    }

    mutating func open(_ name: String) { text += "<\(name)>" }

    /// `<name a="v" …>`, with the values escaped.
    mutating func open(_ name: String, attributes: KeyValuePairs<String, String>) {
        text += "<\(name)"
        for (attribute, value) in attributes {
            text += " \(attribute)=\""
            Self.escape(value, into: &text)
            text += "\""
        }
        text += ">"
    }
    mutating func close(_ name: String) { text += "</\(name)>" }

    /// `<name>value</name>`, with `value` escaped.
    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>"
        Self.escape(value, into: &text)
        text += "</\(name)>"
    }

    /// `<name>value</name>` when there is a value.
    mutating func element(_ name: String, ifPresent value: String?) {
        if let value { element(name, value) }
    }

    /// The finished document, closing `root`.
    func finished(closing root: String) -> String { text + "</\(root)>" }

    /// XML text escaping as S3 does it (``XMLTree/escape(_:into:)``).
    static func escape(_ value: String, into out: inout String) { XMLTree.escape(value, into: &out) }

    static func escape(_ value: String) -> String {
        var out = ""
        escape(value, into: &out)
        return out
    }
}

/// The encodings S3 puts on the wire: timestamps and `encoding-type=url`.
enum S3Text {
    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// UTC calendar fields of whole seconds since 1970 (Howard Hinnant's `civil_from_days`).
    static func fields(_ seconds: Int64) -> (year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int) {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = Int(((days + 4) % 7 + 7) % 7)
        return (year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60), weekday)
    }

    static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2024-05-01T10:00:00.250Z`, as listings give `LastModified`.
    static func iso8601(_ date: Date) -> String { UTCTime.iso8601(date) }

    /// `Wed, 01 May 2024 10:00:00 GMT`, as `Last-Modified` carries it.
    static func httpDate(_ date: Date) -> String {
        let f = fields(Int64(date.timeIntervalSince1970.rounded(.down)))
        return "\(dayNames[f.weekday]), \(pad(f.day, 2)) \(monthNames[f.month - 1]) \(pad(f.year, 4)) "
            + "\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2)) GMT"
    }

    /// Parses an IMF-fixdate (`Wed, 01 May 2024 10:00:00 GMT`); nil for anything else.
    static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int64(parts[3]),
            let monthIndex = monthNames.firstIndex(of: String(parts[2]))
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int64(time[0]), let minute = Int64(time[1]), let second = Int64(time[2]) else {
            return nil
        }
        // days_from_civil
        let month = Int64(monthIndex + 1)
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// S3's `encoding-type=url`: every byte but unreserved characters and `/` percent-encoded
    /// (a space is `%20`, which `unquote_plus` and plain percent-decoding both read back).
    static func urlEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decodes `text` (with `+` as a space when `plusAsSpace`); nil when the bytes are not UTF-8.
    static func percentDecode(_ text: Substring, plusAsSpace: Bool) -> String? {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusAsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
