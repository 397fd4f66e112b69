import Testing
import TrailLakeSQL

/// One construct at a time: the fragment of lowered SQL it produces.
@Suite struct LoweringConstructTests {
    func sql(_ select: String, where condition: String? = nil) throws -> String {
        let text = "SELECT \(select) FROM eds-ID" + (condition.map { " WHERE \($0)" } ?? "")
        return try Fixtures.plan(text).sql
    }

    @Test func caseAndIf() throws {
        #expect(try sql("CASE WHEN readOnly THEN 'r' ELSE 'w' END").contains("CASE WHEN e0.readonly THEN ?1 ELSE ?2 END AS c0"))
        #expect(try sql("CASE eventName WHEN 'A' THEN 1 END").contains("CASE WHEN (e0.s_eventname = ?1) THEN ?2 END"))
        #expect(try sql("if(readOnly, 1, 0)").contains("CASE WHEN e0.readonly THEN ?1 ELSE ?2 END"))
    }

    @Test func casts() throws {
        #expect(try sql("CAST(readOnly AS varchar)").contains("tk_cast('varchar', 'boolean', e0.readonly)"))
        #expect(try sql("TRY_CAST(eventName AS bigint)").contains("tk_try_cast('bigint', 'varchar', tk_sym(0, e0.s_eventname))"))
        #expect(try sql("CAST(cardinality(requestParameters) AS varchar)").contains("CAST(tk_cardinality(tk_json(0, e0.seq, '/requestParameters', 'json')) AS TEXT)"))
        let folded = try Fixtures.plan("SELECT eventName FROM eds-ID WHERE eventTime > CAST('2024-01-01 00:00:00' AS timestamp)")
        #expect(folded.arguments == [.integer(1_704_067_200_000)])
    }

    @Test func predicates() throws {
        #expect(try sql("eventName", where: "eventName NOT IN ('A', 'B')").contains("(e0.s_eventname NOT IN (?1, ?2))"))
        #expect(try sql("eventName", where: "errorMessage IN ('A')").contains("(tk_json(0, e0.seq, '/errorMessage', 'text') IN (?1))"))
        #expect(try sql("eventName", where: "eventTime BETWEEN '2024-01-01' AND '2024-01-02'").contains("(e0.eventtime BETWEEN ?1 AND ?2)"))
        #expect(
            try sql("eventName", where: "eventName NOT LIKE 'Get!%%' ESCAPE '!'")
                .contains("(NOT CASE WHEN ?1 IS NULL THEN tk_like(tk_sym(0, e0.s_eventname), ?2, ?3) ELSE e0.s_eventname IN (SELECT value FROM json_each(?1)) END)")
        )
        #expect(try sql("eventName", where: "errorMessage LIKE 'Access%'").contains("tk_like(tk_json(0, e0.seq, '/errorMessage', 'text'), ?1, NULL)"))
        #expect(try sql("eventName", where: "errorCode IS NULL").contains("(e0.s_errorcode IS NULL)"))
        #expect(try sql("eventName", where: "NOT readOnly OR managementEvent = false").contains("((NOT e0.readonly) OR (e0.managementevent = ?1))"))
        #expect(try sql("eventName", where: "'ConsoleLogin' = eventName").contains("(e0.s_eventname = ?1)"))
    }

    @Test func symbolColumnsOfOtherStoresAreDecoded() throws {
        let plan = try Fixtures.plan("SELECT a.eventName FROM eds1 a JOIN eds2 b ON a.eventName = b.eventName")
        #expect(plan.sql.contains("ON (tk_sym(0, e0.s_eventname) = tk_sym(1, e1.s_eventname))"))
        let same = try Fixtures.plan("SELECT a.eventName FROM eds1 a JOIN event_data_store_ID b ON a.eventName = b.eventName")
        #expect(same.sql.contains("ON (e0.s_eventname = e1.s_eventname)"))
    }

    @Test func arithmeticAndIntervals() throws {
        #expect(try sql("cardinality(requestParameters) / 2").contains("(tk_cardinality(tk_json(0, e0.seq, '/requestParameters', 'json')) / ?1)"))
        #expect(try sql("2 / cardinality(requestParameters)").contains("tk_div(?1, tk_cardinality("))
        #expect(try sql("length(eventName) % length(awsRegion)").contains("tk_mod(length(tk_sym(0, e0.s_eventname)), length(tk_sym(0, e0.s_awsregion)))"))
        #expect(try sql("eventTime + INTERVAL '1' HOUR").contains("(e0.eventtime + ?1)"))
        #expect(try sql("eventTime - INTERVAL '2' MONTH").contains("tk_date_add('month', (- ?1), e0.eventtime)"))
        let plan = try Fixtures.plan("SELECT eventName FROM eds-ID WHERE eventTime > now() - INTERVAL '7' DAY")
        #expect(plan.sql.contains("(e0.eventtime > (?1 - ?2))"))
        #expect(plan.arguments == [.queryTime, .integer(604_800_000)])
        #expect(try sql("-cardinality(requestParameters)").contains("(- tk_cardinality("))
    }

    @Test func mapsArraysAndJSON() throws {
        #expect(try sql("requestParameters['bucketName']").contains("tk_map_get(0, e0.seq, '/requestParameters', ?1)"))
        #expect(try sql("element_at(map_keys(requestParameters), 1)").contains("tk_element_at(tk_map_keys(tk_json(0, e0.seq, '/requestParameters', 'json')), ?1)"))
        #expect(try sql("element_at(resources, 1).arn").contains("tk_row_field(tk_element_at(tk_json(0, e0.seq, '/resources', 'json'), ?1), 'arn')"))
        #expect(try sql("json_extract_scalar(element_at(requestParameters, 'x'), '$.a')").contains("tk_json_extract_scalar(tk_map_get("))
        #expect(try sql("userIdentity.sessionContext.sessionIssuer.userName").contains("tk_json(0, e0.seq, '/userIdentity/sessionContext/sessionIssuer/userName', 'text')"))
        #expect(try sql("userIdentity.sessionContext.attributes.creationDate").contains("'/userIdentity/sessionContext/attributes/creationDate', 'timestamp')"))
    }

    @Test func dateFunctions() throws {
        #expect(try sql("date(eventTime)").contains("tk_date_part('epoch_day', e0.eventtime)"))
        #expect(try sql("date_trunc('day', eventTime)").contains("tk_date_trunc(?1, e0.eventtime)"))
        #expect(try sql("date_add('day', 1, eventTime)").contains("tk_date_add(?1, ?2, e0.eventtime)"))
        #expect(try sql("date_diff('hour', eventTime, now())").contains("tk_date_diff(?1, e0.eventtime, ?2)"))
        #expect(try sql("current_date").contains("tk_date_part('epoch_day', ?1)"))
        #expect(try sql("year(DATE '2024-02-29')").contains("tk_date_part('year', (?1 * 86400000))"))
        #expect(try sql("to_unixtime(eventTime)").contains("(e0.eventtime / 1000.0)"))
        #expect(try sql("from_unixtime(1700000000)").contains("CAST(round(?1 * 1000) AS INTEGER)"))
        #expect(try sql("date_format(eventTime, '%Y')").contains("tk_date_format(e0.eventtime, ?1)"))
    }

    @Test func stringsAndConditionals() throws {
        #expect(try sql("concat(eventName, '-', awsRegion)").contains("(tk_sym(0, e0.s_eventname) || ?1 || tk_sym(0, e0.s_awsregion))"))
        #expect(try sql("greatest(1, 2, 3)").contains("max(?1, ?2, ?3)"))
        #expect(try sql("substring(eventName, 1, 3)").contains("substr(tk_sym(0, e0.s_eventname), ?1, ?2)"))
        #expect(try sql("split_part(userAgent, '/', 1)").contains("tk_split_part(tk_sym(0, e0.s_useragent), ?1, ?2)"))
        #expect(try sql("coalesce(errorCode, 'ok')").contains("coalesce(tk_sym(0, e0.s_errorcode), ?1)"))
    }

    @Test func aggregates() throws {
        let plan = try Fixtures.plan(
            """
            SELECT awsRegion, count(DISTINCT eventName), count_if(readOnly), approx_distinct(userIdentity.arn), avg(cardinality(requestParameters)),
                   max(eventTime), arbitrary(eventSource)
            FROM eds-ID GROUP BY 1 HAVING count(*) > 10
            """
        )
        #expect(plan.sql.contains("count(DISTINCT e0.s_eventname) AS c1"))
        #expect(plan.sql.contains("count(CASE WHEN e0.readonly THEN 1 END) AS c2"))
        #expect(plan.sql.contains("count(DISTINCT e0.s_ui_arn) AS c3"))
        #expect(try sql("count(errorCode), count(errorMessage)").contains("count(e0.s_errorcode) AS c0, count(tk_json(0, e0.seq, '/errorMessage', 'text')) AS c1"))
        #expect(plan.sql.contains("avg(tk_cardinality("))
        #expect(plan.sql.contains("GROUP BY e0.s_awsregion HAVING (count(*) > ?1)"))
        #expect(plan.sql.hasPrefix("SELECT q.c0 AS c0, q.c1 AS c1, q.c2 AS c2, q.c3 AS c3, tk_render('double', q.c4) AS c4, tk_render('timestamp(3)', q.c5) AS c5"))
    }

    @Test func distinctOrderLimitOffset() throws {
        let plan = try Fixtures.plan("SELECT DISTINCT eventName FROM eds-ID ORDER BY eventName DESC NULLS FIRST LIMIT 5 OFFSET 10")
        #expect(plan.sql.contains("SELECT DISTINCT tk_sym(0, e0.s_eventname) AS c0"))
        #expect(plan.sql.hasSuffix("ORDER BY q.c0 DESC NULLS FIRST LIMIT ?1 OFFSET ?2"))
        #expect(plan.arguments == [.integer(5), .integer(10)])
        let hidden = try Fixtures.plan("SELECT eventName FROM eds-ID ORDER BY eventTime")
        #expect(hidden.sql.contains("e0.eventtime AS h0"))
        #expect(hidden.sql.hasSuffix("ORDER BY q.h0 ASC NULLS LAST"))
        #expect(try Fixtures.plan("SELECT eventName FROM eds-ID OFFSET 3").sql.hasSuffix("LIMIT -1 OFFSET ?1"))
        #expect(Fixtures.failure("SELECT DISTINCT eventName FROM eds-ID ORDER BY eventTime")?.code == .semanticError)
    }

    @Test func setOperations() throws {
        let plan = try Fixtures.plan("SELECT eventName FROM eds1 INTERSECT SELECT eventName FROM eds2 EXCEPT SELECT eventName FROM eds3")
        #expect(plan.sql.contains(" INTERSECT SELECT "))
        #expect(plan.sql.contains(" EXCEPT SELECT "))
        #expect(plan.stores.count == 3)
        #expect(Fixtures.failure("SELECT eventName FROM eds1 UNION SELECT eventName, awsRegion FROM eds2")?.message == "UNION query has different number of fields: 1, 2")
        #expect(Fixtures.failure("SELECT eventName FROM eds1 UNION SELECT eventTime FROM eds2")?.message == "column 1 in UNION query has incompatible types: varchar, timestamp(3)")
        #expect(Fixtures.failure("SELECT eventName FROM eds1 EXCEPT ALL SELECT eventName FROM eds2")?.code == .notSupported)
        let numeric = try Fixtures.bind("SELECT 1 FROM eds1 UNION ALL SELECT 2.5 FROM eds2")
        #expect(numeric.columns.map(\.type) == [.double])
    }

    @Test func joins() throws {
        for (written, lowered) in [("JOIN", "JOIN"), ("INNER JOIN", "JOIN"), ("LEFT OUTER JOIN", "LEFT JOIN"), ("RIGHT JOIN", "RIGHT JOIN"), ("FULL JOIN", "FULL JOIN")] {
            let plan = try Fixtures.plan("SELECT a.eventName FROM eds1 a \(written) eds2 b ON a.eventID = b.eventID")
            #expect(plan.sql.contains("FROM s0.events e0 \(lowered) s1.events e1 ON "), "\(written)")
        }
        #expect(try Fixtures.plan("SELECT a.eventName FROM eds1 a CROSS JOIN eds2 b").sql.contains("s0.events e0 CROSS JOIN s1.events e1 WHERE"))
        #expect(try Fixtures.plan("SELECT a.eventName FROM eds1 a, eds2 b").sql.contains("s0.events e0 CROSS JOIN s1.events e1 WHERE"))
        #expect(try Fixtures.plan("SELECT a.eventName FROM eds1 a, eds2 b").timeBounds == nil)
    }

    @Test func timeBounds() throws {
        let plan = try Fixtures.plan("SELECT eventName FROM eds-ID WHERE '2024-01-02' > eventTime AND eventTime BETWEEN '2023-12-01' AND '2024-03-01'")
        #expect(plan.timeBounds == PhysicalQuery.TimeBounds(lower: 1_701_388_800_000, upper: 1_704_153_600_000))
    }
}
