#ifndef HERALD_CLIBXML2_SHIM_H
#define HERALD_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlmemory.h>
#include <libxml/entities.h>
#include <libxml/HTMLparser.h>

/* `xmlFree` is a mutable global function pointer: Swift 6 refuses to read it. */
static inline void herald_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
