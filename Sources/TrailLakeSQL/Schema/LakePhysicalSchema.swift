/// Names of the per-store SQLite schema (plan §2.2), shared by the lowering and the storage.
///
/// Every identifier in lowered SQL comes from here, so the storage part adopts these constants rather than
/// repeating the names.
public enum LakePhysicalSchema {
    /// The events table.
    public static let eventsTable = "events"
    /// The store-local sequence number, also the raw record's address.
    public static let sequenceColumn = "seq"
    /// Event time, epoch milliseconds UTC.
    public static let eventTimeColumn = "eventtime"
    /// The symbols table (`id`, `value`, `cols`).
    public static let symbolsTable = "symbols"
    /// Raw record blocks.
    public static let rawBlocksTable = "raw_blocks"
    /// Raw records not yet sealed into a block.
    public static let rawTailTable = "raw_tail"
    /// Per-day statistics.
    public static let daysTable = "days"
    /// Store metadata.
    public static let metaTable = "meta"
    /// Import bookkeeping.
    public static let importFilesTable = "import_files"

    /// The schema name under which the n-th store of a query is attached (`s0`, `s1`, …).
    public static func schemaName(forStore index: Int) -> String { "s\(index)" }

    /// Dictionary-encoded (symbol id) columns, in declaration order.
    public static let symbolColumns = [
        "s_eventname", "s_eventsource", "s_awsregion", "s_eventcategory", "s_eventtype", "s_errorcode",
        "s_recipientaccountid", "s_eventversion", "s_ui_type", "s_ui_principalid", "s_ui_arn", "s_ui_accountid",
        "s_ui_accesskeyid", "s_ui_username", "s_ui_invokedby", "s_sourceipaddress", "s_useragent", "s_tlsversion",
        "s_sessioncredentialfromconsole", "s_vpcendpointid",
    ]

    /// 0/1/NULL columns.
    public static let flagColumns = ["readonly", "managementevent"]

    /// The bit of a symbol column in `symbols.cols` (its index in ``symbolColumns``).
    public static func symbolBit(of column: String) -> Int? { symbolColumns.firstIndex(of: column) }
}

/// Names of the SQL functions the lowered SQL calls; the storage part registers them (plan §2.5).
public enum LakeSQLFunctionName {
    public static let symbol = "tk_sym"
    public static let json = "tk_json"
    public static let mapGet = "tk_map_get"
    public static let render = "tk_render"
    public static let match = "tk_match"
    public static let like = "tk_like"
    public static let datePart = "tk_date_part"
    public static let dateTrunc = "tk_date_trunc"
    public static let dateAdd = "tk_date_add"
    public static let dateDiff = "tk_date_diff"
    public static let dateFormat = "tk_date_format"
    public static let dateParse = "tk_date_parse"
    public static let timestampParse = "tk_ts_parse"
    public static let cast = "tk_cast"
    public static let tryCast = "tk_try_cast"
    public static let divide = "tk_div"
    public static let modulo = "tk_mod"
    public static let elementAt = "tk_element_at"
    /// The raw record text (`eventjson`): `tk_record(store, seq)`.
    public static let record = "tk_record"
    /// base64(SHA-256(raw record)) (`eventjsonchecksum`): `tk_record_checksum(store, seq)`.
    public static let recordChecksum = "tk_record_checksum"
    /// A field of a row value held as JSON text, by lower-case name: `tk_row_field(json, name)`.
    public static let rowField = "tk_row_field"

    /// The `kind` argument of `tk_json(store, seq, pointer, kind)`.
    public enum JSONKind: String, Sendable {
        case text, bigint, double, boolean, timestamp, json
    }
}
