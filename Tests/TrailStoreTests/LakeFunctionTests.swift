import Foundation
import Testing
import TrailLakeSQL
import TrailStore
import TrailStoreSQLite

/// Every `tk_*` function against vectors, through a real query connection.
@Suite("Lake SQL functions")
struct LakeFunctionTests {
    let bed: LakeTestBed

    init() throws { bed = try LakeTestBed() }

    func value(_ expression: String, _ arguments: [PhysicalQuery.Argument] = []) async throws -> String? {
        try await bed.value(expression, arguments)
    }

    @Test func datePartsIncludingISOWeeks() async throws {
        let cases: [(String, String, String)] = [
            ("week", "2021-01-03 12:00:00", "53"), ("year_of_week", "2021-01-03 12:00:00", "2020"),
            ("week", "2021-01-04 00:00:00", "1"), ("week", "2020-12-31 00:00:00", "53"),
            ("week", "2024-12-30 00:00:00", "1"), ("year_of_week", "2024-12-30 00:00:00", "2025"),
            ("week", "2023-01-01 00:00:00", "52"), ("year_of_week", "2023-01-01 00:00:00", "2022"),
            ("day_of_week", "2023-01-22 16:53:53", "7"), ("day_of_week", "2023-01-23 00:00:00", "1"),
            ("day_of_year", "2024-12-31 00:00:00", "366"), ("quarter", "2023-08-01 00:00:00", "3"),
            ("year", "1969-12-31 23:59:59.999", "1969"), ("hour", "1969-12-31 23:59:59.999", "23"),
            ("millisecond", "1969-12-31 23:59:59.999", "999"), ("minute", "2023-01-22 16:53:53", "53"),
            ("second", "2023-01-22 16:53:53", "53"), ("day", "2024-02-29 10:00:00", "29"), ("month", "2024-02-29 10:00:00", "2"),
            ("epoch_day", "1970-01-02 00:00:00", "1"),
        ]
        for (part, time, expected) in cases {
            #expect(try await value("tk_date_part('\(part)', ?1)", [.integer(.ms(time))]) == expected, "\(part) of \(time)")
        }
        #expect(try await bed.failure("tk_date_part('fortnight', 0)") == "Unknown date part: fortnight")
    }

    @Test func truncAddDiffFormatParse() async throws {
        func ts(_ sql: String, _ arguments: [PhysicalQuery.Argument]) async throws -> String? {
            try await value("tk_render('timestamp(3)', \(sql))", arguments)
        }
        let t = PhysicalQuery.Argument.integer(.ms("2023-05-17 16:53:53.250"))
        #expect(try await ts("tk_date_trunc('week', ?1)", [t]) == "2023-05-15 00:00:00.000")
        #expect(try await ts("tk_date_trunc('month', ?1)", [t]) == "2023-05-01 00:00:00.000")
        #expect(try await ts("tk_date_trunc('quarter', ?1)", [t]) == "2023-04-01 00:00:00.000")
        #expect(try await ts("tk_date_trunc('year', ?1)", [t]) == "2023-01-01 00:00:00.000")
        #expect(try await ts("tk_date_trunc('hour', ?1)", [t]) == "2023-05-17 16:00:00.000")
        #expect(try await ts("tk_date_trunc('second', ?1)", [t]) == "2023-05-17 16:53:53.000")
        #expect(try await ts("tk_date_add('month', 1, ?1)", [.integer(.ms("2023-01-31 08:00:00"))]) == "2023-02-28 08:00:00.000")
        #expect(try await ts("tk_date_add('year', 1, ?1)", [.integer(.ms("2024-02-29 00:00:00"))]) == "2025-02-28 00:00:00.000")
        #expect(try await ts("tk_date_add('day', -1, ?1)", [.integer(.ms("2024-03-01 00:00:00"))]) == "2024-02-29 00:00:00.000")
        #expect(try await ts("tk_date_add('quarter', -1, ?1)", [.integer(.ms("2024-05-31 00:00:00"))]) == "2024-02-29 00:00:00.000")
        #expect(try await ts("tk_date_add('hour', 30, ?1)", [t]) == "2023-05-18 22:53:53.250")
        let a = PhysicalQuery.Argument.integer(.ms("2023-01-31 00:00:00"))
        #expect(try await value("tk_date_diff('month', ?1, ?2)", [a, .integer(.ms("2023-02-28 00:00:00"))]) == "1")
        #expect(try await value("tk_date_diff('month', ?1, ?2)", [a, .integer(.ms("2023-02-27 00:00:00"))]) == "0")
        #expect(try await value("tk_date_diff('year', ?1, ?2)", [a, .integer(.ms("2025-01-30 00:00:00"))]) == "1")
        #expect(try await value("tk_date_diff('day', ?1, ?2)", [a, .integer(.ms("2023-03-01 12:00:00"))]) == "29")
        #expect(try await value("tk_date_diff('hour', ?1, ?2)", [.integer(.ms("2023-03-01 12:00:00")), a]) == "-708")
        #expect(try await value("tk_date_format(?1, '%Y-%m-%d %H:%i:%s.%f %a %b %j %W %p %v/%x')", [t])
            == "2023-05-17 16:53:53.250000 Wed May 137 Wednesday PM 20/2023")
        #expect(try await value("tk_date_format(?1, 'iso8601')", [t]) == "2023-05-17T16:53:53.250")
        #expect(try await ts("tk_date_parse('2023/01/22 04:53 PM', '%Y/%m/%d %h:%i %p')", []) == "2023-01-22 16:53:00.000")
        #expect(try await bed.failure("tk_date_parse('2023-13-01', '%Y-%m-%d')") == "Invalid format: \"2023-13-01\"")
        #expect(try await ts("tk_ts_parse('2023-01-22T18:53:53.5+02:00')", []) == "2023-01-22 16:53:53.500")
        #expect(try await ts("tk_ts_parse('2023-01-22T16:53:53Z')", []) == "2023-01-22 16:53:53.000")
        #expect(try await bed.failure("tk_ts_parse('yesterday')") == "Invalid format: \"yesterday\"")
    }

    @Test func jsonPathAndJSONFunctions() async throws {
        let document = PhysicalQuery.Argument.text(#"{"a":{"b":[1,{"c":"x"}],"k/e~y":true},"n":null}"#)
        #expect(try await value("tk_json_extract(?1, '$.a.b[1].c')", [document]) == "\"x\"")
        #expect(try await value("tk_json_extract_scalar(?1, '$.a.b[1].c')", [document]) == "x")
        #expect(try await value("tk_json_extract(?1, '$[\"a\"][\"b\"][0]')", [document]) == "1")
        #expect(try await value("tk_json_extract(?1, '$.a.b')", [document]) == #"[1,{"c":"x"}]"#)
        #expect(try await value("tk_json_extract_scalar(?1, '$.a.b')", [document]) == nil)
        #expect(try await value("tk_json_extract_scalar(?1, '$.a[\"k/e~y\"]')", [document]) == "true")
        #expect(try await value("tk_json_extract(?1, '$.missing')", [document]) == nil)
        #expect(try await bed.failure("tk_json_extract('{}', 'a.b')") == "Invalid JSON path: 'a.b'")
        #expect(try await value("tk_json_array_length('[1,2,3]')") == "3")
        #expect(try await value("tk_json_array_length('{\"a\":1}')") == nil)
        #expect(try await value("tk_json_array_get('[\"a\",\"b\",\"c\"]', -1)") == "\"c\"")
        #expect(try await value("tk_json_array_get('[\"a\",\"b\",\"c\"]', 3)") == nil)
        #expect(try await value("tk_json_array_contains('[1,2,3]', 2)") == "1")
        #expect(try await value("tk_json_array_contains('[\"x\",\"y\"]', 'z')") == "0")
        #expect(try await value("tk_is_json_scalar('12')") == "1")
        #expect(try await value("tk_is_json_scalar('[12]')") == "0")
        #expect(try await value("tk_json_parse(' {\"a\" : [1, 2]} ')") == #"{"a":[1,2]}"#)
        #expect(try await bed.failure("tk_json_parse('{nope')") == "Cannot convert value to JSON: '{nope'")
        #expect(try await value("tk_json_format('[1, \"a\"]')") == #"[1,"a"]"#)
    }

    @Test func mapAndArrayFunctions() async throws {
        let map = PhysicalQuery.Argument.text(#"{"k":{"n":1},"s":"v","z":null}"#)
        #expect(try await value("tk_element_at(?1, 'k')", [map]) == #"{"n":1}"#)
        #expect(try await value("tk_element_at(?1, 's')", [map]) == "v")
        #expect(try await value("tk_element_at(?1, 'z')", [map]) == nil)
        #expect(try await value("tk_element_at(?1, 'missing')", [map]) == nil)
        #expect(try await value("tk_element_at('[\"a\",\"b\"]', -1)") == "b")
        #expect(try await value("tk_element_at('[\"a\",\"b\"]', 5)") == nil)
        #expect(try await bed.failure("tk_element_at('[\"a\"]', 0)") == "SQL array indices start at 1")
        #expect(try await value("tk_cardinality(?1)", [map]) == "3")
        #expect(try await value("tk_map_keys(?1)", [map]) == #"["k","s","z"]"#)
        #expect(try await value("tk_map_values(?1)", [map]) == #"[{"n":1},"v",null]"#)
        #expect(try await value("tk_contains('[\"a\",\"b\"]', 'b')") == "1")
        #expect(try await value("tk_contains('[\"a\",null]', 'b')") == nil)
        #expect(try await value("tk_contains('[1,2]', 3)") == "0")
        #expect(try await value("tk_array_distinct('[\"a\",\"b\",\"a\",1,1]')") == #"["a","b",1]"#)
        #expect(try await value("tk_array_max('[3,10,2]')") == "10")
        #expect(try await value("tk_array_min('[\"b\",\"a\",\"c\"]')") == "a")
        #expect(try await value("tk_array_max('[1,null]')") == nil)
        #expect(try await value("tk_slice('[1,2,3,4,5]', 2, 2)") == "[2,3]")
        #expect(try await value("tk_slice('[1,2,3,4,5]', -2, 5)") == "[4,5]")
        #expect(try await value("tk_slice('[1,2,3]', 7, 1)") == "[]")
        #expect(try await bed.failure("tk_slice('[1]', 0, 1)") == "SQL array indices start at 1")
        #expect(try await value("tk_row_field('{\"tlsVersion\":\"TLSv1.2\",\"n\":4}', 'tlsversion')") == "TLSv1.2")
        #expect(try await value("tk_row_field('{\"tlsVersion\":\"TLSv1.2\",\"n\":4}', 'n')") == "4")
    }

    @Test func likeWithEscapes() async throws {
        #expect(try await value(#"tk_like('50%', '50\%', '\')"#) == "1")
        #expect(try await value(#"tk_like('500', '50\%', '\')"#) == "0")
        #expect(try await value("tk_like('a_b', 'a!_b', '!')") == "1")
        #expect(try await value("tk_like('axb', 'a!_b', '!')") == "0")
        #expect(try await value("tk_like('axb', 'a_b', NULL)") == "1")
        #expect(try await value("tk_like('Alice', '%alice%', NULL)") == "0")
        #expect(try await value("tk_like('my Alice', '%Alice', NULL)") == "1")
        #expect(try await value("tk_like(NULL, '%', NULL)") == nil)
        #expect(try await bed.failure("tk_like('a', 'a', 'xy')") == "Escape string must be a single character")
        #expect(try await bed.failure("tk_like('a', 'a!', '!')") != nil)
    }

    @Test func trinoRendering() async throws {
        #expect(try await value("tk_render('map(varchar, varchar)', ?1)", [.text(#"{"a":"x","b":{"c":1},"n":5}"#)]) == #"{a=x, b={"c":1}, n=5}"#)
        let resources = #"[{"accountId":"1","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}]"#
        #expect(try await value("tk_render('array(row(accountid varchar, type varchar, arn varchar, arnprefix varchar))', ?1)", [.text(resources)])
            == "[{accountid=1, type=AWS::S3::Bucket, arn=arn:aws:s3:::b, arnprefix=null}]")
        #expect(try await value("tk_render('row(tlsversion varchar, ciphersuite varchar, clientprovidedhostheader varchar)', ?1)",
            [.text(#"{"tlsVersion":"TLSv1.3","clientProvidedHostHeader":"h"}"#)]) == "{tlsversion=TLSv1.3, ciphersuite=null, clientprovidedhostheader=h}")
        #expect(try await value("tk_render('timestamp(3)', ?1)", [.integer(.ms("2023-01-22 16:53:53"))]) == "2023-01-22 16:53:53.000")
        #expect(try await value("tk_render('timestamp(3) with time zone', ?1)", [.integer(.ms("2024-05-01 12:00:00"))]) == "2024-05-01 12:00:00.000 UTC")
        #expect(try await value("tk_render('date', 19379)") == "2023-01-22")
        #expect(try await value("tk_render('double', 10000000.0)") == "1.0E7")
        #expect(try await value("tk_render('double', 0.6)") == "0.6")
        #expect(try await value("tk_render('double', 1)") == "1.0")
        #expect(try await value("tk_render('double', 0.0000882145)") == "8.82145E-5")
        #expect(try await value("tk_render('boolean', 1)") == "true")
        #expect(try await value("tk_render('boolean', NULL)") == nil)
        #expect(try await value("tk_render('json', '[1,2]')") == "[1,2]")
        #expect(try await value("tk_render('interval day to second', 93784005)") == "1 02:03:04.005")
        // Doubles that reach the result without a rendering still print the Java way.
        #expect(try await value("2.5 * 4") == "10.0")
    }

    @Test func castsDivisionAndRounding() async throws {
        #expect(try await value("tk_cast('bigint', 'varchar', '42')") == "42")
        #expect(try await bed.failure("tk_cast('bigint', 'varchar', 'x')") == "Cannot cast varchar 'x' to bigint")
        #expect(try await value("tk_try_cast('bigint', 'varchar', 'x')") == nil)
        #expect(try await value("tk_cast('bigint', 'double', 2.5)") == "3")
        #expect(try await value("tk_cast('varchar', 'boolean', 1)") == "true")
        #expect(try await value("tk_cast('varchar', 'double', 1.5)") == "1.5")
        #expect(try await value("tk_render('timestamp(3)', tk_cast('timestamp(3)', 'varchar', '2023-01-22 16:53:53'))") == "2023-01-22 16:53:53.000")
        #expect(try await value("tk_cast('date', 'timestamp(3)', ?1)", [.integer(.ms("2023-01-22 16:53:53"))]) == "19379")
        #expect(try await value("tk_cast('boolean', 'varchar', 'TRUE')") == "1")
        #expect(try await value("tk_cast('json', 'varchar', 'a\"b')") == #""a\"b""#)
        #expect(try await value("tk_div(7, 2)") == "3")
        #expect(try await value("tk_div(-7, 2)") == "-3")
        #expect(try await value("tk_mod(-7, 3)") == "-1")
        #expect(try await value("tk_div(7.0, 2)") == "3.5")
        #expect(try await bed.failure("tk_div(1, 0)") == "Division by zero")
        #expect(try await bed.failure("tk_mod(1, 0)") == "Division by zero")
        #expect(try await value("tk_ceil(1.2)") == "2.0")
        #expect(try await value("tk_floor(-1.2)") == "-2.0")
        #expect(try await value("tk_ceil(5)") == "5")
    }

    @Test func stringFunctions() async throws {
        #expect(try await value("tk_split_part('a,b,c', ',', 2)") == "b")
        #expect(try await value("tk_split_part('a,b,c', ',', 4)") == nil)
        #expect(try await bed.failure("tk_split_part('a', ',', 0)") == "Index must be greater than zero")
        #expect(try await value("tk_strpos('héllo', 'llo')") == "3")
        #expect(try await value("tk_strpos('hello', 'z')") == "0")
        #expect(try await value("tk_starts_with('arn:aws:iam', 'arn:')") == "1")
        #expect(try await value("tk_regexp_like('AKIAEXAMPLE', '^AKIA[A-Z]+$')") == "1")
        #expect(try await value("tk_regexp_like('akia', '^AKIA')") == "0")
        #expect(try await value("tk_regexp_extract('user/alice/x', 'user/([a-z]+)', 1)") == "alice")
        #expect(try await value("tk_regexp_extract('user/alice/x', 'role/([a-z]+)')") == nil)
        #expect(try await bed.failure("tk_regexp_extract('a', '(a)', 2)") == "Pattern has 1 groups. Cannot access group 2")
        #expect(try await value("tk_regexp_replace('a1b22', '[0-9]+', '#')") == "a#b#")
        #expect(try await value("tk_regexp_replace('alice bob', '(\\w+) (\\w+)', '$2 $1')") == "bob alice")
        #expect(try await value("tk_regexp_replace('a1', '[0-9]')") == "a")
        #expect(try await bed.failure("tk_regexp_like('a', '(')") == "Invalid regular expression: (")
    }
}
