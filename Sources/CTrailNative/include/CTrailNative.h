// C interface over simdjson and libdeflate for Trailkeeper's hot paths.
//
// Strings returned by these functions point either into the caller's loaded document
// (record slices) or into the parser's own buffers; they stay valid until the next call
// on the same parser. A NULL `ptr` means the field was absent or JSON null.
#pragma once
#include "TrailStreaming.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tk_str {
    const char *ptr;
    size_t len;
} tk_str;

/// Indexed fields of one CloudTrail record.
typedef struct tk_record {
    int is_object;          // 1 when the record is a JSON object
    int parse_error;        // simdjson error code (0 = none)
    tk_str event_version, event_id, event_time, event_name, event_source, aws_region,
        source_ip, event_type, event_category, recipient_account_id, error_code;
    tk_str ui_type, ui_user_name, ui_arn, ui_access_key_id, ui_principal_id, ui_account_id,
        ui_issuer_user_name;
    tk_str insight_event_name, insight_event_source;
    int read_only;          // -1 absent/null, 0 false, 1 true (booleans or "true"/"false" strings)
    int management_event;   // -1, 0, 1
    size_t resource_count;
    const tk_str *resource_types;
    const tk_str *resource_names;
} tk_record;

/// Fields of a CloudTrail Lake external event (PutAuditEvents `eventData`).
typedef struct tk_external {
    int is_object;
    int parse_error;
    tk_str version, ui_type, ui_principal_id, user_agent, event_source, event_name, event_time,
        uid, error_code, error_message, source_ip, recipient_account_id;
    int ui_details_kind;          // 0 absent, 1 object, 2 other
    long long request_parameters_size;   // minified size, -1 when absent or null
    long long response_elements_size;
    long long additional_event_data_size;
    int wrong_type_field;         // index (1-based) of the first string field of the wrong type, 0 none
} tk_external;

typedef struct tk_parser tk_parser;

tk_parser *tk_parser_create(void);
void tk_parser_destroy(tk_parser *parser);

/// Copies `len` bytes into the parser's padded buffer and splits them into record slices.
///
/// Accepts `{"Records":[...]}`, a bare array, one object, or JSON lines / concatenated objects.
/// Returns the number of slices, or a negative simdjson error code when the document is not JSON.
/// Slices that are not JSON objects are still returned (the record parser reports them).
long tk_split(tk_parser *parser, const char *bytes, size_t len);
tk_str tk_slice(const tk_parser *parser, size_t index);
/// Byte offset of the slice `index` inside the loaded document.
size_t tk_slice_offset(const tk_parser *parser, size_t index);

/// Parses one record. `bytes` need not be padded: the parser copies when needed.
void tk_parse_record(tk_parser *parser, const char *bytes, size_t len, tk_record *out);
/// Parses the loaded slice `index` without a copy.
void tk_parse_slice(tk_parser *parser, size_t index, tk_record *out);

/// Parses a PutAuditEvents `eventData` string.
void tk_parse_external(tk_parser *parser, const char *bytes, size_t len, tk_external *out);

/// One entry of a PutAuditEvents request body.
typedef struct tk_audit_event {
    tk_str id;            // unescaped
    tk_str event_data;    // unescaped JSON text
    tk_str checksum;      // unescaped, NULL when absent
    int wrong_type;       // 1 when an entry is not an object or a field has the wrong type
} tk_audit_event;

/// Parses `{"auditEvents":[...]}`. Returns the entry count or a negative error
/// (-1000 = body is not an object, -1001 = auditEvents missing or not an array).
long tk_parse_audit_events(tk_parser *parser, const char *bytes, size_t len);
tk_audit_event tk_audit_event_at(const tk_parser *parser, size_t index);

/// The value at the JSON pointer `pointer` (e.g. `/userIdentity/arn`) of the record `bytes`:
/// strings unescaped, booleans as `true`/`false`, other values minified. Returns 1 when found,
/// 0 when absent or null, -1 when the record is not JSON. The string lives until the next call.
int tk_value_at_pointer(tk_parser *parser, const char *bytes, size_t len, const char *pointer, tk_str *out);

/// Human-readable message for a simdjson error code.
const char *tk_error_message(int code);

/// Writes `bytes` as the inside of a JSON string (no quotes) into `out` (capacity >= 6 * len).
/// Returns the number of bytes written.
size_t tk_json_escape(const char *bytes, size_t len, char *out);

// MARK: gzip (libdeflate)

/// Gunzips a whole buffer (all members). Returns the decompressed size, -1 on corrupt input,
/// -2 when `capacity` is too small.
long long tk_gunzip(const void *in, size_t in_len, void *out, size_t capacity);
/// Gzips a whole buffer as one member. Returns the compressed size or -1.
long long tk_gzip(const void *in, size_t in_len, void *out, size_t capacity, int level);
size_t tk_gzip_bound(size_t in_len);

#ifdef __cplusplus
}
#endif

// CloudTrail Lake storage and query helpers (LakeNative.cpp).
#include "TrailLake.h"
