import Foundation

/// S3 event notifications (spec §5.1), as S3 sends them to SQS, SNS or Lambda.
public enum S3EventNotification {
    /// The body of an `ObjectCreated:Put` notification for `objects` in `bucket`.
    /// Keys are form-encoded as S3 encodes them (space → `+`).
    public static func objectCreated(bucket: String, objects: [(key: String, size: Int64)], time: Int64, region: String)
        -> String
    {
        let when = EventTime.format(time).dropLast() + ".000Z"
        var out = #"{"Records":["#
        for (i, object) in objects.enumerated() {
            if i > 0 { out += "," }
            out += #"{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"#
            out += JSONText.quoted(region)
            out += #","eventTime":"#
            out += JSONText.quoted(String(when))
            out += #","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"trailkeeper"},"#
            out += #""s3":{"s3SchemaVersion":"1.0","configurationId":"trailkeeper","bucket":{"name":"#
            out += JSONText.quoted(bucket)
            out += #","arn":"#
            out += JSONText.quoted("arn:aws:s3:::\(bucket)")
            out += #"},"object":{"key":"#
            out += JSONText.quoted(formEncode(object.key))
            out += #","size":\#(object.size)}}}"#
        }
        out += "]}"
        return out
    }

    /// Form-encodes a key as S3 does in notifications: unreserved characters and `/` stay, space
    /// becomes `+`, every other byte `%XX`.
    public static func formEncode(_ key: String) -> String {
        var out = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "*"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
