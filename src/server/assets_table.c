/*
 * assets_table.c - the files of the web page, by path.  Generated from
 * the page's sources when it is built; until then, one page that says
 * where the API is.  Each entry: path, Content-Type, bytes, length; the
 * table ends with a NULL path.
 */
#include "server.h"

static const char index_html[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>ferry</title></head>\n<body><h1>ferry</h1>\n"
	"<p>This server answers the ferry HTTP API under "
	"<code>/api/v1</code> (see docs/api.md).</p></body></html>\n";

const srv_asset ferry_server__assets[] = {
	{ "/index.html", "text/html; charset=utf-8",
	  (const unsigned char *)index_html, sizeof(index_html) - 1 },
	{ NULL, NULL, NULL, 0 }
};
