extension Binder {
    func semantic(_ message: String, at location: LakeSQLPosition) -> LakeSQLError {
        LakeSQLError(.semanticError, message, at: location)
    }

    /// Trino's spelling of an operand's type in messages (`varchar(5)` for a five-character literal).
    static func typeText(_ expression: BoundExpression) -> String {
        if case .literal(.string(let text), _) = expression { return "varchar(\(text.count))" }
        return expression.type.description
    }

    /// Binds `expression`; `clause` names where aggregates are refused when `allowAggregates` is false.
    func bindExpression(
        _ expression: Expression, scope: Scope, allowAggregates: Bool, clause: String = "JOIN ON", insideAggregate: Bool = false
    ) throws(LakeSQLError) -> BoundExpression {
        func bind(_ child: Expression) throws(LakeSQLError) -> BoundExpression {
            try bindExpression(child, scope: scope, allowAggregates: allowAggregates, clause: clause, insideAggregate: insideAggregate)
        }
        switch expression {
        case .path(let parts):
            return try resolve(parts, scope: scope)
        case .literal(let literal, let location):
            return try bindLiteral(literal, at: location)
        case .unary(let op, let operand, let location):
            let bound = try bind(operand)
            guard bound.type.isNumeric || bound.type == .unknown || bound.type == .intervalDayToSecond || bound.type == .intervalYearToMonth else {
                throw semantic("Cannot negate \(bound.type)", at: location)
            }
            return op == "-" ? .negate(bound, bound.type) : bound
        case .not(let operand, let location):
            let bound = try bind(operand)
            try requireBoolean(bound, at: location, operator: "NOT")
            return .not(bound)
        case .binary(let op, let left, let right, let location):
            return try bindBinary(op, try bind(left), try bind(right), at: location)
        case .isNull(let operand, let negated, _):
            return .isNull(try bind(operand), negated: negated)
        case .inList(let operand, let list, let negated, let location):
            let value = try bind(operand)
            var items: [BoundExpression] = []
            for item in list {
                let (left, right) = try coerceForComparison(value, try bind(item), op: "IN", at: location)
                if left != value { throw semantic("IN value and list items must be the same type", at: location) }
                items.append(right)
            }
            return .inList(value, items, negated: negated)
        case .between(let operand, let low, let high, let negated, let location):
            let value = try bind(operand)
            let (_, lower) = try coerceForComparison(value, try bind(low), op: "BETWEEN", at: location)
            let (_, upper) = try coerceForComparison(value, try bind(high), op: "BETWEEN", at: location)
            return .between(value, lower, upper, negated: negated)
        case .like(let operand, let pattern, let escape, let negated, let location):
            let value = try bind(operand)
            let boundPattern = try bind(pattern)
            let boundEscape = try escape.map { (escape) throws(LakeSQLError) in try bind(escape) }
            for part in [value, boundPattern] + (boundEscape.map { [$0] } ?? []) where !FunctionCatalog.isText(part.type) {
                throw semantic("Cannot apply operator: \(Self.typeText(value)) LIKE \(Self.typeText(boundPattern))", at: location)
            }
            return .like(value, boundPattern, escape: boundEscape, negated: negated)
        case .call(let name, let arguments, let distinct, let isStar):
            return try bindCall(name, arguments, distinct: distinct, isStar: isStar, scope: scope, allowAggregates: allowAggregates, clause: clause, insideAggregate: insideAggregate)
        case .caseWhen(let operand, let clauses, let otherwise, let location):
            let boundOperand = try operand.map { (operand) throws(LakeSQLError) in try bind(operand) }
            var whens: [BoundWhen] = []
            for clause in clauses {
                var condition = try bind(clause.condition)
                if let boundOperand {
                    let (left, right) = try coerceForComparison(boundOperand, condition, op: "=", at: clause.condition.location)
                    condition = .comparison("=", left, right)
                } else {
                    try requireBoolean(condition, at: clause.condition.location, operator: "WHEN")
                }
                whens.append(BoundWhen(condition: condition, result: try bind(clause.result)))
            }
            let boundOtherwise = try otherwise.map { (otherwise) throws(LakeSQLError) in try bind(otherwise) }
            let types = whens.map(\.result.type) + (boundOtherwise.map { [$0.type] } ?? [])
            guard let type = FunctionCatalog.commonType(types) else {
                throw semantic("All CASE results must be the same type: \(types.map(\.description).joined(separator: ", "))", at: location)
            }
            return .caseWhen(whens, otherwise: boundOtherwise, type)
        case .cast(let operand, let typeName, let isTry, let location):
            guard let target = LakeType(castTarget: typeName) else { throw semantic("Unknown type: \(typeName)", at: location) }
            let bound = try bind(operand)
            if case .literal(.string(let text), _) = bound, target == .timestamp || target == .date {
                if let folded = Self.foldTime(text, to: target) { return folded }
                if !isTry { throw semantic("Value cannot be cast to \(target): \(text)", at: location) }
            }
            if bound.type == target { return bound }
            if bound.type.isStructured && target != .varchar && target != .json {
                throw semantic("Cannot cast \(bound.type) to \(target)", at: location)
            }
            return .cast(bound, target, isTry: isTry)
        case .subscript(let base, let index, let location):
            return try elementAt(try bind(base), try bind(index), at: location)
        case .dereference(let base, let field):
            let bound = try bind(base)
            guard case .row(let fields) = bound.type else {
                throw semantic("Expression is not of type ROW: \(bound.type)", at: field.location)
            }
            guard let match = fields.first(where: { $0.name == field.canonical }) else {
                throw LakeSQLError(.unknownColumn, "Column '\(field.canonical)' cannot be resolved", at: field.location)
            }
            return .field(bound, match.name, match.type)
        }
    }

    func requireBoolean(_ expression: BoundExpression, at location: LakeSQLPosition, operator name: String) throws(LakeSQLError) {
        guard expression.type == .boolean || expression.type == .unknown else {
            throw semantic("\(name) operand must be boolean: actual type \(expression.type)", at: location)
        }
    }

    // MARK: Names

    /// Resolves a dotted path: an optional table alias, a top-level column, then row fields.
    func resolve(_ parts: [Identifier], scope: Scope) throws(LakeSQLError) -> BoundExpression {
        let full = parts.map(\.canonical).joined(separator: ".")
        var candidates: [(ScopeTable, ArraySlice<Identifier>)] = []
        if parts.count >= 2, let table = scope.tables.first(where: { $0.name == parts[0].canonical }) {
            candidates = [(table, parts.dropFirst())]
        } else {
            candidates = scope.tables.filter { $0.schema.column(parts[0].name) != nil }.map { ($0, parts[...]) }
            if candidates.count > 1 {
                throw LakeSQLError(.unknownColumn, "Column '\(full)' is ambiguous", at: parts[0].location)
            }
        }
        guard let (table, path) = candidates.first, let first = path.first, var column = table.schema.column(first.name) else {
            throw LakeSQLError(.unknownColumn, "Column '\(full)' cannot be resolved", at: parts[0].location)
        }
        var schemaPath = [column.name]
        for part in path.dropFirst() {
            guard case .row = column.type else {
                throw semantic("Expression \(schemaPath.joined(separator: ".")) is not of type ROW", at: part.location)
            }
            guard let field = column.field(part.canonical) else {
                throw LakeSQLError(.unknownColumn, "Column '\(full)' cannot be resolved", at: parts[0].location)
            }
            column = field
            schemaPath.append(field.name)
        }
        return .column(BoundColumn(table: table.index, store: table.store, column: column, path: schemaPath))
    }

    // MARK: Literals

    static func foldTime(_ text: String, to type: LakeType) -> BoundExpression? {
        if type == .date {
            return TimestampLiteral.days(text).map { .literal(.date($0), .date) }
        }
        return TimestampLiteral.milliseconds(text).map { .literal(.timestamp($0), type) }
    }

    func bindLiteral(_ literal: Literal, at location: LakeSQLPosition) throws(LakeSQLError) -> BoundExpression {
        switch literal {
        case .string(let text): return .literal(.string(text), .varchar)
        case .integer(let text):
            guard let value = Int64(text) else { throw semantic("Invalid numeric literal: \(text)", at: location) }
            return .literal(.integer(value), .bigint)
        case .decimal(let text):
            guard let value = Double(text) else { throw semantic("Invalid numeric literal: \(text)", at: location) }
            return .literal(.double(value), .double)
        case .boolean(let value): return .literal(.boolean(value), .boolean)
        case .null: return .literal(.null, .unknown)
        case .timestamp(let text):
            guard let folded = Self.foldTime(text, to: .timestamp) else { throw semantic("'\(text)' is not a valid timestamp literal", at: location) }
            return folded
        case .date(let text):
            guard let folded = Self.foldTime(text, to: .date) else { throw semantic("'\(text)' is not a valid date literal", at: location) }
            return folded
        case .interval(let text, let unit):
            let scale: Int64
            switch unit {
            case "year": scale = 12
            case "month": scale = 1
            case "day": scale = 86_400_000
            case "hour": scale = 3_600_000
            case "minute": scale = 60_000
            default: scale = 1000
            }
            guard let value = Int64(text.trimmingBlanks), case let (scaled, false) = value.multipliedReportingOverflow(by: scale) else {
                throw semantic("Invalid INTERVAL \(unit.uppercased()) value: \(text)", at: location)
            }
            return unit == "year" || unit == "month"
                ? .literal(.yearToMonth(scaled), .intervalYearToMonth) : .literal(.dayToSecond(scaled), .intervalDayToSecond)
        }
    }

    // MARK: Operators

    /// Makes two operands comparable: a string literal against a timestamp or date is folded; a date against a
    /// timestamp is widened; numbers compare with numbers.
    func coerceForComparison(
        _ left: BoundExpression, _ right: BoundExpression, op: String, at location: LakeSQLPosition
    ) throws(LakeSQLError) -> (BoundExpression, BoundExpression) {
        func fail() -> LakeSQLError {
            semantic("Cannot apply operator: \(Self.typeText(left)) \(op) \(Self.typeText(right))", at: location)
        }
        let (l, r) = (left.type, right.type)
        if l == r || l == .unknown || r == .unknown || (l.isNumeric && r.isNumeric) || (l.isTimestamp && r.isTimestamp) {
            guard !l.isStructured || op == "=" || op == "<>" || op == "IN" else { throw fail() }
            return (left, right)
        }
        if l.isTimestamp || l == .date, case .literal(.string(let text), _) = right {
            guard let folded = Self.foldTime(text, to: l == .date ? .date : .timestamp) else {
                throw semantic("Value cannot be cast to \(l): \(text)", at: location)
            }
            return (left, folded)
        }
        if r.isTimestamp || r == .date, case .literal(.string(let text), _) = left {
            guard let folded = Self.foldTime(text, to: r == .date ? .date : .timestamp) else {
                throw semantic("Value cannot be cast to \(r): \(text)", at: location)
            }
            return (folded, right)
        }
        if l == .date && r.isTimestamp { return (.cast(left, .timestamp, isTry: false), right) }
        if l.isTimestamp && r == .date { return (left, .cast(right, .timestamp, isTry: false)) }
        throw fail()
    }

    func bindBinary(_ op: String, _ left: BoundExpression, _ right: BoundExpression, at location: LakeSQLPosition) throws(LakeSQLError) -> BoundExpression {
        func fail() -> LakeSQLError {
            semantic("Cannot apply operator: \(Self.typeText(left)) \(op) \(Self.typeText(right))", at: location)
        }
        switch op {
        case "and", "or":
            try requireBoolean(left, at: location, operator: op.uppercased())
            try requireBoolean(right, at: location, operator: op.uppercased())
            return .logical(op, left, right)
        case "=", "<>", "!=", "<", ">", "<=", ">=":
            let normalised = op == "!=" ? "<>" : op
            let (l, r) = try coerceForComparison(left, right, op: op, at: location)
            return .comparison(normalised, l, r)
        case "||":
            guard FunctionCatalog.isText(left.type) && FunctionCatalog.isText(right.type) else { throw fail() }
            return .concat(left, right)
        default:
            let (l, r) = (left.type, right.type)
            if (l.isNumeric || l == .unknown) && (r.isNumeric || r == .unknown) {
                let type: LakeType = l == .double || r == .double ? .double : .bigint
                return .arithmetic(op, left, right, type)
            }
            let isInterval = r == .intervalDayToSecond || r == .intervalYearToMonth
            if (op == "+" || op == "-") && (l.isTimestamp || l == .date) && isInterval {
                return .arithmetic(op, left, right, l)
            }
            if op == "+" && (r.isTimestamp || r == .date) && (l == .intervalDayToSecond || l == .intervalYearToMonth) {
                return .arithmetic(op, right, left, r)
            }
            if op == "-" && l.isTimestamp && r.isTimestamp { return .arithmetic(op, left, right, .intervalDayToSecond) }
            throw fail()
        }
    }

    func elementAt(_ base: BoundExpression, _ key: BoundExpression, at location: LakeSQLPosition) throws(LakeSQLError) -> BoundExpression {
        switch base.type {
        case .map(let keyType, let valueType):
            guard key.type == keyType || key.type == .unknown else {
                throw semantic("Unexpected parameters (\(base.type), \(Self.typeText(key))) for function element_at. Expected: element_at(map(K,V), K)", at: location)
            }
            return .elementAt(base, key, valueType)
        case .array(let element):
            guard key.type == .bigint || key.type == .unknown else {
                throw semantic("Unexpected parameters (\(base.type), \(Self.typeText(key))) for function element_at. Expected: element_at(array(E), bigint)", at: location)
            }
            return .elementAt(base, key, element)
        default:
            throw semantic("Unexpected parameters (\(base.type), \(Self.typeText(key))) for function element_at. Expected: element_at(map(K,V), K)", at: location)
        }
    }

    // MARK: Calls

    func bindCall(
        _ name: Identifier, _ arguments: [Expression], distinct: Bool, isStar: Bool, scope: Scope, allowAggregates: Bool, clause: String,
        insideAggregate: Bool
    ) throws(LakeSQLError) -> BoundExpression {
        let canonical = name.canonical
        guard let entry = FunctionCatalog.entries[canonical] else {
            throw LakeSQLError(.unknownFunction, "Function '\(canonical)' not registered", at: name.location)
        }
        let isAggregate = entry.kind == .aggregate
        if isAggregate {
            guard allowAggregates else {
                throw semantic("\(clause) clause cannot contain aggregations or window functions: [\(canonical)]", at: name.location)
            }
            guard !insideAggregate else {
                throw semantic("Cannot nest aggregations inside aggregation '\(canonical)'", at: name.location)
            }
        } else if distinct {
            throw semantic("DISTINCT can only be applied to aggregation functions", at: name.location)
        }
        if isStar {
            guard canonical == "count" else { throw semantic("Only count(*) may be called with *", at: name.location) }
            return .aggregate("count", [], distinct: false, .bigint)
        }
        guard entry.arity.contains(arguments.count) else {
            throw LakeSQLError(
                .unknownFunction,
                "Unexpected number of parameters (\(arguments.count)) for function \(canonical). Expected: \(entry.signature)",
                at: name.location
            )
        }
        var bound: [BoundExpression] = []
        for argument in arguments {
            bound.append(
                try bindExpression(
                    argument, scope: scope, allowAggregates: allowAggregates, clause: clause, insideAggregate: insideAggregate || isAggregate
                )
            )
        }
        if canonical == "element_at" { return try elementAt(bound[0], bound[1], at: name.location) }
        // Date functions take string literals where a timestamp is expected only through CAST, as Trino does.
        guard let type = entry.result(bound.map(\.type)) else {
            throw semantic(
                "Unexpected parameters (\(bound.map(Self.typeText).joined(separator: ", "))) for function \(canonical). Expected: \(entry.signature)",
                at: name.location
            )
        }
        if isAggregate { return .aggregate(canonical, bound, distinct: distinct, type) }
        switch canonical {
        case "now", "current_timestamp", "localtimestamp": return .queryTime(type)
        case "if": return .caseWhen([BoundWhen(condition: bound[0], result: bound[1])], otherwise: bound.count > 2 ? bound[2] : nil, type)
        default: return .function(canonical, bound, type)
        }
    }
}
