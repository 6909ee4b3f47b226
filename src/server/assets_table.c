/*
 * assets_table.c - the files of the web page, by path.  Generated from
 * the page's sources when it is built; until then, one page that says
 * where the API is.  Each entry: path, Content-Type, bytes, length; the
 * table ends with a NULL path.
 */
#include <stddef.h>

typedef struct {
	const char *path;
	const char *type;
	const unsigned char *data;
	size_t len;
} srv_asset;

static const char index_html[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>ferry</title></head>\n<body><h1>ferry</h1>\n"
	"<p>This server answers the ferry HTTP API under "
	"<code>/api/v1</code> (see docs/api.md).</p></body></html>\n";

extern const srv_asset ferry_server__assets[];

const srv_asset ferry_server__assets[] = {
	{ "/index.html", "text/html; charset=utf-8",
	  (const unsigned char *)index_html, sizeof(index_html) - 1 },
	{ NULL, NULL, NULL, 0 }
};
