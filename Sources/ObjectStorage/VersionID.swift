import Foundation
import Synchronization

/// Version IDs of the embedded and memory stores: 32 lowercase hex digits, the microseconds of
/// the version's creation (never repeating nor going back within a process) then 64 random
/// bits. Opaque to clients, unique, and sorted as their versions were created.
public enum VersionID {
    private static let last = Mutex<UInt64>(0)

    /// A new ID for a version created at `date`.
    public static func make(at date: Date) -> String {
        let micros = UInt64(max(0, date.timeIntervalSince1970 * 1_000_000))
        let time = last.withLock { last in
            last = Swift.max(micros, last &+ 1)
            return last
        }
        return hex(time) + hex(UInt64.random(in: .min ... .max))
    }

    /// Whether `text` has the form of an ID this module makes.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 32
            && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
