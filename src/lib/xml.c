/*
 * xml.c - loading libxml2 (xml.h says why it is not linked).
 */
#define FERRY_XML_LOADER
#include "xml.h"

#include "dynlib.h"

ferry_xml_api ferry_xml;

/* (the object-pointer view of each function pointer that POSIX gives
 * dlsym's result) */
static const ferry_dl_symbol syms[] = {
#define SYMBOL(f) { #f, (void **)&ferry_xml.f },
	FERRY_XML_FUNCTIONS(SYMBOL)
#undef SYMBOL
};

static ferry_dl_lib lib = { "libxml2.so.2", "the XML library",
	"libxml2", syms, sizeof(syms) / sizeof(*syms),
	PTHREAD_MUTEX_INITIALIZER, 0, "" };

int ferry__xml_load(const char **why)
{
	return ferry_dl_load(&lib, why);
}
