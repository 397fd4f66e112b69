// CloudTrail Lake storage and query helpers (issue 6, plan §2.2, §2.5): one simdjson DOM document per
// handle for field extraction and JSON-pointer lookups, raw deflate blocks (libdeflate) and SHA-256.
#pragma once
#include "CTrailNative.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// JSON value kinds reported by `tk_lake_get`.
enum {
    TK_LAKE_ABSENT = 0,   // missing, or JSON null
    TK_LAKE_STRING = 1,   // `text` is the unescaped string
    TK_LAKE_INTEGER = 2,  // `integer` (and `text` is its JSON text)
    TK_LAKE_DOUBLE = 3,   // `real` (and `text` is its JSON text)
    TK_LAKE_BOOLEAN = 4,  // `integer` is 0/1 (and `text` is `true`/`false`)
    TK_LAKE_OBJECT = 5,   // `text` is the minified JSON
    TK_LAKE_ARRAY = 6,    // `text` is the minified JSON
};

/// One value found in a document. `text` lives until the next call on the same handle.
typedef struct tk_lake_value {
    int kind;
    tk_str text;
    long long integer;
    double real;
} tk_lake_value;

/// A parser holding one parsed document and its scratch buffers.
typedef struct tk_lake_doc tk_lake_doc;

tk_lake_doc *tk_lake_doc_create(void);
void tk_lake_doc_destroy(tk_lake_doc *doc);

/// Parses `bytes` (copied into the handle). Returns 0, or a simdjson error code.
int tk_lake_doc_load(tk_lake_doc *doc, const char *bytes, size_t len);

/// The value at the JSON pointer `pointer` (`""` = the root, `/a/b`, `/list/0`) of the loaded document.
/// `slot` (0..7) selects the scratch buffer that keeps `text` alive, so several values can be held at once.
/// Returns the kind.
int tk_lake_get(tk_lake_doc *doc, const char *pointer, size_t pointer_len, int slot, tk_lake_value *out);

/// The kind of the value at `pointer`, without producing its text.
int tk_lake_kind(tk_lake_doc *doc, const char *pointer, size_t pointer_len);

/// Loads the children of the object or array at `pointer`: returns their count (-1 when not a container).
/// Keys and values are then read with `tk_lake_child` until the next call on the handle.
long tk_lake_children(tk_lake_doc *doc, const char *pointer, size_t pointer_len);
/// The `index`-th child: `key` (objects only, unescaped) and its value.
void tk_lake_child(tk_lake_doc *doc, size_t index, tk_str *key, tk_lake_value *value);

/// Raw deflate (no header) at `level`. Returns the compressed size, or -1 when `capacity` is too small.
long long tk_lake_deflate(const void *in, size_t in_len, void *out, size_t capacity, int level);
size_t tk_lake_deflate_bound(size_t in_len);
/// Inflates exactly `out_len` bytes. Returns 0, or -1 on corrupt input.
int tk_lake_inflate(const void *in, size_t in_len, void *out, size_t out_len);

/// SHA-256 of `len` bytes into `digest` (32 bytes).
void tk_lake_sha256(const void *bytes, size_t len, unsigned char *digest);

#ifdef __cplusplus
}
#endif
