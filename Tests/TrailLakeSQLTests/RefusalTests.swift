import Testing
import TrailLakeSQL

@Suite struct RefusalTests {
    func expectFailure(_ text: String, _ code: LakeSQLError.Code, _ message: String, line: Int = 1, column: Int) {
        let error = Fixtures.failure(text)
        #expect(error?.code == code, "\(text)")
        #expect(error?.message == message, "\(text)")
        #expect(error?.location == LakeSQLPosition(line: line, column: column), "\(text)")
    }

    @Test(arguments: [
        "INSERT INTO eds-ID VALUES (1)", "UPDATE eds-ID SET a = 1", "DELETE FROM eds-ID", "CREATE TABLE t (a int)",
        "DROP TABLE events", "ALTER TABLE events ADD COLUMN x", "ATTACH DATABASE '/tmp/x' AS x", "DETACH x",
        "PRAGMA writable_schema = 1", "VACUUM", "EXPLAIN SELECT 1", "MERGE INTO t", "REPLACE INTO t VALUES (1)",
        "  pragma query_only = 0", "GRANT SELECT ON t TO u", "CALL system.x()", "SET SESSION a = 1",
    ])
    func writesAndDDLAreRefused(_ text: String) {
        let error = Fixtures.failure(text)
        #expect(error?.code == .notReadOnly)
        #expect(error?.message.hasPrefix("Only SELECT statements are allowed") == true)
    }

    @Test(arguments: [
        "SELECT eventName FROM eds-ID; DROP TABLE events",
        "SELECT eventName FROM eds-ID; SELECT 1 FROM eds-ID",
        "SELECT eventName FROM eds-ID; ATTACH DATABASE 'x' AS y",
        "SELECT eventName FROM eds-ID; PRAGMA query_only = 0",
    ])
    func multipleStatementsAreRefused(_ text: String) {
        let error = Fixtures.failure(text)
        #expect(error?.code == .notReadOnly)
        #expect(error?.message == "Only one statement is allowed")
        #expect(error?.location == LakeSQLPosition(line: 1, column: 31))
    }

    @Test func quotedInjectionStaysALiteral() throws {
        let plan = try Fixtures.plan("SELECT eventName FROM eds-ID WHERE eventName = ''' OR 1=1; DROP TABLE events; --'")
        #expect(plan.arguments.contains(.symbol(store: 0, text: "' OR 1=1; DROP TABLE events; --")))
        #expect(!plan.sql.contains("DROP"))
    }

    @Test func syntaxErrorsHavePositions() {
        expectFailure("SELECT FROM eds-ID", .syntaxError, "mismatched input 'FROM'. Expecting: <identifier>", column: 8)
        expectFailure("SELECT eventName\nFROM eds-ID\nWHERE eventName = ", .syntaxError, "mismatched input '<EOF>'", line: 3, column: 19)
        expectFailure("SELECT eventName eds-ID", .syntaxError, "mismatched input '-'. Expecting: FROM", column: 21)
        expectFailure("SELECT a FROM eds-ID WHERE (a = 1", .syntaxError, "mismatched input '<EOF>'. Expecting: ')'", column: 34)
        expectFailure("SELECT a FROM eds-ID ORDER a", .syntaxError, "mismatched input 'a'. Expecting: BY", column: 28)
        expectFailure("", .syntaxError, "mismatched input '<EOF>'. Expecting: SELECT", column: 1)
        expectFailure("SELECT eventName FROM WHERE", .syntaxError, "mismatched input 'WHERE'. Expecting: <identifier>", column: 23)
    }

    @Test func unknownColumns() {
        expectFailure("SELECT eventNam FROM eds-ID", .unknownColumn, "Column 'eventnam' cannot be resolved", column: 8)
        expectFailure("SELECT userIdentity.nope FROM eds-ID", .unknownColumn, "Column 'useridentity.nope' cannot be resolved", column: 8)
        expectFailure(
            "SELECT edsA.eventName, element_at(edsA.map, 'test') FROM eds1 as edsA LEFT JOIN eds2 as edsB ON edsA.eventId = edsB.eventId",
            .unknownColumn, "Column 'edsa.map' cannot be resolved", column: 35
        )
        expectFailure("SELECT eventName FROM eds1 a JOIN eds2 b ON a.eventID = b.eventID", .unknownColumn, "Column 'eventname' is ambiguous", column: 8)
        expectFailure("SELECT requestParameters.bucketName FROM eds-ID", .semanticError, "Expression requestparameters is not of type ROW", column: 26)
    }

    @Test func unknownFunctionsAndArity() {
        expectFailure("SELECT load_extension('x') FROM eds-ID", .unknownFunction, "Function 'load_extension' not registered", column: 8)
        expectFailure("SELECT readfile('/etc/passwd') FROM eds-ID", .unknownFunction, "Function 'readfile' not registered", column: 8)
        expectFailure(
            "SELECT element_at(requestParameters) FROM eds-ID", .unknownFunction,
            "Unexpected number of parameters (1) for function element_at. Expected: element_at(map(K,V), K) / element_at(array(E), bigint)", column: 8
        )
        expectFailure("SELECT day_of_week() FROM eds-ID", .unknownFunction, "Unexpected number of parameters (0) for function day_of_week. Expected: day_of_week(timestamp)", column: 8)
    }

    @Test func typeErrors() {
        expectFailure("SELECT eventName FROM eds-ID WHERE readOnly = 'true'", .semanticError, "Cannot apply operator: boolean = varchar(4)", column: 45)
        expectFailure("SELECT eventName FROM eds-ID WHERE eventTime > 'yesterday'", .semanticError, "Value cannot be cast to timestamp(3): yesterday", column: 46)
        expectFailure("SELECT eventName FROM eds-ID WHERE eventName", .semanticError, "WHERE clause must evaluate to a boolean: actual type varchar", column: 36)
        expectFailure(
            "SELECT day_of_week(eventName) FROM eds-ID", .semanticError,
            "Unexpected parameters (varchar) for function day_of_week. Expected: day_of_week(timestamp)", column: 8
        )
        expectFailure("SELECT eventName + 1 FROM eds-ID", .semanticError, "Cannot apply operator: varchar + bigint", column: 18)
    }

    @Test func aggregationRules() {
        expectFailure(
            "SELECT eventName, count(*) FROM eds-ID", .semanticError,
            "'eventname' must be an aggregate expression or appear in GROUP BY clause", column: 8
        )
        expectFailure(
            "SELECT userIdentity.arn, count(*) FROM eds-ID GROUP BY eventName", .semanticError,
            "'useridentity.arn' must be an aggregate expression or appear in GROUP BY clause", column: 8
        )
        expectFailure("SELECT eventName FROM eds-ID WHERE count(*) > 1", .semanticError, "WHERE clause cannot contain aggregations or window functions: [count]", column: 36)
        expectFailure("SELECT max(count(*)) FROM eds-ID", .semanticError, "Cannot nest aggregations inside aggregation 'count'", column: 12)
        expectFailure("SELECT lower(DISTINCT eventName) FROM eds-ID", .semanticError, "DISTINCT can only be applied to aggregation functions", column: 8)
    }

    @Test func unsupportedConstructs() {
        expectFailure("WITH x AS (SELECT 1) SELECT * FROM x", .notSupported, "WITH clauses are not supported", column: 1)
        expectFailure("SELECT * FROM (SELECT eventName FROM eds-ID)", .notSupported, "Sub-queries are not supported", column: 15)
        expectFailure("SELECT eventName FROM eds-ID WHERE eventName IN (SELECT eventName FROM eds1)", .notSupported, "Sub-queries are not supported", column: 50)
        expectFailure("SELECT count(*) OVER () FROM eds-ID", .notSupported, "Window functions are not supported", column: 17)
        expectFailure("SELECT * FROM UNNEST(ARRAY[1])", .notSupported, "Sub-queries, UNNEST and LATERAL are not supported", column: 15)
        expectFailure("SELECT transform(x, v -> v) FROM eds-ID", .notSupported, "Lambda expressions are not supported", column: 23)
        expectFailure("VALUES (1)", .notSupported, "VALUES is not supported", column: 1)
    }

    @Test func storesAreResolvedByTheResolver() {
        expectFailure("SELECT * FROM sqlite_master", .storeNotFound, "Event data store sqlite_master not found", column: 15)
        expectFailure("SELECT * FROM main.events", .storeNotFound, "Event data store main.events not found", column: 15)
        expectFailure("SELECT * FROM pending", .storeInactive, "Event data store pending is pending deletion", column: 15)
        expectFailure("SELECT * FROM arn:aws:cloudtrail:x", .storeARNInvalid, "Event data store ARN arn:aws:cloudtrail:x is not valid", column: 15)
        let eleven = (0...10).map { "extra\($0)" }.joined(separator: ", ")
        #expect(Fixtures.failure("SELECT 1 FROM \(eleven)")?.code == .tooComplex)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        #expect(Fixtures.failure("SELECT \(deep) FROM eds-ID")?.code == .tooComplex)
        let notChain = String(repeating: "NOT ", count: 300) + "readOnly"
        #expect(Fixtures.failure("SELECT eventName FROM eds-ID WHERE \(notChain)")?.code == .tooComplex)
    }

    @Test func hugeLiteralsAreErrorsNotTraps() {
        #expect(Fixtures.failure("SELECT eventTime + INTERVAL '999999999999999' DAY FROM eds-ID")?.code == .semanticError)
        #expect(Fixtures.failure("SELECT 99999999999999999999 FROM eds-ID")?.code == .semanticError)
        #expect(Fixtures.failure("SELECT eventName FROM eds-ID LIMIT 99999999999999999999")?.code == .syntaxError)
    }

    @Test func descriptionIsTrinoStyle() {
        #expect(Fixtures.failure("SELECT nope FROM eds-ID")?.description == "line 1:8: Column 'nope' cannot be resolved")
    }
}
