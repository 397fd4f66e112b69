// Streaming gunzip through zlib, across concatenated members. See TrailStreaming.h.
#include "TrailStreaming.h"
#include <zlib.h>
#include <string>

struct tk_inflater {
    z_stream z{};
    bool in_member = false;   // inside a member (header, body or trailer)
    bool started = false;     // at least one member has begun
    bool padding = false;     // zero bytes seen after a finished member
    uint64_t total_in = 0;
    std::string message;
};

extern "C" tk_inflater *tk_inflater_create(void) {
    tk_inflater *f = new tk_inflater();
    // 16 + MAX_WBITS: gzip wrapper only (the caller sniffs the magic bytes first).
    if (inflateInit2(&f->z, 16 + MAX_WBITS) != Z_OK) {
        delete f;
        return nullptr;
    }
    return f;
}

extern "C" void tk_inflater_destroy(tk_inflater *f) {
    if (!f) return;
    inflateEnd(&f->z);
    delete f;
}

extern "C" int tk_inflate(tk_inflater *f, const void *in, size_t in_len, size_t *in_used, void *out,
                          size_t out_capacity, size_t *out_produced) {
    const unsigned char *src = (const unsigned char *)in;
    unsigned char *dst = (unsigned char *)out;
    size_t used = 0, produced = 0;
    int result = TK_INFLATE_OK;
    while (used < in_len && produced < out_capacity) {
        if (!f->in_member) {
            // Between members: zero padding is tolerated at the very end; anything else starts a member.
            if (src[used] == 0 && f->started) {
                f->padding = true;
                used++;
                continue;
            }
            if (f->padding) {
                f->message = "data after the zero padding that ends the gzip stream";
                result = TK_INFLATE_CORRUPT;
                break;
            }
            if (f->started) inflateReset(&f->z);
            f->in_member = true;
            f->started = true;
        }
        // zlib counts in uInt: feed at most 1 GiB per call.
        size_t avail_in = in_len - used, avail_out = out_capacity - produced;
        if (avail_in > (1u << 30)) avail_in = 1u << 30;
        if (avail_out > (1u << 30)) avail_out = 1u << 30;
        f->z.next_in = const_cast<unsigned char *>(src + used);
        f->z.avail_in = uInt(avail_in);
        f->z.next_out = dst + produced;
        f->z.avail_out = uInt(avail_out);
        int r = inflate(&f->z, Z_NO_FLUSH);
        used += avail_in - f->z.avail_in;
        produced += avail_out - f->z.avail_out;
        if (r == Z_STREAM_END) {
            f->in_member = false;
            continue;
        }
        if (r == Z_OK) continue;
        if (r == Z_BUF_ERROR) break;  // no progress possible: needs more input or more room
        if (r == Z_MEM_ERROR) {
            result = TK_INFLATE_MEMORY;
            f->message = "out of memory";
            break;
        }
        f->message = f->z.msg ? f->z.msg : "corrupt gzip data";
        result = TK_INFLATE_CORRUPT;
        break;
    }
    // Pending output can remain inside zlib after the input is used up: drain it.
    while (result == TK_INFLATE_OK && f->in_member && used == in_len && produced < out_capacity) {
        size_t avail_out = out_capacity - produced;
        if (avail_out > (1u << 30)) avail_out = 1u << 30;
        f->z.next_in = const_cast<unsigned char *>(src + used);
        f->z.avail_in = 0;
        f->z.next_out = dst + produced;
        f->z.avail_out = uInt(avail_out);
        int r = inflate(&f->z, Z_NO_FLUSH);
        size_t got = avail_out - f->z.avail_out;
        produced += got;
        if (r == Z_STREAM_END) { f->in_member = false; break; }
        if (r == Z_OK && got > 0) continue;
        if (r == Z_OK || r == Z_BUF_ERROR) break;
        f->message = f->z.msg ? f->z.msg : "corrupt gzip data";
        result = r == Z_MEM_ERROR ? TK_INFLATE_MEMORY : TK_INFLATE_CORRUPT;
    }
    f->total_in += used;
    *in_used = used;
    *out_produced = produced;
    return result;
}

extern "C" int tk_inflater_is_complete(const tk_inflater *f) { return f->started && !f->in_member; }
extern "C" uint64_t tk_inflater_total_in(const tk_inflater *f) { return f->total_in; }
extern "C" const char *tk_inflater_message(const tk_inflater *f) { return f->message.c_str(); }
