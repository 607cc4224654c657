#ifndef HERALD_CCMARK_SHIM_H
#define HERALD_CCMARK_SHIM_H
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>

/* The option flags are macros built with shifts, which Swift does not import. */
static const int herald_cmark_opt_unsafe = CMARK_OPT_UNSAFE;
static const int herald_cmark_opt_github_pre_lang = CMARK_OPT_GITHUB_PRE_LANG;
static const int herald_cmark_opt_footnotes = CMARK_OPT_FOOTNOTES;

/* cmark allocates rendered output with the default allocator. */
static inline void herald_cmark_free(void *pointer) { free(pointer); }

#endif
