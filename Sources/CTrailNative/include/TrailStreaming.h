// Streaming gzip inflation (zlib) and incremental record scanning for large CloudTrail log files.
// See LogFileRecordStream in TrailModel.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: streaming gunzip (zlib)

typedef struct tk_inflater tk_inflater;

/// Results of `tk_inflate`.
enum {
    TK_INFLATE_OK = 0,          // progress made; call again with the remaining input / more output space
    TK_INFLATE_CORRUPT = -1,    // the input is not valid gzip (message in tk_inflater_message)
    TK_INFLATE_MEMORY = -2,
};

tk_inflater *tk_inflater_create(void);
void tk_inflater_destroy(tk_inflater *inflater);

/// Inflates from `in` into `out`, across gzip member boundaries (concatenated members).
/// Sets `*in_used` and `*out_produced`. Zero bytes after a finished member are treated as padding.
int tk_inflate(tk_inflater *inflater, const void *in, size_t in_len, size_t *in_used,
               void *out, size_t out_capacity, size_t *out_produced);
/// Whether the input so far ends exactly at a member boundary (or in trailing padding):
/// false means a truncated stream when no more input follows.
int tk_inflater_is_complete(const tk_inflater *inflater);
/// Number of compressed bytes consumed so far.
uint64_t tk_inflater_total_in(const tk_inflater *inflater);
const char *tk_inflater_message(const tk_inflater *inflater);

// MARK: incremental record scanner

/// One cut record: absolute byte offsets in the (inflated) stream.
typedef struct tk_scan_event {
    uint64_t start;
    uint64_t end;        // exclusive
    int oversized;       // 1 when the record exceeded `max_record` (its bytes were not kept)
} tk_scan_event;

/// Scanner errors (negative results of `tk_scan` / `tk_scan_finish`).
enum {
    TK_SCAN_NOT_JSON = -1,          // a top-level byte that cannot start a CloudTrail document
    TK_SCAN_BAD_ARRAY = -2,         // expected ',' or ']' between records
    TK_SCAN_RECORDS_NOT_ARRAY = -3, // "Records" is not an array
    TK_SCAN_TRUNCATED = -4,         // the input ended inside a document
};

/// The scanner's state; zero-initialise it with `tk_scanner_reset`.
typedef struct tk_scanner {
    uint64_t offset;          // absolute offset of the next byte to scan
    uint64_t record_start;    // absolute offset of the record being cut (valid when in_record)
    uint64_t error_offset;
    uint64_t max_record;
    int mode;
    int in_record;
    int oversized;
    int depth;
    int in_string;
    int escape;
    int key_position;         // depth-1 key expected (top-level candidate object)
    int key_match;            // bytes of "Records" matched so far in the current depth-1 key, -1 none
    int records_pending;      // the last depth-1 key was "Records"
    int bare_array;           // the current array is a top-level array (not a Records value)
} tk_scanner;

void tk_scanner_reset(tk_scanner *scanner, uint64_t max_record);
/// Scans `len` bytes that continue the stream at `scanner->offset`; stops early when
/// `max_events` records have been cut. Returns the number of events written, or a negative
/// TK_SCAN_* error (with `error_offset` set). `*consumed` is the number of bytes scanned.
long tk_scan(tk_scanner *scanner, const unsigned char *bytes, size_t len, tk_scan_event *events,
             size_t max_events, size_t *consumed);
/// Checks the end of the stream: 0, or TK_SCAN_TRUNCATED when it ends inside a document.
long tk_scan_finish(tk_scanner *scanner);

#ifdef __cplusplus
}
#endif
