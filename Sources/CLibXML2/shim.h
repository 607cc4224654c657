#ifndef HERALD_CLIBXML2_SHIM_H
#define HERALD_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, so <libxml/encoding.h> includes the system ICU headers,
 * whose `UErrorCode` differs from the one in Foundation's own ICU: a Swift file that sees both
 * modules fails to compile (only sometimes, depending on build order). Herald never converts
 * encodings through ICU nor touches the ICU fields at the end of `xmlCharEncodingHandler`, so
 * the headers are read without them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlmemory.h>
#include <libxml/entities.h>
#include <libxml/HTMLparser.h>

/* `xmlFree` is a mutable global function pointer: Swift 6 refuses to read it. */
static inline void herald_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
