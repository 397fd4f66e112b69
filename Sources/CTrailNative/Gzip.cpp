// Whole-buffer gzip through libdeflate. See CTrailNative.h.
#include "CTrailNative.h"
#include <libdeflate.h>

extern "C" long long tk_gunzip(const void *in, size_t in_len, void *out, size_t capacity) {
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d) return -1;
    const unsigned char *src = (const unsigned char *)in;
    unsigned char *dst = (unsigned char *)out;
    size_t total = 0;
    long long result = 0;
    // Several members are concatenated in some real files: decompress them all.
    while (in_len > 0) {
        size_t used = 0, produced = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(d, src, in_len, dst + total,
                                                                 capacity - total, &used, &produced);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) { result = -2; break; }
        if (r != LIBDEFLATE_SUCCESS) { result = -1; break; }
        total += produced;
        src += used;
        in_len -= used;
        // Trailing zero padding after the last member is tolerated.
        size_t k = 0;
        while (k < in_len && src[k] == 0) k++;
        if (k == in_len) break;
    }
    libdeflate_free_decompressor(d);
    return result < 0 ? result : (long long)total;
}

extern "C" size_t tk_gzip_bound(size_t in_len) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    size_t b = libdeflate_gzip_compress_bound(c, in_len);
    libdeflate_free_compressor(c);
    return b;
}

extern "C" long long tk_gzip(const void *in, size_t in_len, void *out, size_t capacity, int level) {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (!c) return -1;
    size_t n = libdeflate_gzip_compress(c, in, in_len, out, capacity);
    libdeflate_free_compressor(c);
    return n == 0 ? -1 : (long long)n;
}
