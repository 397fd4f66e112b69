import Testing
import TrailLakeSQL

@Suite struct BinderTests {
    func columns(_ text: String) throws -> [String] {
        try Fixtures.bind(text).columns.map(\.name)
    }

    func type(_ expression: String) throws -> LakeType {
        let bound = try Fixtures.bind("SELECT \(expression) FROM eds-ID")
        return bound.columns[0].type
    }

    @Test func outputNamesFollowAWS() throws {
        #expect(try columns("SELECT userIdentity.principalId, count(*) FROM eds-ID GROUP BY userIdentity.principalId") == ["principalId", "_col1"])
        #expect(try columns("SELECT eventID, eventName AS n, useridentity.arn FROM eds-ID") == ["eventID", "n", "arn"])
        #expect(try columns("SELECT element_at(responseElements, 'queryId'), 1 + 1 AS \"Two\" FROM eds-ID") == ["_col0", "Two"])
        #expect(try columns("SELECT e.eventName, e.* FROM eds-ID e").prefix(3) == ["eventName", "eventversion", "useridentity"])
    }

    @Test func starExpandsTheWholeSchema() throws {
        let bound = try Fixtures.bind("SELECT * FROM eds-ID")
        #expect(bound.columns.count == LakeSchema.cloudTrail.columns.count)
        #expect(bound.columns.first { $0.name == "eventtime" }?.type == .timestamp)
        #expect(bound.columns.first { $0.name == "requestparameters" }?.type == .map(.varchar, .varchar))
        #expect(bound.columns.last?.name == "eventjsonchecksum")
    }

    @Test func nestedPathsAreCaseInsensitive() throws {
        #expect(try type("userIdentity.sessionContext.sessionIssuer.userName") == .varchar)
        #expect(try type("USERIDENTITY.SESSIONCONTEXT.ATTRIBUTES.CREATIONDATE") == .timestamp)
        #expect(try type("tlsDetails.tlsversion") == .varchar)
        #expect(try type("readOnly") == .boolean)
        if case .row(let fields) = try type("userIdentity") {
            #expect(fields.map(\.name).prefix(3) == ["type", "principalid", "arn"])
        } else {
            Issue.record("useridentity is a row")
        }
        if case .array(.row) = try type("resources") {} else { Issue.record("resources is array(row)") }
    }

    @Test func functionTypes() throws {
        #expect(try type("element_at(requestParameters, 'bucketName')") == .varchar)
        #expect(try type("requestParameters['bucketName']") == .varchar)
        #expect(try type("cardinality(requestParameters)") == .bigint)
        #expect(try type("map_keys(requestParameters)") == .array(.varchar))
        #expect(try type("map_values(additionalEventData)") == .array(.varchar))
        #expect(try type("contains(map_keys(requestParameters), 'key')") == .boolean)
        #expect(try type("array_max(map_keys(requestParameters))") == .varchar)
        #expect(try type("slice(map_keys(requestParameters), 1, 2)") == .array(.varchar))
        #expect(try type("array_distinct(map_keys(requestParameters))") == .array(.varchar))
        #expect(try type("element_at(resources, 1)") == .row([
            .init(name: "accountid", type: .varchar), .init(name: "type", type: .varchar),
            .init(name: "arn", type: .varchar), .init(name: "arnprefix", type: .varchar),
        ]))
        #expect(try type("json_extract_scalar(element_at(requestParameters, 'ipPermissions'), '$.items[0].ipProtocol')") == .varchar)
        #expect(try type("json_extract(json_parse(eventjson), '$.userIdentity')") == .json)
        #expect(try type("json_format(json_parse(eventjson))") == .varchar)
        #expect(try type("json_array_length(element_at(requestParameters, 'x'))") == .bigint)
        #expect(try type("json_array_get(element_at(requestParameters, 'x'), 0)") == .json)
        #expect(try type("json_array_contains(element_at(requestParameters, 'x'), 'y')") == .boolean)
        #expect(try type("is_json_scalar(element_at(requestParameters, 'x'))") == .boolean)
    }

    @Test(arguments: [
        "day", "day_of_month", "day_of_week", "day_of_year", "dow", "doy", "hour", "millisecond", "minute", "month",
        "quarter", "second", "week", "week_of_year", "year", "year_of_week", "yow",
    ])
    func datePartFunctions(_ name: String) throws {
        #expect(try type("\(name)(eventTime)") == .bigint)
        let plan = try Fixtures.plan("SELECT \(name)(eventTime) FROM eds-ID")
        #expect(plan.sql.contains("tk_date_part('\(FunctionCatalog.dateParts[name] ?? "")', e0.eventtime)"))
    }

    @Test func dateFunctions() throws {
        #expect(try type("now()") == .timestampWithTimeZone)
        #expect(try type("current_timestamp") == .timestampWithTimeZone)
        #expect(try type("date(eventTime)") == .date)
        #expect(try type("date_add('day', -7, eventTime)") == .timestamp)
        #expect(try type("date_trunc('hour', eventTime)") == .timestamp)
        #expect(try type("date_diff('day', eventTime, now())") == .bigint)
        #expect(try type("eventTime + INTERVAL '1' HOUR") == .timestamp)
        #expect(try type("now() - INTERVAL '7' DAY") == .timestampWithTimeZone)
        #expect(try type("from_iso8601_timestamp('2024-01-01T00:00:00Z')") == .timestampWithTimeZone)
        #expect(try type("to_unixtime(eventTime)") == .double)
    }

    @Test func aggregatesAndTier2() throws {
        #expect(try type("count(DISTINCT eventName)") == .bigint)
        #expect(try type("sum(cardinality(requestParameters))") == .bigint)
        #expect(try type("avg(cardinality(requestParameters))") == .double)
        #expect(try type("min(eventTime)") == .timestamp)
        #expect(try type("max(eventName)") == .varchar)
        #expect(try type("approx_distinct(eventName)") == .bigint)
        #expect(try type("count_if(readOnly)") == .bigint)
        #expect(try type("coalesce(errorCode, 'none')") == .varchar)
        #expect(try type("if(readOnly, 'r', 'w')") == .varchar)
        #expect(try type("lower(eventName) || upper(awsRegion)") == .varchar)
        #expect(try type("length(eventName) % 2") == .bigint)
        #expect(try type("regexp_like(userAgent, 'aws-cli/.*')") == .boolean)
        #expect(try type("CAST(readOnly AS varchar)") == .varchar)
        #expect(try type("CASE WHEN readOnly THEN 1 ELSE 2.5 END") == .double)
    }

    @Test func timestampComparedWithStringIsFolded() throws {
        let bound = try Fixtures.bind("SELECT eventName FROM eds-ID WHERE eventTime >= '2022-01-05 13:51:00'")
        guard case .select(let select) = bound.body, case .comparison(">=", _, .literal(.timestamp(let ms), .timestamp)) = select.filter else {
            Issue.record("expected a folded timestamp literal")
            return
        }
        #expect(ms == 1_641_390_660_000)
        #expect(TimestampLiteral.milliseconds("2020-01-01") == 1_577_836_800_000)
        #expect(TimestampLiteral.milliseconds("2023-01-22 16:53:53.5") == 1_674_406_433_500)
        #expect(TimestampLiteral.milliseconds("2023-02-30 00:00:00") == nil)
    }

    @Test func joinAliasesQualifyColumns() throws {
        let bound = try Fixtures.bind(
            "SELECT edsA.eventName, edsB.eventName FROM eds1 as edsA LEFT JOIN eds2 as edsB ON edsA.eventId = edsB.eventId"
        )
        #expect(bound.stores.map(\.id) == [FixtureResolver.mainStore, FixtureResolver.secondStore])
        #expect(bound.columns.map(\.name) == ["eventName", "eventName"])
    }

    @Test func selfJoinReadsOneStoreTwice() throws {
        let bound = try Fixtures.bind("SELECT a.eventName FROM eds1 a JOIN event_data_store_ID b ON a.eventID = b.sharedEventID")
        #expect(bound.stores.count == 1)
    }

    @Test func activityAuditLogSchema() throws {
        let bound = try Fixtures.bind("SELECT eventData.eventName, metadata.channelARN, eventData.userIdentity.details FROM audit")
        #expect(bound.columns.map(\.type) == [.varchar, .varchar, .map(.varchar, .varchar)])
        let plan = try Fixtures.plan("SELECT eventData.uid FROM audit WHERE eventData.eventName = 'Login'")
        #expect(plan.sql.contains("(e0.s_eventname = ?1)"))
        #expect(plan.sql.contains("tk_json(0, e0.seq, '/eventData/UID', 'text')"))
    }

    @Test func orderByAliasOrdinalAndExpression() throws {
        let bound = try Fixtures.bind(
            "SELECT eventName AS n, count(*) AS c FROM eds-ID GROUP BY eventName ORDER BY c DESC, 1, eventName, max(eventTime)"
        )
        #expect(bound.orderBy.map(\.key) == [.output(1), .output(0), .output(0), .hidden(0)])
    }
}
