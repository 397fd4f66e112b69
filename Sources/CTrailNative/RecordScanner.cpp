// Incremental cutting of CloudTrail documents into record byte ranges. See TrailStreaming.h.
//
// The scanner never looks back: it keeps only string/escape state, a bracket depth and the
// position in the document's outer structure, so its caller may drop every byte that is not
// part of the record being cut. Records themselves are validated later by simdjson.
#include "TrailStreaming.h"
#include <cstring>

namespace {
enum Mode {
    TOP,            // between documents (JSON lines / concatenated documents allowed)
    CANDIDATE,      // inside a top-level object: a record, or a {"Records":[…]} wrapper
    ARRAY_VALUE,    // after '[' or ',' in a record array
    RECORD,         // inside an object element of a record array
    SCALAR,         // inside a non-object element of a record array
    ARRAY_AFTER,    // after an element of a record array
    WRAPPER_REST,   // inside the wrapper object after its Records array
};

inline bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

const char records_key[] = "Records";

// Skips string bytes from `i`; returns the index after the closing quote, or `len` when the
// string continues in the next chunk.
inline size_t skip_string(tk_scanner *s, const unsigned char *b, size_t i, size_t len) {
    if (s->escape) {
        s->escape = 0;
        i++;
    }
    while (i < len) {
        // Fast path: most string bytes are neither '"' nor '\\'.
        const unsigned char *q = (const unsigned char *)std::memchr(b + i, '"', len - i);
        const unsigned char *e = (const unsigned char *)std::memchr(b + i, '\\', (q ? size_t(q - b) : len) - i);
        if (e) {
            if (size_t(e - b) + 1 >= len) {
                s->escape = 1;
                return len;
            }
            i = size_t(e - b) + 2;
            continue;
        }
        if (!q) return len;
        s->in_string = 0;
        return size_t(q - b) + 1;
    }
    return len;
}
}  // namespace

extern "C" void tk_scanner_reset(tk_scanner *s, uint64_t max_record) {
    std::memset(s, 0, sizeof(*s));
    s->max_record = max_record;
    s->key_match = -1;
}

static void close_array(tk_scanner *s) {
    if (s->bare_array) {
        s->mode = TOP;
    } else {
        s->mode = WRAPPER_REST;
        s->depth = 1;
    }
}

extern "C" long tk_scan(tk_scanner *s, const unsigned char *b, size_t len, tk_scan_event *events,
                        size_t max_events, size_t *consumed) {
    const uint64_t base = s->offset;
    size_t i = 0, n = 0;
    long error = 0;

#define EMIT(end_offset)                                  \
    do {                                                  \
        events[n].start = s->record_start;                \
        events[n].end = (end_offset);                     \
        events[n].oversized = s->oversized;               \
        n++;                                              \
        s->in_record = 0;                                 \
        s->oversized = 0;                                 \
    } while (0)

    while (i < len && n < max_events && error == 0) {
        unsigned char c = b[i];
        switch (s->mode) {
        case TOP:
            if (is_space(c)) { i++; break; }
            if (c == '{') {
                s->mode = CANDIDATE;
                s->in_record = 1;
                s->oversized = 0;
                s->record_start = base + i;
                s->depth = 1;
                s->key_position = 1;
                s->key_match = -1;
                s->records_pending = 0;
                i++;
                break;
            }
            if (c == '[') {
                s->mode = ARRAY_VALUE;
                s->bare_array = 1;
                i++;
                break;
            }
            error = TK_SCAN_NOT_JSON;
            break;
        case ARRAY_VALUE:
            if (is_space(c)) { i++; break; }
            if (c == ']') { close_array(s); i++; break; }
            s->in_record = 1;
            s->oversized = 0;
            s->record_start = base + i;
            if (c == '{') {
                s->mode = RECORD;
                s->depth = 1;
                i++;
            } else {
                s->mode = SCALAR;  // scanned again below
                s->depth = 0;
            }
            break;
        case ARRAY_AFTER:
            if (is_space(c)) { i++; break; }
            if (c == ',') { s->mode = ARRAY_VALUE; i++; break; }
            if (c == ']') { close_array(s); i++; break; }
            error = TK_SCAN_BAD_ARRAY;
            break;
        case RECORD:
        case WRAPPER_REST:
            if (s->in_string) { i = skip_string(s, b, i, len); break; }
            // Fast path over structural bytes.
            while (i < len) {
                c = b[i];
                if (c == '"') { s->in_string = 1; i++; break; }
                if (c == '{' || c == '[') { s->depth++; i++; continue; }
                if (c == '}' || c == ']') {
                    i++;
                    if (--s->depth == 0) {
                        if (s->mode == RECORD) {
                            EMIT(base + i);
                            s->mode = ARRAY_AFTER;
                        } else {
                            s->mode = TOP;
                        }
                        break;
                    }
                    continue;
                }
                i++;
            }
            break;
        case SCALAR:
            if (s->in_string) { i = skip_string(s, b, i, len); break; }
            if (c == '"') { s->in_string = 1; i++; break; }
            if (c == '{' || c == '[') { s->depth++; i++; break; }
            if (s->depth == 0 && (c == ',' || c == ']' || is_space(c))) {
                EMIT(base + i);
                s->mode = ARRAY_AFTER;  // this byte is scanned again there
                break;
            }
            if (c == '}' || c == ']') s->depth--;
            i++;
            break;
        case CANDIDATE:
            if (s->in_string) {
                if (s->key_match < 0) { i = skip_string(s, b, i, len); break; }
                // Matching a depth-1 key against "Records", byte by byte.
                if (c == '\\') {
                    s->key_match = -1;
                    s->escape = 1;
                    i++;
                    break;
                }
                if (c == '"') {
                    s->in_string = 0;
                    s->records_pending = s->key_match == 7;
                    s->key_match = -1;
                } else if (s->key_match < 7 && c == (unsigned char)records_key[s->key_match]) {
                    s->key_match++;
                } else {
                    s->key_match = -1;
                }
                i++;
                break;
            }
            if (s->depth == 1 && s->records_pending && !is_space(c) && c != ':') {
                if (c != '[') {
                    error = TK_SCAN_RECORDS_NOT_ARRAY;
                    break;
                }
                // A {"Records":[…]} wrapper: its elements are the records.
                s->records_pending = 0;
                s->in_record = 0;
                s->oversized = 0;
                s->depth = 0;
                s->bare_array = 0;
                s->mode = ARRAY_VALUE;
                i++;
                break;
            }
            if (c == '"') {
                s->in_string = 1;
                if (s->depth == 1 && s->key_position) s->key_match = 0;
            } else if (c == '{' || c == '[') {
                s->depth++;
            } else if (c == '}' || c == ']') {
                if (--s->depth == 0) {
                    EMIT(base + i + 1);
                    s->mode = TOP;
                }
            } else if (s->depth == 1 && c == ',') {
                s->key_position = 1;
            } else if (s->depth == 1 && c == ':') {
                s->key_position = 0;
            }
            i++;
            break;
        }
    }
#undef EMIT
    s->offset = base + i;
    *consumed = i;
    if (error) {
        s->error_offset = base + i;
        // Hand out the records cut before the problem first; the next call meets it again
        // (the offending byte was not consumed and the state is unchanged).
        if (n == 0) return error;
    }
    return long(n);
}

extern "C" long tk_scan_finish(tk_scanner *s) {
    if (s->mode == TOP) return 0;
    s->error_offset = s->offset;
    return TK_SCAN_TRUNCATED;
}
