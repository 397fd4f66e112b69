import Foundation

/// Builds a log file's uncompressed content: `{"Records":[…]}` with each record's original bytes.
public struct LogFileBody: Sendable {
    public private(set) var bytes = Data()
    public private(set) var count = 0
    public private(set) var newestEventTime = Int64.min
    public private(set) var oldestEventTime = Int64.max

    public init(capacity: Int = 1 << 20) {
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Array("{\"Records\":[".utf8))
    }

    public mutating func append(_ record: AuditRecord) {
        if count > 0 { bytes.append(44) }
        bytes.append(record.raw)
        count += 1
        newestEventTime = max(newestEventTime, record.eventTime)
        oldestEventTime = min(oldestEventTime, record.eventTime)
    }

    /// The finished bytes (closes the array and object).
    public func finished() -> Data {
        var d = bytes
        d.append(contentsOf: Array("]}".utf8))
        return d
    }

    /// Uncompressed size once finished.
    public var size: Int { bytes.count + 2 }
}
