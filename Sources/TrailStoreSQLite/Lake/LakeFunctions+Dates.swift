import TrailLakeSQL

extension LakeFunctions {
    static let dateFunctions: [(String, Int32, Bool, LakeFunctionBody)] = [
        (LakeSQLFunctionName.datePart, 2, true, { _, call in
            guard let part = call.text(0), let ms = call.int(1) else { return call.resultNull() }
            guard let value = LakeTime.part(part, ms) else { return call.fail("Unknown date part: \(part)") }
            call.result(value)
        }),
        (LakeSQLFunctionName.dateTrunc, 2, true, { _, call in
            guard let unit = call.text(0), let ms = call.int(1) else { return call.resultNull() }
            guard let value = LakeTime.truncate(unit, ms) else { return call.fail("'\(unit)' is not a valid Timestamp field") }
            call.result(value)
        }),
        (LakeSQLFunctionName.dateAdd, 3, true, { _, call in
            guard let unit = call.text(0), let amount = call.int(1), let ms = call.int(2) else { return call.resultNull() }
            guard let value = LakeTime.add(unit, amount, ms) else { return call.fail("'\(unit)' is not a valid Timestamp field") }
            call.result(value)
        }),
        (LakeSQLFunctionName.dateDiff, 3, true, { _, call in
            guard let unit = call.text(0), let a = call.int(1), let b = call.int(2) else { return call.resultNull() }
            guard let value = LakeTime.difference(unit, a, b) else { return call.fail("'\(unit)' is not a valid Timestamp field") }
            call.result(value)
        }),
        (LakeSQLFunctionName.dateFormat, 2, true, { _, call in
            guard let ms = call.int(0), let format = call.text(1) else { return call.resultNull() }
            call.result(LakeTime.format(ms, format))
        }),
        (LakeSQLFunctionName.dateParse, 2, true, { _, call in
            guard let text = call.text(0), let format = call.text(1) else { return call.resultNull() }
            guard let value = LakeTime.parse(text, format) else { return call.fail("Invalid format: \"\(text)\"") }
            call.result(value)
        }),
        (LakeSQLFunctionName.timestampParse, 1, true, { _, call in
            guard let text = call.text(0) else { return call.resultNull() }
            guard let value = LakeTime.parseTimestamp(text) else { return call.fail("Invalid format: \"\(text)\"") }
            call.result(value)
        }),
    ]
}
