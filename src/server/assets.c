/*
 * assets.c - the web page's files, served on every path outside /api/.
 *
 * The files are built into the binary (the page works with no network):
 * the build generates their table of {path, type, bytes} from web/
 * (cmake/embed-web.cmake, into web_assets.c of the build folder).  Paths
 * that name no file get index.html, so the page can route on the client
 * side.
 */
#include "server.h"

#include <string.h>

int ferry_server__asset(const char *path, const unsigned char **data,
	size_t *len, const char **type)
{
	const srv_asset *a, *index = NULL;

	for (a = ferry_server__assets; a->path; a++) {
		if (!strcmp(a->path, "/index.html"))
			index = a;
		if (!strcmp(a->path, path))
			break;
	}
	if (!a->path)
		a = index;
	if (!a)
		return -1;
	*data = a->data;
	*len = a->len;
	*type = a->type;
	return 0;
}

int api_asset(srv_req *r)
{
	const unsigned char *data;
	const char *type;
	size_t len;

	if (ferry_server__asset(r->path, &data, &len, &type) < 0)
		return srv_reply_error(r, 404, "not_found", "no such file");
	return srv_reply(r, 200, type, (const char *)data, len);
}
