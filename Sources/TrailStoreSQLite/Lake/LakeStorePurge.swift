import Foundation
import GRDB

/// Retention of one store (plan §2.2): events older than the cutoff go in chunks, then the raw blocks that hold
/// only such events, and the day statistics are brought in line.
enum LakeStorePurge {
    /// Deletes up to `limit` events older than `cutoff`; returns how many went. Unsealed raw records stay in the tail
    /// (blocks cover consecutive sequences) and leave with their block.
    static func purgeChunk(before cutoff: Int64, limit: Int, db: Database) throws -> Int {
        let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM events WHERE eventtime < ? LIMIT ?", arguments: [cutoff, limit])
        guard !seqs.isEmpty else { return 0 }
        let list = "(SELECT value FROM json_each(?))"
        let json = "[" + seqs.map(String.init).joined(separator: ",") + "]"
        try db.execute(sql: "DELETE FROM events WHERE seq IN \(list)", arguments: [json])
        return seqs.count
    }

    /// Removes the blocks whose events are all older than `cutoff` and recounts the day statistics it touched.
    static func finish(before cutoff: Int64, db: Database) throws {
        try db.execute(sql: "DELETE FROM raw_blocks WHERE max_time < ?", arguments: [cutoff])
        let cutoffDay = cutoff >= 0 ? cutoff / 86_400_000 : (cutoff - 86_399_999) / 86_400_000
        try db.execute(sql: "DELETE FROM days WHERE day < ?", arguments: [cutoffDay])
        let row = try Row.fetchOne(
            db, sql: "SELECT count(*), coalesce(sum(rawsize), 0) FROM events WHERE eventtime >= ? AND eventtime < ?",
            arguments: [cutoffDay * 86_400_000, (cutoffDay + 1) * 86_400_000])
        let events: Int64 = row?[0] ?? 0
        if events == 0 {
            try db.execute(sql: "DELETE FROM days WHERE day = ?", arguments: [cutoffDay])
        } else {
            try db.execute(
                sql: "UPDATE days SET events = ?, bytes = ? WHERE day = ?", arguments: [events, row?[1] as Int64? ?? 0, cutoffDay])
        }
    }
}
