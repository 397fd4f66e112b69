// CloudTrail Lake helpers: simdjson DOM lookups, raw deflate blocks, SHA-256. See TrailLake.h.
#include "TrailLake.h"
#include <libdeflate.h>
#include <simdjson.h>
#include <cstring>
#include <string>
#include <vector>

using namespace simdjson;

struct tk_lake_doc {
    dom::parser parser;
    dom::element root;
    bool loaded = false;
    std::string slots[8];
    std::vector<std::string> child_keys;
    std::vector<std::string> child_texts;
    std::vector<tk_lake_value> child_values;
};

extern "C" tk_lake_doc *tk_lake_doc_create(void) { return new tk_lake_doc(); }
extern "C" void tk_lake_doc_destroy(tk_lake_doc *doc) { delete doc; }

extern "C" int tk_lake_doc_load(tk_lake_doc *doc, const char *bytes, size_t len) {
    doc->loaded = false;
    auto err = doc->parser.parse(bytes, len, true).get(doc->root);
    if (err) return int(err);
    doc->loaded = true;
    return 0;
}

// Fills `out` for element `e`; container and number texts go to `scratch`.
static int describe(dom::element e, std::string &scratch, tk_lake_value *out) {
    out->text = tk_str{nullptr, 0};
    out->integer = 0;
    out->real = 0;
    switch (e.type()) {
    case dom::element_type::NULL_VALUE:
        out->kind = TK_LAKE_ABSENT;
        break;
    case dom::element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        out->kind = TK_LAKE_STRING;
        out->text = tk_str{s.data(), s.size()};
        break;
    }
    case dom::element_type::BOOL: {
        bool b = e.get_bool().value_unsafe();
        static const char t[] = "true", f[] = "false";
        out->kind = TK_LAKE_BOOLEAN;
        out->integer = b ? 1 : 0;
        out->text = b ? tk_str{t, 4} : tk_str{f, 5};
        break;
    }
    case dom::element_type::INT64:
        out->kind = TK_LAKE_INTEGER;
        out->integer = e.get_int64().value_unsafe();
        out->real = double(out->integer);
        scratch = simdjson::minify(e);
        out->text = tk_str{scratch.data(), scratch.size()};
        break;
    case dom::element_type::UINT64:
        out->kind = TK_LAKE_DOUBLE;
        out->real = double(e.get_uint64().value_unsafe());
        scratch = simdjson::minify(e);
        out->text = tk_str{scratch.data(), scratch.size()};
        break;
    case dom::element_type::DOUBLE:
        out->kind = TK_LAKE_DOUBLE;
        out->real = e.get_double().value_unsafe();
        scratch = simdjson::minify(e);
        out->text = tk_str{scratch.data(), scratch.size()};
        break;
    case dom::element_type::OBJECT:
    case dom::element_type::ARRAY:
        out->kind = e.type() == dom::element_type::OBJECT ? TK_LAKE_OBJECT : TK_LAKE_ARRAY;
        scratch = simdjson::minify(e);
        out->text = tk_str{scratch.data(), scratch.size()};
        break;
    }
    return out->kind;
}

static bool locate(tk_lake_doc *doc, const char *pointer, size_t pointer_len, dom::element &e) {
    if (!doc->loaded) return false;
    if (pointer_len == 0) {
        e = doc->root;
        return true;
    }
    return doc->root.at_pointer(std::string_view(pointer, pointer_len)).get(e) == SUCCESS;
}

extern "C" int tk_lake_get(tk_lake_doc *doc, const char *pointer, size_t pointer_len, int slot, tk_lake_value *out) {
    dom::element e;
    if (!locate(doc, pointer, pointer_len, e)) {
        *out = tk_lake_value{TK_LAKE_ABSENT, {nullptr, 0}, 0, 0};
        return TK_LAKE_ABSENT;
    }
    return describe(e, doc->slots[slot & 7], out);
}

extern "C" int tk_lake_kind(tk_lake_doc *doc, const char *pointer, size_t pointer_len) {
    dom::element e;
    if (!locate(doc, pointer, pointer_len, e)) return TK_LAKE_ABSENT;
    switch (e.type()) {
    case dom::element_type::NULL_VALUE: return TK_LAKE_ABSENT;
    case dom::element_type::STRING: return TK_LAKE_STRING;
    case dom::element_type::BOOL: return TK_LAKE_BOOLEAN;
    case dom::element_type::INT64: return TK_LAKE_INTEGER;
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return TK_LAKE_DOUBLE;
    case dom::element_type::OBJECT: return TK_LAKE_OBJECT;
    case dom::element_type::ARRAY: return TK_LAKE_ARRAY;
    }
    return TK_LAKE_ABSENT;
}

extern "C" long tk_lake_children(tk_lake_doc *doc, const char *pointer, size_t pointer_len) {
    dom::element e;
    if (!locate(doc, pointer, pointer_len, e)) return -1;
    doc->child_keys.clear();
    doc->child_texts.clear();
    doc->child_values.clear();
    if (e.type() == dom::element_type::OBJECT) {
        for (auto field : dom::object(e)) {
            doc->child_keys.emplace_back(field.key);
            doc->child_texts.emplace_back();
            doc->child_values.emplace_back();
            describe(field.value, doc->child_texts.back(), &doc->child_values.back());
        }
    } else if (e.type() == dom::element_type::ARRAY) {
        for (auto item : dom::array(e)) {
            doc->child_keys.emplace_back();
            doc->child_texts.emplace_back();
            doc->child_values.emplace_back();
            describe(item, doc->child_texts.back(), &doc->child_values.back());
        }
    } else {
        return -1;
    }
    // Texts kept in `child_texts` may have moved while the vectors grew: point at them again.
    for (size_t i = 0; i < doc->child_values.size(); i++) {
        tk_lake_value &v = doc->child_values[i];
        if (v.kind != TK_LAKE_STRING && v.kind != TK_LAKE_BOOLEAN && v.kind != TK_LAKE_ABSENT) {
            v.text = tk_str{doc->child_texts[i].data(), doc->child_texts[i].size()};
        }
    }
    return long(doc->child_values.size());
}

extern "C" void tk_lake_child(tk_lake_doc *doc, size_t index, tk_str *key, tk_lake_value *value) {
    *key = tk_str{doc->child_keys[index].data(), doc->child_keys[index].size()};
    *value = doc->child_values[index];
}

// MARK: raw deflate

extern "C" size_t tk_lake_deflate_bound(size_t in_len) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    size_t b = libdeflate_deflate_compress_bound(c, in_len);
    libdeflate_free_compressor(c);
    return b;
}

extern "C" long long tk_lake_deflate(const void *in, size_t in_len, void *out, size_t capacity, int level) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (!c) return -1;
    size_t n = libdeflate_deflate_compress(c, in, in_len, out, capacity);
    libdeflate_free_compressor(c);
    return n == 0 ? -1 : (long long)n;
}

extern "C" int tk_lake_inflate(const void *in, size_t in_len, void *out, size_t out_len) {
    static thread_local struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d) return -1;
    size_t produced = 0;
    auto r = libdeflate_deflate_decompress(d, in, in_len, out, out_len, &produced);
    return r == LIBDEFLATE_SUCCESS && produced == out_len ? 0 : -1;
}

// MARK: SHA-256 (FIPS 180-4)

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | uint32_t(p[4 * i + 3]);
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

extern "C" void tk_lake_sha256(const void *bytes, size_t len, unsigned char *digest) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = (const unsigned char *)bytes;
    size_t full = len / 64;
    for (size_t i = 0; i < full; i++) sha256_block(h, p + 64 * i);
    unsigned char tail[128] = {0};
    size_t rest = len - full * 64;
    memcpy(tail, p + full * 64, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = uint64_t(len) * 8;
    for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(h, tail);
    if (tail_len == 128) sha256_block(h, tail + 64);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)h[i];
    }
}
