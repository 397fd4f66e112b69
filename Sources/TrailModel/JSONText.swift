import CTrailNative
import Foundation

/// Writing JSON text without Foundation's encoder: escaping and embedding raw records.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String {
        var out = Data()
        appendQuoted(Array(value.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` as a JSON string literal (quotes included) to `out`.
    public static func appendQuoted<C: Collection<UInt8>>(_ bytes: C, to out: inout Data) {
        out.append(34)
        let count = bytes.count
        if count > 0 {
            let start = out.count
            out.count += count * 6
            let written = out.withUnsafeMutableBytes { dest -> Int in
                let base = dest.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self)
                let w = bytes.withContiguousStorageIfAvailable { src in
                    src.withMemoryRebound(to: CChar.self) { tk_json_escape($0.baseAddress, count, base) }
                }
                if let w { return w }
                let copy = Array(bytes)
                return copy.withUnsafeBufferPointer { src in
                    src.withMemoryRebound(to: CChar.self) { tk_json_escape($0.baseAddress, count, base) }
                }
            }
            out.count = start + written
        }
        out.append(34)
    }
}
