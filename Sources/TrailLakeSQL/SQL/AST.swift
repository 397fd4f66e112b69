/// A name as written in the query, with whether it was `"quoted"`.
public struct Identifier: Hashable, Sendable {
    /// The name as written (quotes removed).
    public var name: String
    /// True for a `"quoted"` identifier.
    public var isQuoted: Bool
    /// Where it starts.
    public var location: LakeSQLPosition

    /// The name as Trino compares it: case-insensitive.
    public var canonical: String { name.lowercased() }
}

/// An expression of the Lake SQL subset, as parsed.
public indirect enum Expression: Hashable, Sendable {
    /// A column reference or dotted path: `eventName`, `userIdentity.arn`, `edsA.eventName`.
    case path([Identifier])
    /// A literal value.
    case literal(Literal, LakeSQLPosition)
    /// `-x`, `+x`.
    case unary(String, Expression, LakeSQLPosition)
    /// `NOT x`.
    case not(Expression, LakeSQLPosition)
    /// `a op b` for arithmetic, comparison, `||`, `AND`, `OR` (op lower-cased for words).
    case binary(String, Expression, Expression, LakeSQLPosition)
    /// `x IS [NOT] NULL`.
    case isNull(Expression, negated: Bool, LakeSQLPosition)
    /// `x [NOT] IN (a, b, …)`.
    case inList(Expression, [Expression], negated: Bool, LakeSQLPosition)
    /// `x [NOT] BETWEEN a AND b`.
    case between(Expression, Expression, Expression, negated: Bool, LakeSQLPosition)
    /// `x [NOT] LIKE p [ESCAPE e]`.
    case like(Expression, Expression, escape: Expression?, negated: Bool, LakeSQLPosition)
    /// `f(args)`, `f(DISTINCT x)`, `count(*)` (`isStar`), and niladic `current_timestamp`.
    case call(Identifier, [Expression], distinct: Bool, isStar: Bool)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: Expression?, [WhenClause], otherwise: Expression?, LakeSQLPosition)
    /// `CAST(x AS type)` / `TRY_CAST(x AS type)`.
    case cast(Expression, type: String, isTry: Bool, LakeSQLPosition)
    /// `base[index]`.
    case `subscript`(Expression, Expression, LakeSQLPosition)
    /// `(expr).field` on something that is not a plain path.
    case dereference(Expression, Identifier)

    /// Where the expression starts.
    public var location: LakeSQLPosition {
        switch self {
        case .path(let parts): parts[0].location
        case .literal(_, let location), .unary(_, _, let location), .not(_, let location), .binary(_, _, _, let location),
            .isNull(_, _, let location), .inList(_, _, _, let location), .between(_, _, _, _, let location),
            .like(_, _, _, _, let location), .caseWhen(_, _, _, let location), .cast(_, _, _, let location),
            .subscript(_, _, let location):
            location
        case .call(let name, _, _, _): name.location
        case .dereference(let base, _): base.location
        }
    }
}

/// One `WHEN condition THEN result` arm.
public struct WhenClause: Hashable, Sendable {
    /// The condition (or the value compared with the CASE operand).
    public var condition: Expression
    /// The result.
    public var result: Expression
}

/// A literal as written.
public enum Literal: Hashable, Sendable {
    /// `'text'`.
    case string(String)
    /// An integer, as written.
    case integer(String)
    /// A decimal or double, as written.
    case decimal(String)
    /// `TRUE` / `FALSE`.
    case boolean(Bool)
    /// `NULL`.
    case null
    /// `TIMESTAMP '…'`.
    case timestamp(String)
    /// `DATE '…'`.
    case date(String)
    /// `INTERVAL '7' DAY` (sign applied to the text, unit lower-cased).
    case interval(String, unit: String)
}

/// One item of a select list.
public enum SelectItem: Hashable, Sendable {
    /// `*`.
    case star(LakeSQLPosition)
    /// `alias.*`.
    case qualifiedStar(Identifier)
    /// `expr [AS] alias`.
    case expression(Expression, alias: Identifier?)
}

/// A FROM item: a store, or a join of two.
public indirect enum Relation: Hashable, Sendable {
    /// A store named by its ID, ARN or alias, as written.
    case table(name: String, alias: Identifier?, LakeSQLPosition)
    /// `left JOIN right ON condition` (no condition for CROSS JOIN).
    case join(JoinKind, Relation, Relation, on: Expression?)
}

/// The kinds of join.
public enum JoinKind: String, Hashable, Sendable {
    case inner = "JOIN"
    case left = "LEFT JOIN"
    case right = "RIGHT JOIN"
    case full = "FULL JOIN"
    case cross = "CROSS JOIN"
}

/// `SELECT … FROM … WHERE … GROUP BY … HAVING …`.
public struct SelectCore: Hashable, Sendable {
    /// `SELECT DISTINCT`.
    public var isDistinct: Bool
    /// The select list.
    public var items: [SelectItem]
    /// The FROM relation.
    public var from: Relation
    /// The WHERE condition.
    public var filter: Expression?
    /// The GROUP BY expressions (ordinals are integer literals).
    public var groupBy: [Expression]
    /// The HAVING condition.
    public var having: Expression?
    /// Where `SELECT` is.
    public var location: LakeSQLPosition
}

/// The set operations.
public enum SetOperator: String, Hashable, Sendable {
    case union = "UNION"
    case except = "EXCEPT"
    case intersect = "INTERSECT"
}

/// A query body: one SELECT or a set operation.
public indirect enum QueryBody: Hashable, Sendable {
    /// One SELECT.
    case select(SelectCore)
    /// `left UNION [ALL] right`, …; `isAll` false means DISTINCT.
    case setOperation(SetOperator, isAll: Bool, QueryBody, QueryBody, LakeSQLPosition)
}

/// One ORDER BY item.
public struct OrderItem: Hashable, Sendable {
    /// The sort key (expression, output alias or ordinal).
    public var expression: Expression
    /// DESC.
    public var isDescending: Bool
    /// NULLS FIRST (explicit or not: Trino's default is NULLS LAST).
    public var nullsFirst: Bool
}

/// A whole statement: the body with ORDER BY, LIMIT and OFFSET.
public struct Query: Hashable, Sendable {
    /// The SELECT or set operation.
    public var body: QueryBody
    /// ORDER BY items.
    public var orderBy: [OrderItem]
    /// LIMIT n (nil for none or `LIMIT ALL`).
    public var limit: Int64?
    /// OFFSET n.
    public var offset: Int64?
}
