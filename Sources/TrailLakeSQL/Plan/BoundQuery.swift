/// A store a query reads, as the resolver found it.
public struct LakeStoreReference: Hashable, Sendable {
    /// The store's ID (the UUID suffix of its ARN).
    public var id: String
    /// The kind of events it holds, which decides its schema.
    public var family: LakeStoreFamily

    /// Creates a reference.
    public init(id: String, family: LakeStoreFamily) {
        self.id = id
        self.family = family
    }
}

/// Turns a table token (store ID, ARN or alias, as written) into a store.
///
/// Implementations throw ``LakeSQLError`` with ``LakeSQLError/Code/storeNotFound``,
/// ``LakeSQLError/Code/storeARNInvalid`` or ``LakeSQLError/Code/storeInactive``.
public protocol LakeStoreResolver: Sendable {
    /// The store that `token` names.
    func store(named token: String, at location: LakeSQLPosition) throws(LakeSQLError) -> LakeStoreReference
}

/// A column of the query's result.
public struct LakeOutputColumn: Hashable, Sendable {
    /// The name as AWS reports it (alias or leaf as written, `_colN` otherwise).
    public var name: String
    /// The Trino type.
    public var type: LakeType
}

/// A resolved column reference: which FROM item, which store, which schema column.
public struct BoundColumn: Hashable, Sendable {
    /// The FROM item (table alias `e<table>` in lowered SQL).
    public var table: Int
    /// The store's index in ``BoundQuery/stores`` (schema `s<store>`).
    public var store: Int
    /// The schema column or nested field.
    public var column: LakeColumn
    /// The lower-case schema path (`useridentity.arn` → `["useridentity", "arn"]`), for messages.
    public var path: [String]
}

/// A literal after binding (timestamps folded to epoch milliseconds).
public enum BoundLiteral: Hashable, Sendable {
    case string(String)
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    case null
    /// Epoch milliseconds (UTC).
    case timestamp(Int64)
    /// Days since the epoch.
    case date(Int64)
    /// Milliseconds.
    case dayToSecond(Int64)
    /// Months.
    case yearToMonth(Int64)
}

/// A typed expression.
public indirect enum BoundExpression: Hashable, Sendable {
    case column(BoundColumn)
    case literal(BoundLiteral, LakeType)
    /// The query's start time (`now()`, `current_timestamp`), bound by the executor.
    case queryTime(LakeType)
    case negate(BoundExpression, LakeType)
    case not(BoundExpression)
    /// `and` / `or`.
    case logical(String, BoundExpression, BoundExpression)
    /// `=`, `<>`, `<`, `>`, `<=`, `>=` (`!=` normalised to `<>`).
    case comparison(String, BoundExpression, BoundExpression)
    /// `+ - * / %`.
    case arithmetic(String, BoundExpression, BoundExpression, LakeType)
    case concat(BoundExpression, BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    case inList(BoundExpression, [BoundExpression], negated: Bool)
    case between(BoundExpression, BoundExpression, BoundExpression, negated: Bool)
    case like(BoundExpression, BoundExpression, escape: BoundExpression?, negated: Bool)
    /// A scalar function of the catalog, by canonical name.
    case function(String, [BoundExpression], LakeType)
    /// An aggregate; `count(*)` has no arguments.
    case aggregate(String, [BoundExpression], distinct: Bool, LakeType)
    case caseWhen([BoundWhen], otherwise: BoundExpression?, LakeType)
    case cast(BoundExpression, LakeType, isTry: Bool)
    /// `element_at(base, key)` and `base[key]`.
    case elementAt(BoundExpression, BoundExpression, LakeType)
    /// A row field of a computed row value (not a schema path).
    case field(BoundExpression, String, LakeType)

    /// The Trino type of the value.
    public var type: LakeType {
        switch self {
        case .column(let column): column.column.type
        case .literal(_, let type), .queryTime(let type), .negate(_, let type), .arithmetic(_, _, _, let type),
            .function(_, _, let type), .aggregate(_, _, _, let type), .caseWhen(_, _, let type), .cast(_, let type, _),
            .elementAt(_, _, let type), .field(_, _, let type):
            type
        case .not, .logical, .comparison, .isNull, .inList, .between, .like: .boolean
        case .concat: .varchar
        }
    }

    /// True when an aggregate occurs anywhere inside.
    public var containsAggregate: Bool {
        if case .aggregate = self { return true }
        return children.contains { $0.containsAggregate }
    }

    /// The direct sub-expressions.
    public var children: [BoundExpression] {
        switch self {
        case .column, .literal, .queryTime: []
        case .negate(let a, _), .not(let a), .isNull(let a, _), .cast(let a, _, _), .field(let a, _, _): [a]
        case .logical(_, let a, let b), .comparison(_, let a, let b), .arithmetic(_, let a, let b, _), .concat(let a, let b),
            .elementAt(let a, let b, _):
            [a, b]
        case .inList(let a, let list, _): [a] + list
        case .between(let a, let b, let c, _): [a, b, c]
        case .like(let a, let b, let escape, _): [a, b] + (escape.map { [$0] } ?? [])
        case .function(_, let arguments, _), .aggregate(_, let arguments, _, _): arguments
        case .caseWhen(let whens, let otherwise, _):
            whens.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        }
    }
}

/// One `WHEN condition THEN result` arm after binding (a simple CASE is rewritten to comparisons).
public struct BoundWhen: Hashable, Sendable {
    public var condition: BoundExpression
    public var result: BoundExpression
}

/// The FROM tree after binding.
public indirect enum BoundRelation: Hashable, Sendable {
    /// FROM item `index` (alias `e<index>`), reading store `store`.
    case table(index: Int, store: Int)
    case join(JoinKind, BoundRelation, BoundRelation, on: BoundExpression?)
}

/// One SELECT after binding.
public struct BoundSelect: Hashable, Sendable {
    public var isDistinct: Bool
    /// The select list, `*` expanded.
    public var items: [BoundExpression]
    /// The output columns of this SELECT.
    public var columns: [LakeOutputColumn]
    public var from: BoundRelation
    public var filter: BoundExpression?
    public var groupBy: [BoundExpression]
    public var having: BoundExpression?
    /// True when the SELECT aggregates (GROUP BY, HAVING or an aggregate in the select list).
    public var isAggregating: Bool
    /// ORDER BY keys that are not select items (evaluated as hidden columns).
    public var hiddenKeys: [BoundExpression]
}

/// A query body after binding.
public indirect enum BoundBody: Hashable, Sendable {
    case select(BoundSelect)
    case setOperation(SetOperator, isAll: Bool, BoundBody, BoundBody)
}

/// One ORDER BY key after binding.
public struct BoundOrder: Hashable, Sendable {
    /// What is sorted.
    public enum Key: Hashable, Sendable {
        /// Output column n (0-based).
        case output(Int)
        /// Hidden key n of the (single) SELECT.
        case hidden(Int)
    }

    public var key: Key
    public var isDescending: Bool
    public var nullsFirst: Bool
}

/// A query after binding: typed, resolved against the stores' schemas, output columns named.
public struct BoundQuery: Hashable, Sendable {
    public var body: BoundBody
    public var orderBy: [BoundOrder]
    public var limit: Int64?
    public var offset: Int64?
    /// The result columns.
    public var columns: [LakeOutputColumn]
    /// The stores read, in attach order (`s0`, `s1`, …).
    public var stores: [LakeStoreReference]
}
