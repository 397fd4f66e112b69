import Foundation
import Testing

@testable import TrailDetection

/// CloudWatch Logs JSON filter patterns: grammar and matching edge cases from spec §10.1.
@Suite struct FilterPatternTests {
    static let event = #"""
        {"eventType":"UpdateTrail","sourceIPAddress":"123.123.1.5","someInt":123,"someFloat":1.50,"bool":true,"off":false,
         "nothing":null,"empty":"","errorCode":"Client.UnauthorizedOperation","arr":["a","b"],"nested":{"x":{"y":"z"}},
         "coordinates":[[1,2],[3,4]],"objectList":[{"id":"first"},{"id":"second"}],"cluster.name":"prod",
         "requestParameters":{"cluster.name":"dotted"},"message":"hello world","code":"11a1"}
        """#

    func matches(_ pattern: String, _ event: String = Self.event) throws -> Bool {
        try FilterPattern(pattern).matches(.value(try JSONValue.parse(event))) == true
    }

    @Test func andBindsTighterThanOr() throws {
        // A || B && C: A true, B false, C false → true only when && binds tighter.
        let a = "$.eventType = UpdateTrail"
        let b = "$.eventType = Nope"
        let c = "$.someInt = 0"
        #expect(try matches("{ \(a) || \(b) && \(c) }"))
        #expect(try !matches("{ (\(a) || \(b)) && \(c) }"))
        #expect(try matches("{ \(b) && \(c) || \(a) }"))
        #expect(try !matches("{ \(b) && (\(c) || \(a)) }"))
        #expect(try matches("{ ((\(a))) }"))
    }

    @Test func selectors() throws {
        #expect(try matches(#"{ $.nested.x.y = "z" }"#))
        #expect(try matches(#"{ $.arr[1] = "b" }"#))
        #expect(try !matches(#"{ $.arr[2] = "b" }"#))
        #expect(try matches(#"{ $.coordinates[1][0] = 3 }"#))
        #expect(try matches(#"{ $.objectList[1].id = "second" }"#))
        #expect(try matches(#"{ $.['cluster.name'] = "prod" }"#))
        #expect(try matches(#"{ $.requestParameters.['cluster.name'] = "dotted" }"#))
        #expect(try !matches(#"{ $.cluster.name = "prod" }"#))
    }

    @Test func equalityQuotedAndUnquoted() throws {
        #expect(try matches("{ $.eventType = UpdateTrail }"))
        #expect(try matches(#"{ $.eventType = "UpdateTrail" }"#))
        #expect(try !matches(#"{ $.eventType = "updatetrail" }"#))
        #expect(try matches(#"{ $.eventType != "CreateTrail" }"#))
        #expect(try !matches(#"{ $.eventType != UpdateTrail }"#))
        #expect(try matches(#"{ $.empty = "" }"#))
        #expect(try matches(#"{ $.message = "hello world" }"#))
    }

    @Test func numbersCompareNumericallyUnquotedAndTextuallyQuoted() throws {
        #expect(try matches("{ $.someInt = 123.0 }"))
        #expect(try matches(#"{ $.someInt = "123" }"#))
        #expect(try !matches(#"{ $.someInt = "123.0" }"#))
        #expect(try matches(#"{ $.someInt != "123.0" }"#))
        #expect(try matches("{ $.someFloat = 1.5 }"))
        #expect(try matches("{ $.someInt > 100 && $.someInt < 200 && $.someInt >= 123 && $.someInt <= 123 }"))
        #expect(try !matches("{ $.someInt > 123 }"))
        #expect(try matches("{ $.someFloat < 2 }"))
        #expect(try !matches("{ $.eventType > 1 }"), "a numeric operator on a string field does not match")
        #expect(try matches(#"{ $.someInt < "200" }"#), "a quoted number is still a number")
    }

    @Test func wildcardsAtStartAndEnd() throws {
        #expect(try matches(#"{ $.errorCode = "*UnauthorizedOperation" }"#))
        #expect(try matches(#"{ $.errorCode = "Client.*" }"#))
        #expect(try matches(#"{ $.errorCode = "*Unauthorized*" }"#))
        #expect(try !matches(#"{ $.errorCode = "AccessDenied*" }"#))
        #expect(try matches("{ $.sourceIPAddress = 123.123.* }"))
        #expect(try !matches("{ $.sourceIPAddress != 123.123.* }"))
        #expect(try matches(#"{ $.someInt = "*2*" }"#), "wildcards on a number use its text")
        #expect(try matches("{ $.empty = * }"), #"= "*" matches "" too"#)
        #expect(try matches("{ $.someInt = * }"))
        #expect(try !matches("{ $.nested = * }"))
        #expect(try !matches("{ $.missing = * }"))
        #expect(try !matches("{ $.code = 11*1 }"), "an interior * is literal")
        #expect(try matches("{ $.star = 11*1 }", #"{"star":"11*1"}"#))
    }

    @Test func isTrueFalseNullAndNotExists() throws {
        #expect(try matches("{ $.bool IS TRUE }"))
        #expect(try !matches("{ $.bool IS FALSE }"))
        #expect(try matches("{ $.off IS FALSE }"))
        #expect(try matches("{ $.nothing IS NULL }"))
        #expect(try !matches("{ $.empty IS NULL }"))
        #expect(try !matches("{ $.missing IS NULL }"))
        #expect(try matches("{ $.missing NOT EXISTS }"))
        #expect(try matches("{ $.nested.x.missing NOT EXISTS }"))
        #expect(try !matches("{ $.nothing NOT EXISTS }"), "null exists")
        #expect(try !matches("{ $.eventType NOT EXISTS }"))
    }

    @Test func missingFieldsObjectsAndArraysNeverMatchEqualityOrInequality() throws {
        #expect(try !matches(#"{ $.missing = "x" }"#))
        #expect(try !matches(#"{ $.missing != "x" }"#))
        #expect(try !matches(#"{ $.nested != "x" }"#))
        #expect(try !matches(#"{ $.arr = "a" }"#))
        #expect(try !matches(#"{ $.arr != "a" }"#))
        #expect(try !matches(#"{ $.nothing != "x" }"#))
    }

    @Test(arguments: [
        "$.a = 1",
        "{ $.a = 1",
        "{ }",
        "{ $.a }",
        "{ $.a = }",
        "{ $.a == 1 }",
        "{ $.a = 1 & $.b = 2 }",
        "{ $.a = 1 | $.b = 2 }",
        "{ ($.a = 1 }",
        "{ $.a = 1) }",
        "{ $.a > abc }",
        #"{ $.a < "abc" }"#,
        "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }",
        "{ $ = 1 }",
        "{ $.a[x] = 1 }",
        "{ $.['a = 1 }",
        #"{ $.a = "unterminated }"#,
        "{ $.a = 1 } trailing",
        "{ a = 1 }",
        "{ $.a = 1 && }",
    ])
    func syntaxErrors(_ pattern: String) {
        #expect {
            _ = try FilterPattern(pattern)
        } throws: { error in
            (error as? DetectionError)?.code == .invalidFilterPattern
                && ((error as? DetectionError)?.message.contains("syntax error at character") ?? false)
        }
    }

    @Test func pinsEventNamesThroughAndOr() throws {
        let cis7 = try FilterPattern(
            "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}")
        #expect(cis7.pinnedValues("eventName") == ["DisableKey", "ScheduleKeyDeletion"])
        #expect(cis7.pinnedValues("eventSource") == ["kms.amazonaws.com"])
        let unpinned = try FilterPattern(#"{ $.eventName = "Create*" || $.eventName = Delete }"#)
        #expect(unpinned.pinnedValues("eventName") == nil)
    }
}
