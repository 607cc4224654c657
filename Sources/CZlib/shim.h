#ifndef HERALD_CZLIB_SHIM_H
#define HERALD_CZLIB_SHIM_H

#include <zlib.h>

/// deflateInit2 is a macro (it passes the library version and the stream's size): Swift
/// cannot call it. windowBits 15 + 16 asks for a gzip wrapper (RFC 1952) around the deflate data.
static inline int herald_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
