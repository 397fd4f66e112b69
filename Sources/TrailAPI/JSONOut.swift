import Foundation
import TrailModel

/// A small JSON writer for responses: no Foundation encoder, raw records embedded as strings.
struct JSONOut {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    static func quote(_ s: String) -> String {
        JSONText.quoted(s)
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(44) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func key(_ k: String?) {
        separator()
        if let k {
            appendQuoted(Array(k.utf8))
            bytes.append(58)
        }
    }

    private mutating func appendQuoted(_ raw: some Collection<UInt8>) {
        var d = Data()
        JSONText.appendQuoted(raw, to: &d)
        bytes.append(contentsOf: d)
    }

    mutating func beginObject(_ k: String? = nil) {
        key(k)
        bytes.append(123)
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(125)
    }

    mutating func beginArray(_ k: String? = nil) {
        key(k)
        bytes.append(91)
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(93)
    }

    mutating func string(_ k: String?, _ v: String?) {
        guard let v else { return }
        key(k)
        appendQuoted(Array(v.utf8))
    }

    /// Writes `raw` (UTF-8 bytes, e.g. a whole record) as a JSON string value.
    mutating func stringBytes(_ k: String?, _ raw: Data) {
        key(k)
        var d = Data()
        JSONText.appendQuoted(raw, to: &d)
        bytes.append(contentsOf: d)
    }

    mutating func number(_ k: String?, _ v: Int64?) {
        guard let v else { return }
        key(k)
        bytes.append(contentsOf: Array(String(v).utf8))
    }

    mutating func bool(_ k: String?, _ v: Bool?) {
        guard let v else { return }
        key(k)
        bytes.append(contentsOf: Array((v ? "true" : "false").utf8))
    }

    /// Writes already-encoded JSON.
    mutating func rawJSON(_ k: String?, _ json: Data) {
        key(k)
        bytes.append(contentsOf: json)
    }
}
