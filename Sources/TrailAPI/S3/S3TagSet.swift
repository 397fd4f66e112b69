import AWSWire
import Foundation
import HTTPTypes

/// S3's tags: the `Tagging` document, the `x-amz-tagging` header, and S3's rules for both.
///
/// The rules, as S3 applies them: at most 10 tags on an object (`BadRequest` "Object tags cannot be
/// greater than 10") and 50 on a bucket (`InvalidTag`); a key of 1 to 128 Unicode characters and a value
/// of at most 256, both made of letters, numbers, spaces and `_ . : / = + - @` (`InvalidTag`); no
/// key twice (`InvalidTag`); no key beginning with `aws:`, which AWS reserves (`InvalidTag`).
enum S3TagSet {
    enum Kind {
        case object
        case bucket
    }

    /// The tags of a `Tagging` document, checked.
    static func parse(document body: Data, for kind: Kind) throws -> [String: String] {
        guard let set = try S3RequestDocument.parse(body, root: "Tagging").child("TagSet") else {
            throw S3Error.malformedXML()
        }
        var pairs: [(String, String)] = []
        for tag in set.children("Tag") {
            guard let key = tag.child("Key")?.text else {
                throw S3Error(.badRequest, "InvalidTag", "The TagKey you have provided is invalid")
            }
            pairs.append((key, tag.child("Value")?.text ?? ""))
        }
        return try checked(pairs, for: kind)
    }

    /// The tags of an `x-amz-tagging` header (`key=value&…`, URL-encoded), checked.
    static func parse(header: String, for kind: Kind) throws(S3Error) -> [String: String] {
        var pairs: [(String, String)] = []
        for part in header.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: "=")
            guard let key = S3Text.percentDecode(part[..<(equals ?? part.endIndex)], plusAsSpace: true),
                let value = equals.map({ S3Text.percentDecode(part[part.index(after: $0)...], plusAsSpace: true) }) ?? ""
            else {
                throw S3Error.invalidArgument(
                    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
                        + "without tag name duplicates.", name: "x-amz-tagging", value: header)
            }
            pairs.append((key, value))
        }
        return try checked(pairs, for: kind)
    }

    /// S3's rules over `pairs`, in the order S3 reports them.
    static func checked(_ pairs: [(String, String)], for kind: Kind) throws(S3Error) -> [String: String] {
        switch kind {
        case .object where pairs.count > 10:
            throw S3Error(.badRequest, "BadRequest", "Object tags cannot be greater than 10")
        case .bucket where pairs.count > 50:
            throw S3Error(.badRequest, "InvalidTag", "Bucket tag count cannot be greater than 50")
        default: break
        }
        var tags: [String: String] = [:]
        for (key, value) in pairs {
            guard !key.isEmpty, key.count <= 128, isAllowed(key) else {
                throw S3Error(.badRequest, "InvalidTag", "The TagKey you have provided is invalid")
            }
            guard value.count <= 256, isAllowed(value) else {
                throw S3Error(.badRequest, "InvalidTag", "The TagValue you have provided is invalid")
            }
            guard !key.hasPrefix("aws:") else {
                throw S3Error(.badRequest, "InvalidTag", "Your TagKey cannot be prefixed with aws:")
            }
            guard tags.updateValue(value, forKey: key) == nil else {
                throw S3Error(.badRequest, "InvalidTag", "Cannot provide multiple Tags with the same key")
            }
        }
        return tags
    }

    /// Letters, numbers, separators (`\p{L}\p{N}\p{Z}`) and `_ . : / = + - @`.
    static func isAllowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            if "_.:/=+-@".unicodeScalars.contains(scalar) { return true }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
                .letterNumber, .otherNumber, .spaceSeparator, .lineSeparator, .paragraphSeparator:
                return true
            default: return false
            }
        }
    }

    /// `<Tagging><TagSet><Tag><Key>…</Key><Value>…</Value></Tag>…</TagSet></Tagging>`, keys in order.
    static func document(_ tags: [String: String]) -> String {
        var xml = S3XML(root: "Tagging")
        xml.open("TagSet")
        for (key, value) in tags.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            xml.open("Tag")
            xml.element("Key", key)
            xml.element("Value", value)
            xml.close("Tag")
        }
        xml.close("TagSet")
        return xml.finished(closing: "Tagging")
    }
}
