import AWSWire
import Foundation

/// The XML documents S3 requests carry (DeleteObjects, CompleteMultipartUpload), read with
/// AWSWire's ``XMLTree``.
enum S3RequestDocument {
    /// The document in `body`, whose root element must be `root`; `MalformedXML` otherwise.
    ///
    /// S3's request documents never have a DTD: one is refused, which keeps entity expansion out.
    static func parse(_ body: Data, root: String) throws -> XMLTree {
        guard !body.isEmpty, body.range(of: Data("<!DOCTYPE".utf8)) == nil, body.range(of: Data("<!ENTITY".utf8)) == nil,
            let tree = try? XMLTree.parse(body), tree.name == root
        else { throw S3Error.malformedXML() }
        return tree
    }

    /// The trimmed text of `element`'s child `name`.
    static func text(_ element: XMLTree, _ name: String) -> String? {
        element.child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
