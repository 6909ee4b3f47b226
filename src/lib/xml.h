/*
 * xml.h - libxml2, loaded when ferry first reads XML (a ServiceNow update
 * set, an Aptify pack).
 *
 * Most runs of ferry read no XML, and linking libxml2 (with ICU and the
 * C++ runtime ICU needs) made every one of them load it
 * (src/util/dynlib.h).  updateset.c and cmpack.c reach its functions
 * through a table that ferry__xml_load() fills; the macros below let them
 * call the functions by their usual names.  Only this header and xml.c
 * know.
 */
#ifndef FERRY_LIB_XML_H
#define FERRY_LIB_XML_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

/* Every libxml2 function ferry calls, and xmlFree: a variable holding
 * libxml2's free function (its slot holds the variable's address). */
#define FERRY_XML_FUNCTIONS(X) \
	X(xmlFree) X(xmlDocGetRootElement) X(xmlFreeDoc) \
	X(xmlFreeTextReader) X(xmlGetProp) X(xmlNodeGetContent) \
	X(xmlReadFile) X(xmlReaderForFile) X(xmlReaderForMemory) \
	X(xmlTextReaderConstLocalName) X(xmlTextReaderDepth) \
	X(xmlTextReaderExpand) X(xmlTextReaderNext) \
	X(xmlTextReaderNodeType) X(xmlTextReaderRead) \
	X(xmlTextReaderSetStructuredErrorHandler)

typedef struct {
#define FERRY_XML_MEMBER(f) __typeof__(f) *f;
	FERRY_XML_FUNCTIONS(FERRY_XML_MEMBER)
#undef FERRY_XML_MEMBER
} ferry_xml_api;

extern ferry_xml_api ferry_xml;

/* Load libxml2 once for the process.  0, or -1 with *why saying why (a
 * static string). */
int ferry__xml_load(const char **why);

#ifndef FERRY_XML_LOADER
#define xmlFree (*ferry_xml.xmlFree)
#define xmlDocGetRootElement (ferry_xml.xmlDocGetRootElement)
#define xmlFreeDoc (ferry_xml.xmlFreeDoc)
#define xmlFreeTextReader (ferry_xml.xmlFreeTextReader)
#define xmlGetProp (ferry_xml.xmlGetProp)
#define xmlNodeGetContent (ferry_xml.xmlNodeGetContent)
#define xmlReadFile (ferry_xml.xmlReadFile)
#define xmlReaderForFile (ferry_xml.xmlReaderForFile)
#define xmlReaderForMemory (ferry_xml.xmlReaderForMemory)
#define xmlTextReaderConstLocalName (ferry_xml.xmlTextReaderConstLocalName)
#define xmlTextReaderDepth (ferry_xml.xmlTextReaderDepth)
#define xmlTextReaderExpand (ferry_xml.xmlTextReaderExpand)
#define xmlTextReaderNext (ferry_xml.xmlTextReaderNext)
#define xmlTextReaderNodeType (ferry_xml.xmlTextReaderNodeType)
#define xmlTextReaderRead (ferry_xml.xmlTextReaderRead)
#define xmlTextReaderSetStructuredErrorHandler \
	(ferry_xml.xmlTextReaderSetStructuredErrorHandler)
#endif

#endif
