import AWSWire
import Foundation
import Logging
import TrailModel
import TrailStore

/// Findings in a DynamoDB table: partition key `eventID` (S), sort key `rule` (S), on-demand
/// billing; the table is created by ``prepare()`` when missing.
///
/// Item attributes: `eventID`, `rule`, `severity`, `description` (absent when empty), `eventName`,
/// `eventSource`, `eventTime` (ISO-8601, `2024-05-01T13:02:15Z`), `eventTimeEpoch` (N, seconds),
/// `who`, `sourceIPAddress`, `region`, `account` (each absent when unknown), `origin`,
/// `detectedAt` (N, seconds), `record` (S: the original JSON; B if it is not UTF-8).
///
/// ``insert(_:)`` writes each finding with a conditional `PutItem`
/// (`attribute_not_exists(eventID)`), up to ``maximumConcurrentPuts`` at a time: a redelivered
/// finding fails the condition and is not counted as new, so the answer is exact even with
/// concurrent writers (a `BatchWriteItem` cannot carry conditions).
///
/// ``findings(_:)`` with an `eventID` is a `Query`; otherwise it is a `Scan` of the whole table
/// (filtered by rule and severity, sorted here), as is ``count()``: fine for thousands of findings,
/// slow for millions. An item is at most 400 KB, so a record over about 390 KB cannot be stored.
public struct DynamoDBFindingStore: FindingStore {
    /// The DynamoDB client.
    public let client: DynamoDBClient
    /// The table.
    public let table: String
    /// How many conditional puts ``insert(_:)`` has in flight at most.
    public let maximumConcurrentPuts: Int

    /// A store on `table`; call ``prepare()`` before use.
    public init(client: DynamoDBClient, table: String, maximumConcurrentPuts: Int = 16) {
        self.client = client
        self.table = table
        self.maximumConcurrentPuts = max(1, maximumConcurrentPuts)
    }

    /// The table's primary key: `eventID` (HASH) and `rule` (RANGE), both strings.
    public static let keySchema = [
        DynamoDBClient.KeySchemaElement(attributeName: "eventID", keyType: .hash),
        DynamoDBClient.KeySchemaElement(attributeName: "rule", keyType: .range),
    ]

    /// Creates the table when it does not exist and waits until it is `ACTIVE`.
    ///
    /// - Throws: ``StoreError`` `invalidArgument` when the table exists with another key schema;
    ///   `unavailable` when DynamoDB fails.
    public func prepare() async throws {
        do {
            var description: DynamoDBClient.TableDescription
            do {
                description = try await client.describeTable(table)
            } catch let error as AWSError where error.code == "ResourceNotFoundException" {
                do {
                    description = try await client.createTable(
                        table,
                        keySchema: Self.keySchema,
                        attributeDefinitions: [
                            .init(attributeName: "eventID", attributeType: .string),
                            .init(attributeName: "rule", attributeType: .string),
                        ]
                    )
                } catch let error as AWSError where error.code == "ResourceInUseException" {
                    description = try await client.describeTable(table)  // created meanwhile by another process
                }
            }
            if !description.isActive { description = try await client.waitUntilActive(table: table) }
            guard description.keySchema == Self.keySchema else {
                throw StoreError(.invalidArgument, "DynamoDB table \(table) does not have the key eventID + rule")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot prepare the DynamoDB table \(table)", underlying: error)
        }
    }

    // MARK: FindingStore

    /// Stores the findings with conditional puts; returns the keys that were not stored before.
    public func insert(_ findings: [Finding]) async throws -> Set<FindingKey> {
        var seen: Set<FindingKey> = []
        let unique = findings.filter { seen.insert($0.key).inserted }
        let client = self.client
        let table = self.table
        do {
            return try await withThrowingTaskGroup(of: FindingKey?.self) { group in
                var added: Set<FindingKey> = []
                var next = unique.startIndex
                func collect(_ key: FindingKey?) { if let key { added.insert(key) } }
                while next < unique.endIndex {
                    if next - unique.startIndex >= maximumConcurrentPuts, let key = try await group.next() {
                        collect(key)
                    }
                    let finding = unique[next]
                    group.addTask {
                        let isNew = try await client.putItem(
                            Self.item(finding), into: table, condition: "attribute_not_exists(eventID)")
                        return isNew ? finding.key : nil
                    }
                    next += 1
                }
                for try await key in group { collect(key) }
                return added
            }
        } catch {
            throw StoreError(.unavailable, "cannot store findings in DynamoDB table \(table)", underlying: error)
        }
    }

    /// Findings matching `query`, newest eventTime first (then by eventID and rule).
    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        var names: [String: String] = [:]
        var values: DynamoDBClient.Item = [:]
        var filters: [String] = []
        if let minimum = query.minimumSeverity {
            names["#severity"] = "severity"
            var placeholders: [String] = []
            for (index, severity) in Severity.allCases.enumerated() where severity >= minimum {
                values[":severity\(index)"] = .string(severity.rawValue)
                placeholders.append(":severity\(index)")
            }
            filters.append("#severity IN (\(placeholders.joined(separator: ", ")))")
        }
        let items: [DynamoDBClient.Item]
        do {
            if let eventID = query.eventID {
                values[":eventID"] = .string(eventID)
                var keyCondition = "eventID = :eventID"
                if let rule = query.rule {
                    names["#rule"] = "rule"
                    values[":rule"] = .string(rule)
                    keyCondition += " AND #rule = :rule"
                }
                items = try await client.queryAll(
                    DynamoDBClient.QueryRequest(
                        tableName: table,
                        keyConditionExpression: keyCondition,
                        filterExpression: filters.isEmpty ? nil : filters.joined(separator: " AND "),
                        expressionAttributeNames: names.isEmpty ? nil : names,
                        expressionAttributeValues: values
                    ))
            } else {
                if let rule = query.rule {
                    names["#rule"] = "rule"
                    values[":rule"] = .string(rule)
                    filters.append("#rule = :rule")
                }
                items = try await client.scanAll(
                    DynamoDBClient.ScanRequest(
                        tableName: table,
                        filterExpression: filters.isEmpty ? nil : filters.joined(separator: " AND "),
                        expressionAttributeNames: names.isEmpty ? nil : names,
                        expressionAttributeValues: values.isEmpty ? nil : values
                    ))
            }
        } catch {
            throw StoreError(.unavailable, "cannot read findings from DynamoDB table \(table)", underlying: error)
        }
        let found = try items.map(Self.finding)
        let sorted = found.sorted {
            ($0.eventTime, $1.eventID, $1.rule) > ($1.eventTime, $0.eventID, $0.rule)
        }
        return Array(sorted.prefix(max(0, query.limit)))
    }

    /// How many findings are stored (a `Scan` with `Select: COUNT` of the whole table).
    public func count() async throws -> Int {
        do {
            return try await client.scanCount(DynamoDBClient.ScanRequest(tableName: table))
        } catch {
            throw StoreError(.unavailable, "cannot count findings in DynamoDB table \(table)", underlying: error)
        }
    }

    /// Nothing to release: the HTTP client belongs to the caller.
    public func close() async throws {}

    // MARK: items

    /// The item of a finding.
    static func item(_ finding: Finding) -> DynamoDBClient.Item {
        var item: DynamoDBClient.Item = [
            "eventID": .string(finding.eventID),
            "rule": .string(finding.rule),
            "severity": .string(finding.severity.rawValue),
            "eventTime": .string(EventTime.format(finding.eventTime)),
            "eventTimeEpoch": .integer(finding.eventTime),
            "origin": .string(finding.origin),
            "detectedAt": .integer(finding.detectedAt),
        ]
        if let text = String(validating: finding.record, as: UTF8.self) {
            item["record"] = .string(text)
        } else {
            item["record"] = .binary(finding.record)
        }
        if !finding.ruleDescription.isEmpty { item["description"] = .string(finding.ruleDescription) }
        let optional: [(String, String?)] = [
            ("eventName", finding.eventName), ("eventSource", finding.eventSource), ("who", finding.who),
            ("sourceIPAddress", finding.sourceIPAddress), ("region", finding.region), ("account", finding.account),
        ]
        for (name, value) in optional {
            if let value { item[name] = .string(value) }
        }
        return item
    }

    /// The finding of an item.
    ///
    /// - Throws: ``StoreError`` `corrupt` when a required attribute is missing or malformed.
    static func finding(_ item: DynamoDBClient.Item) throws -> Finding {
        guard let eventID = item["eventID"]?.stringValue, let rule = item["rule"]?.stringValue,
            let severity = item["severity"]?.stringValue.flatMap(Severity.init(parsing:)),
            let eventTime = item["eventTimeEpoch"]?.int64Value
        else {
            throw StoreError(.corrupt, "a DynamoDB finding item lacks its key, severity or eventTimeEpoch")
        }
        let record: Data
        switch item["record"] {
        case .string(let text): record = Data(text.utf8)
        case .binary(let bytes): record = bytes
        default: record = Data()
        }
        return Finding(
            eventID: eventID, rule: rule, severity: severity,
            ruleDescription: item["description"]?.stringValue ?? "",
            eventName: item["eventName"]?.stringValue, eventSource: item["eventSource"]?.stringValue,
            eventTime: eventTime, who: item["who"]?.stringValue,
            sourceIPAddress: item["sourceIPAddress"]?.stringValue, region: item["region"]?.stringValue,
            account: item["account"]?.stringValue, origin: item["origin"]?.stringValue ?? "",
            detectedAt: item["detectedAt"]?.int64Value ?? 0, record: record
        )
    }
}
