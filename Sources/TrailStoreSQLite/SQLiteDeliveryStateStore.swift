import Foundation
import GRDB
import TrailModel
import TrailStore

/// Delivery state in its own SQLite file (`DIR/delivery.sqlite`), WAL, `synchronous=FULL`.
///
/// Small, infrequent transactions (one per delivery or digest), so durability is cheap here.
public final class SQLiteDeliveryStateStore: DeliveryStateStore {
    let pool: DatabasePool

    public init(path: String) throws {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.unavailable, "cannot open the delivery state at \(path)", underlying: error)
        }
    }

    public func close() throws { try pool.close() }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-delivery") { db in
            try db.execute(
                sql: """
                    CREATE TABLE trail_progress (
                        trail TEXT PRIMARY KEY,
                        position INTEGER NOT NULL,
                        delivery_time INTEGER, delivery_attempt INTEGER, delivery_error TEXT,
                        digest_time INTEGER, digest_attempt INTEGER, digest_error TEXT,
                        notification_time INTEGER, notification_attempt INTEGER, notification_error TEXT,
                        planned_delivery BLOB, planned_digest BLOB
                    );
                    CREATE TABLE digest_streams (
                        trail TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                        window_start INTEGER NOT NULL,
                        prev_bucket TEXT, prev_key TEXT, prev_sha256 TEXT, prev_signature TEXT,
                        PRIMARY KEY (trail, account, region)
                    );
                    CREATE TABLE undigested_files (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        trail TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                        bucket TEXT NOT NULL, key TEXT NOT NULL, sha256 TEXT NOT NULL,
                        newest INTEGER NOT NULL, oldest INTEGER NOT NULL, delivery_time INTEGER NOT NULL
                    );
                    CREATE INDEX undigested_by_stream ON undigested_files (trail, account, region, id);
                    CREATE TABLE queue_messages (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        queue TEXT NOT NULL, body TEXT NOT NULL, sent INTEGER NOT NULL,
                        visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX queue_visible ON queue_messages (queue, visible_at, id);
                    """)
        }
        return m
    }

    private static func encode<T: Encodable>(_ value: T) throws -> Data { try JSONEncoder().encode(value) }
    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data?) throws -> T? {
        guard let data else { return nil }
        return try JSONDecoder().decode(type, from: data)
    }

    public func progress(trail: String) async throws -> DeliveryProgress? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM trail_progress WHERE trail = ?", arguments: [trail]) else {
                return nil
            }
            var p = DeliveryProgress(position: row["position"])
            p.latestDeliveryTime = row["delivery_time"]
            p.latestDeliveryAttemptTime = row["delivery_attempt"]
            p.latestDeliveryError = row["delivery_error"]
            p.latestDigestDeliveryTime = row["digest_time"]
            p.latestDigestAttemptTime = row["digest_attempt"]
            p.latestDigestDeliveryError = row["digest_error"]
            p.latestNotificationTime = row["notification_time"]
            p.latestNotificationAttemptTime = row["notification_attempt"]
            p.latestNotificationError = row["notification_error"]
            return p
        }
    }

    public func startTrail(_ trail: String, at position: Int64, time: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO trail_progress (trail, position) VALUES (?, ?)
                    ON CONFLICT (trail) DO UPDATE SET position = max(position, excluded.position)
                    """, arguments: [trail, position])
            try db.execute(
                sql: """
                    UPDATE digest_streams SET window_start = ?, prev_bucket = NULL, prev_key = NULL, prev_sha256 = NULL,
                        prev_signature = NULL WHERE trail = ?
                    """, arguments: [time, trail])
            try db.execute(sql: "DELETE FROM undigested_files WHERE trail = ?", arguments: [trail])
        }
    }

    public func deleteTrail(_ trail: String) async throws {
        try await pool.write { db in
            for table in ["trail_progress", "digest_streams", "undigested_files"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE trail = ?", arguments: [trail])
            }
        }
    }

    public func recordAttempt(trail: String, kind: DeliveryAttemptKind, time: Int64, error: String?) async throws {
        let k = kind.rawValue
        try await pool.write { db in
            if let error {
                try db.execute(
                    sql: "UPDATE trail_progress SET \(k)_attempt = ?, \(k)_error = ? WHERE trail = ?", arguments: [time, error, trail])
            } else {
                try db.execute(
                    sql: "UPDATE trail_progress SET \(k)_attempt = ?, \(k)_time = ?, \(k)_error = NULL WHERE trail = ?",
                    arguments: [time, time, trail])
            }
        }
    }

    public func plannedDelivery(trail: String) async throws -> PlannedDelivery? {
        let data = try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT planned_delivery FROM trail_progress WHERE trail = ?", arguments: [trail])
        }
        return try Self.decode(PlannedDelivery.self, data)
    }

    public func planDelivery(trail: String, _ plan: PlannedDelivery) async throws {
        let data = try Self.encode(plan)
        try await pool.write { db in
            try db.execute(sql: "UPDATE trail_progress SET planned_delivery = ? WHERE trail = ?", arguments: [data, trail])
        }
    }

    public func completeDelivery(
        trail: String, _ plan: PlannedDelivery, files: [DeliveredLogFile], digested: Bool, notifications: [QueuedNotification]
    ) async throws {
        try await pool.write { db in
            if digested {
                for f in files {
                    try db.execute(
                        sql: """
                            INSERT INTO undigested_files (trail, account, region, bucket, key, sha256, newest, oldest, delivery_time)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            trail, f.stream.account, f.stream.region, f.file.bucket, f.file.key, f.file.sha256,
                            f.file.newestEventTime, f.file.oldestEventTime, f.deliveryTime,
                        ])
                }
            }
            for n in notifications {
                try db.execute(
                    sql: "INSERT INTO queue_messages (queue, body, sent, visible_at) VALUES (?, ?, ?, ?)",
                    arguments: [n.queue, n.body, plan.deliveryTime, plan.deliveryTime])
            }
            try db.execute(
                sql: """
                    UPDATE trail_progress SET position = max(position, ?), planned_delivery = NULL,
                        delivery_time = ?, delivery_attempt = ?, delivery_error = NULL
                    WHERE trail = ?
                    """, arguments: [plan.toSequence, plan.deliveryTime, plan.deliveryTime, trail])
            if !notifications.isEmpty {
                try db.execute(
                    sql: "UPDATE trail_progress SET notification_time = ?, notification_attempt = ?, notification_error = NULL WHERE trail = ?",
                    arguments: [plan.deliveryTime, plan.deliveryTime, trail])
            }
        }
    }

    public func advance(trail: String, to position: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE trail_progress SET position = max(position, ?) WHERE trail = ?", arguments: [position, trail])
        }
    }

    public func streams(trail: String) async throws -> [DigestStreamState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM digest_streams WHERE trail = ? ORDER BY account, region", arguments: [trail]).map {
                row in
                var link: DigestLink?
                if let bucket: String = row["prev_bucket"], let key: String = row["prev_key"], let sha: String = row["prev_sha256"],
                    let sig: String = row["prev_signature"]
                {
                    link = DigestLink(bucket: bucket, key: key, sha256: sha, signature: sig)
                }
                return DigestStreamState(
                    stream: DigestStream(account: row["account"], region: row["region"]), windowStart: row["window_start"],
                    previous: link)
            }
        }
    }

    public func ensureStream(trail: String, _ stream: DigestStream, windowStart: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO digest_streams (trail, account, region, window_start) VALUES (?, ?, ?, ?)",
                arguments: [trail, stream.account, stream.region, windowStart])
        }
    }

    public func undigestedFiles(trail: String, _ stream: DigestStream) async throws -> [DeliveredLogFile] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM undigested_files WHERE trail = ? AND account = ? AND region = ? ORDER BY id",
                arguments: [trail, stream.account, stream.region]
            ).map { row in
                DeliveredLogFile(
                    stream: stream,
                    file: DigestLogFile(
                        bucket: row["bucket"], key: row["key"], sha256: row["sha256"], newestEventTime: row["newest"],
                        oldestEventTime: row["oldest"]),
                    deliveryTime: row["delivery_time"], id: row["id"])
            }
        }
    }

    public func plannedDigest(trail: String) async throws -> PlannedDigest? {
        let data = try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT planned_digest FROM trail_progress WHERE trail = ?", arguments: [trail])
        }
        return try Self.decode(PlannedDigest.self, data)
    }

    public func planDigest(trail: String, _ plan: PlannedDigest) async throws {
        let data = try Self.encode(plan)
        try await pool.write { db in
            try db.execute(sql: "UPDATE trail_progress SET planned_digest = ? WHERE trail = ?", arguments: [data, trail])
        }
    }

    public func completeDigest(trail: String, _ plan: PlannedDigest) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE digest_streams SET window_start = ?, prev_bucket = ?, prev_key = ?, prev_sha256 = ?, prev_signature = ?
                    WHERE trail = ? AND account = ? AND region = ?
                    """,
                arguments: [
                    plan.endTime, plan.bucket, plan.key, plan.sha256, plan.signature, trail, plan.stream.account, plan.stream.region,
                ])
            try db.execute(
                sql: "DELETE FROM undigested_files WHERE trail = ? AND account = ? AND region = ? AND id <= ?",
                arguments: [trail, plan.stream.account, plan.stream.region, plan.coversThroughID])
            try db.execute(
                sql: "UPDATE trail_progress SET planned_digest = NULL, digest_time = ?, digest_attempt = ?, digest_error = NULL WHERE trail = ?",
                arguments: [plan.endTime, plan.endTime, trail])
        }
    }

    public func endChains(trail: String, windowStart: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE digest_streams SET window_start = ?, prev_bucket = NULL, prev_key = NULL, prev_sha256 = NULL,
                        prev_signature = NULL WHERE trail = ?
                    """, arguments: [windowStart, trail])
            try db.execute(sql: "DELETE FROM undigested_files WHERE trail = ?", arguments: [trail])
        }
    }

    public func enqueue(queue: String, body: String, time: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO queue_messages (queue, body, sent, visible_at) VALUES (?, ?, ?, ?)", arguments: [queue, body, time, time])
        }
    }

    public func receive(queue: String, maximum: Int, visibilityTimeout: Int64, time: Int64) async throws -> [QueuedMessage] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM queue_messages WHERE queue = ? AND visible_at <= ? ORDER BY id LIMIT ?",
                arguments: [queue, time, maximum])
            var out: [QueuedMessage] = []
            for row in rows {
                let id: Int64 = row["id"]
                let count: Int = row["receive_count"]
                try db.execute(
                    sql: "UPDATE queue_messages SET visible_at = ?, receive_count = receive_count + 1 WHERE id = ?",
                    arguments: [time + visibilityTimeout, id])
                out.append(QueuedMessage(id: id, body: row["body"], sentTime: row["sent"], receiveCount: count + 1))
            }
            return out
        }
    }

    public func deleteMessage(queue: String, id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM queue_messages WHERE queue = ? AND id = ?", arguments: [queue, id])
        }
    }

    public func changeVisibility(queue: String, id: Int64, visibleAt: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND id = ?", arguments: [visibleAt, queue, id])
        }
    }

    public func moveMessage(id: Int64, from queue: String, to destination: String, time: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE queue_messages SET queue = ?, visible_at = ?, receive_count = 0 WHERE queue = ? AND id = ?",
                arguments: [destination, time, queue, id])
            return db.changesCount > 0
        }
    }

    public func peekMessages(queue: String, limit: Int) async throws -> [QueuedMessage] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM queue_messages WHERE queue = ? ORDER BY id LIMIT ?", arguments: [queue, limit]
            ).map { row in
                QueuedMessage(id: row["id"], body: row["body"], sentTime: row["sent"], receiveCount: row["receive_count"])
            }
        }
    }

    public func queueDepth(queue: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM queue_messages WHERE queue = ?", arguments: [queue]) ?? 0
        }
    }
}
