/// Resolves a parsed query against the stores' schemas and the function catalog: names, types, aggregation
/// rules, output column names (plan §2.4, step 3).
public struct Binder: Sendable {
    /// The most stores one query may read (AWS: 10).
    public static let maximumStores = 10

    let resolver: any LakeStoreResolver
    var stores: [LakeStoreReference] = []
    var tableCount = 0

    /// Creates a binder that resolves table tokens through `resolver`.
    public init(resolver: any LakeStoreResolver) {
        self.resolver = resolver
    }

    /// Binds `query`.
    public static func bind(_ query: Query, resolver: any LakeStoreResolver) throws(LakeSQLError) -> BoundQuery {
        var binder = Binder(resolver: resolver)
        return try binder.bind(query)
    }

    /// A FROM item in scope.
    struct ScopeTable {
        var index: Int
        var store: Int
        /// The alias, or the table token, lower-cased.
        var name: String
        var schema: LakeSchema
    }

    /// The FROM items visible to an expression.
    struct Scope {
        var tables: [ScopeTable] = []
    }

    mutating func bind(_ query: Query) throws(LakeSQLError) -> BoundQuery {
        var body: BoundBody
        var orderBy: [BoundOrder] = []
        switch query.body {
        case .select(let core):
            var scope = Scope()
            var select = try bindSelect(core, scope: &scope)
            for item in query.orderBy {
                orderBy.append(try bindOrder(item, select: &select, scope: scope))
            }
            body = .select(select)
        case .setOperation:
            body = try bindBody(query.body)
            let columns = Self.columns(of: body)
            for item in query.orderBy {
                guard let index = Self.outputIndex(item.expression, columns: columns) else {
                    throw LakeSQLError(.semanticError, "ORDER BY of a set operation must name an output column or its position", at: item.expression.location)
                }
                orderBy.append(BoundOrder(key: .output(index), isDescending: item.isDescending, nullsFirst: item.nullsFirst))
            }
        }
        return BoundQuery(
            body: body, orderBy: orderBy, limit: query.limit, offset: query.offset, columns: Self.columns(of: body), stores: stores
        )
    }

    static func columns(of body: BoundBody) -> [LakeOutputColumn] {
        switch body {
        case .select(let select): select.columns
        case .setOperation(_, _, let left, _): columns(of: left)
        }
    }

    mutating func bindBody(_ body: QueryBody) throws(LakeSQLError) -> BoundBody {
        switch body {
        case .select(let core):
            var scope = Scope()
            return .select(try bindSelect(core, scope: &scope))
        case .setOperation(let op, let isAll, let left, let right, let location):
            var boundLeft = try bindBody(left)
            let boundRight = try bindBody(right)
            let leftColumns = Self.columns(of: boundLeft)
            let rightColumns = Self.columns(of: boundRight)
            guard leftColumns.count == rightColumns.count else {
                throw LakeSQLError(
                    .semanticError, "\(op.rawValue) query has different number of fields: \(leftColumns.count), \(rightColumns.count)", at: location
                )
            }
            var unified = leftColumns
            for index in leftColumns.indices {
                guard let type = FunctionCatalog.commonType([leftColumns[index].type, rightColumns[index].type]) else {
                    throw LakeSQLError(
                        .semanticError,
                        "column \(index + 1) in \(op.rawValue) query has incompatible types: \(leftColumns[index].type), \(rightColumns[index].type)",
                        at: location
                    )
                }
                unified[index].type = type
            }
            boundLeft = Self.replacingColumns(of: boundLeft, with: unified)
            return .setOperation(op, isAll: isAll, boundLeft, boundRight)
        }
    }

    static func replacingColumns(of body: BoundBody, with columns: [LakeOutputColumn]) -> BoundBody {
        switch body {
        case .select(var select):
            select.columns = columns
            return .select(select)
        case .setOperation(let op, let isAll, let left, let right):
            return .setOperation(op, isAll: isAll, replacingColumns(of: left, with: columns), right)
        }
    }

    static func outputIndex(_ expression: Expression, columns: [LakeOutputColumn]) -> Int? {
        switch expression {
        case .literal(.integer(let text), _):
            guard let ordinal = Int(text), ordinal >= 1, ordinal <= columns.count else { return nil }
            return ordinal - 1
        case .path(let parts) where parts.count == 1:
            return columns.firstIndex { $0.name.lowercased() == parts[0].canonical }
        default:
            return nil
        }
    }

    // MARK: FROM

    mutating func bindRelation(_ relation: Relation, scope: inout Scope) throws(LakeSQLError) -> BoundRelation {
        switch relation {
        case .table(let name, let alias, let location):
            let reference = try resolver.store(named: name, at: location)
            let store: Int
            if let existing = stores.firstIndex(of: reference) {
                store = existing
            } else {
                guard stores.count < Self.maximumStores else {
                    throw LakeSQLError(.tooComplex, "A query can read at most \(Self.maximumStores) event data stores", at: location)
                }
                stores.append(reference)
                store = stores.count - 1
            }
            let visibleName = alias?.canonical ?? name.lowercased()
            if scope.tables.contains(where: { $0.name == visibleName }) {
                throw LakeSQLError(.semanticError, "Relation '\(visibleName)' appears more than once; give it an alias", at: alias?.location ?? location)
            }
            let index = tableCount
            tableCount += 1
            scope.tables.append(ScopeTable(index: index, store: store, name: visibleName, schema: LakeSchema.of(reference.family)))
            return .table(index: index, store: store)
        case .join(let kind, let left, let right, let condition):
            let boundLeft = try bindRelation(left, scope: &scope)
            let boundRight = try bindRelation(right, scope: &scope)
            var on: BoundExpression?
            if let condition {
                let bound = try bindExpression(condition, scope: scope, allowAggregates: false)
                try requireBoolean(bound, at: condition.location, clause: "JOIN ON")
                on = bound
            }
            return .join(kind, boundLeft, boundRight, on: on)
        }
    }

    // MARK: SELECT

    mutating func bindSelect(_ core: SelectCore, scope: inout Scope) throws(LakeSQLError) -> BoundSelect {
        let from = try bindRelation(core.from, scope: &scope)
        var filter: BoundExpression?
        if let condition = core.filter {
            let bound = try bindExpression(condition, scope: scope, allowAggregates: false, clause: "WHERE")
            try requireBoolean(bound, at: condition.location, clause: "WHERE")
            filter = bound
        }
        var items: [BoundExpression] = []
        var columns: [LakeOutputColumn] = []
        var itemLocations: [LakeSQLPosition] = []
        for item in core.items {
            switch item {
            case .star(let location):
                for table in scope.tables { try expand(table, into: &items, &columns, &itemLocations, at: location) }
            case .qualifiedStar(let identifier):
                guard let table = scope.tables.first(where: { $0.name == identifier.canonical }) else {
                    throw LakeSQLError(.unknownColumn, "Table '\(identifier.canonical)' not found", at: identifier.location)
                }
                try expand(table, into: &items, &columns, &itemLocations, at: identifier.location)
            case .expression(let expression, let alias):
                let bound = try bindExpression(expression, scope: scope, allowAggregates: true)
                let name = alias?.name ?? Self.derivedName(of: expression) ?? "_col\(columns.count)"
                items.append(bound)
                columns.append(LakeOutputColumn(name: name, type: bound.type == .unknown ? .unknown : bound.type))
                itemLocations.append(expression.location)
            }
        }
        var groupBy: [BoundExpression] = []
        for expression in core.groupBy {
            if case .literal(.integer(let text), let location) = expression {
                guard let ordinal = Int(text), ordinal >= 1, ordinal <= items.count else {
                    throw LakeSQLError(.semanticError, "GROUP BY position \(text) is not in select list", at: location)
                }
                guard !items[ordinal - 1].containsAggregate else {
                    throw LakeSQLError(.semanticError, "GROUP BY position \(text) cannot reference an aggregate function", at: location)
                }
                groupBy.append(items[ordinal - 1])
            } else {
                groupBy.append(try bindExpression(expression, scope: scope, allowAggregates: false, clause: "GROUP BY"))
            }
        }
        var having: BoundExpression?
        if let condition = core.having {
            let bound = try bindExpression(condition, scope: scope, allowAggregates: true)
            try requireBoolean(bound, at: condition.location, clause: "HAVING")
            having = bound
        }
        let isAggregating = !groupBy.isEmpty || having != nil || items.contains { $0.containsAggregate }
        if isAggregating {
            for (item, location) in zip(items, itemLocations) { try Self.checkGrouped(item, keys: groupBy, at: location) }
            if let having, let location = core.having?.location { try Self.checkGrouped(having, keys: groupBy, at: location) }
        }
        return BoundSelect(
            isDistinct: core.isDistinct, items: items, columns: columns, from: from, filter: filter, groupBy: groupBy,
            having: having, isAggregating: isAggregating, hiddenKeys: []
        )
    }

    func expand(
        _ table: ScopeTable, into items: inout [BoundExpression], _ columns: inout [LakeOutputColumn],
        _ locations: inout [LakeSQLPosition], at location: LakeSQLPosition
    ) throws(LakeSQLError) {
        for column in table.schema.columns {
            items.append(.column(BoundColumn(table: table.index, store: table.store, column: column, path: [column.name])))
            columns.append(LakeOutputColumn(name: column.name, type: column.type))
            locations.append(location)
        }
    }

    /// The name Trino gives an unaliased item: the last part of a column path or field access, as written.
    static func derivedName(of expression: Expression) -> String? {
        switch expression {
        case .path(let parts): parts.last?.name
        case .dereference(_, let field): field.name
        default: nil
        }
    }

    /// Trino's rule: outside aggregates, a grouped SELECT may only use GROUP BY expressions.
    static func checkGrouped(_ expression: BoundExpression, keys: [BoundExpression], at location: LakeSQLPosition) throws(LakeSQLError) {
        if keys.contains(expression) { return }
        switch expression {
        case .aggregate:
            return
        case .column(let column):
            throw LakeSQLError(
                .semanticError, "'\(column.path.joined(separator: "."))' must be an aggregate expression or appear in GROUP BY clause", at: location
            )
        default:
            for child in expression.children { try checkGrouped(child, keys: keys, at: location) }
        }
    }

    func requireBoolean(_ expression: BoundExpression, at location: LakeSQLPosition, clause: String) throws(LakeSQLError) {
        guard expression.type == .boolean || expression.type == .unknown else {
            throw LakeSQLError(.semanticError, "\(clause) clause must evaluate to a boolean: actual type \(expression.type)", at: location)
        }
    }

    // MARK: ORDER BY

    mutating func bindOrder(_ item: OrderItem, select: inout BoundSelect, scope: Scope) throws(LakeSQLError) -> BoundOrder {
        func order(_ key: BoundOrder.Key) -> BoundOrder {
            BoundOrder(key: key, isDescending: item.isDescending, nullsFirst: item.nullsFirst)
        }
        if case .literal(.integer(let text), let location) = item.expression {
            guard let ordinal = Int(text), ordinal >= 1, ordinal <= select.items.count else {
                throw LakeSQLError(.semanticError, "ORDER BY position \(text) is not in select list", at: location)
            }
            return order(.output(ordinal - 1))
        }
        if case .path(let parts) = item.expression, parts.count == 1 {
            // Output names first, as Trino does; two items with the same name make the reference ambiguous.
            let matches = select.columns.indices.filter { select.columns[$0].name.lowercased() == parts[0].canonical }
            if matches.count > 1 {
                throw LakeSQLError(.semanticError, "Column '\(parts[0].canonical)' is ambiguous", at: parts[0].location)
            }
            if let match = matches.first { return order(.output(match)) }
        }
        let bound = try bindExpression(item.expression, scope: scope, allowAggregates: true)
        if let index = select.items.firstIndex(of: bound) { return order(.output(index)) }
        if select.isDistinct {
            throw LakeSQLError(.semanticError, "For SELECT DISTINCT, ORDER BY expressions must appear in select list", at: item.expression.location)
        }
        if select.isAggregating || bound.containsAggregate {
            if !select.isAggregating {
                throw LakeSQLError(.semanticError, "ORDER BY with an aggregate requires an aggregating query", at: item.expression.location)
            }
            try Self.checkGrouped(bound, keys: select.groupBy, at: item.expression.location)
        }
        select.hiddenKeys.append(bound)
        return order(.hidden(select.hiddenKeys.count - 1))
    }
}
