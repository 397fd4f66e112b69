import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree of an S3 XML document, built with Foundation's `XMLParser`.
///
/// Enough for S3's documents, answers and request bodies alike: element names (namespaces ignored),
/// text content, children in order; attributes are not kept.
public struct XMLTree: Sendable, Equatable {
    /// The element's local name.
    public var name: String
    /// The element's own text (its children's is theirs).
    public var text: String
    /// The child elements, in order.
    public var children: [XMLTree]

    public init(name: String, text: String, children: [XMLTree]) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// Every child named `name`, in order.
    public func children(_ name: String) -> [XMLTree] {
        children.filter { $0.name == name }
    }

    /// The text of the first child named `name`, without surrounding white space.
    public func value(_ name: String) -> String? {
        child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The document is not well-formed XML.
    public struct ParseError: Error {
        /// Where the parser stopped.
        public var line: Int
    }

    /// XML text escaping as S3 does it: the five entities, and control characters as character
    /// references (a raw CR would be read back as LF).
    public static func escape(_ value: String, into out: inout String) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// `value` escaped for XML text.
    public static func escaped(_ value: String) -> String {
        var out = ""
        escape(value, into: &out)
        return out
    }

    /// Parses `data`; external entities are never resolved.
    public static func parse(_ data: Data) throws(ParseError) -> XMLTree {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { throw ParseError(line: parser.lineNumber) }
        return root
    }

    /// Collects elements as the parser reports them; used by one `parse` call on one thread.
    final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(XMLTree(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
