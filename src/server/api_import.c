/*
 * api_import.c - importing a package over HTTP: upload and load, list,
 * show, preview (filtered and paged), diff, resolve, commit, back out
 * and discard.  Load, commit and back out run as jobs; commit and back
 * out one at a time per instance.  Each is the CLI's command over the
 * same library call, with the CLI's rules for its arguments.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

static int import_id(srv_req *r, int64_t *id)
{
	if ((*id = srv_parse_id(r->param[0])) <= 0)
		return srv_reply_error(r, 404, "not_found", "no such import; "
			"import ids are whole numbers (GET /api/v1/imports)"),
			-1;
	return 0;
}

typedef struct {
	char *path;
	int64_t id;
	int backup;
} import_arg;

static void free_import(void *payload)
{
	import_arg *a = payload;

	free(a->path);
	free(a);
}

static int run_load(ferry_buf *out, ferry_db *db, void *payload)
{
	import_arg *a = payload;

	return ferry_import_load(out, db, a->path);
}

int api_imports_load(srv_req *r)
{
	import_arg *a = calloc(1, sizeof(*a));
	char *dir;

	if (!a || (a->path = strdup(r->upload_path)) == NULL) {
		free(a);
		return srv_reply_error(r, 500, "internal", "out of memory");
	}
	/* The job owns the upload now and removes it when done. */
	dir = r->upload_dir;
	r->upload_dir = NULL;
	free(r->upload_path);
	r->upload_path = NULL;
	srv_job_start(r, "import load", run_load, a, free_import, 0, dir);
	free(dir);
	return 0;
}

int api_imports_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_import_list(&out, r->db), &out);
}

int api_import_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;

	if (import_id(r, &id) < 0)
		return 0;
	return srv_reply_doc(r, ferry_import_show(&out, r->db, id), &out);
}

int api_import_preview(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	ferry_preview_filter f = FERRY_PREVIEW_FILTER_INIT;
	int64_t id;

	if (import_id(r, &id) < 0 || srv_paging(r, &f.limit, &f.offset) < 0)
		return 0;
	f.severity = srv_query(r, "severity");
	f.kind = srv_query(r, "kind");
	f.entity = srv_query(r, "entity");
	return srv_reply_doc(r, ferry_import_preview_filtered(&out, r->db, id,
		&f), &out);
}

int api_import_diff(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id, item;

	if (import_id(r, &id) < 0)
		return 0;
	if ((item = srv_parse_id(r->param[1])) <= 0)
		return srv_reply_error(r, 404, "not_found", "no such item; "
			"item numbers are whole numbers (GET "
			"/api/v1/imports/{id}/preview lists them)");
	return srv_reply_doc(r, ferry_import_diff(&out, r->db, id, &item, 1),
		&out);
}

int api_import_discard(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;

	if (import_id(r, &id) < 0)
		return 0;
	return srv_reply_doc(r, ferry_import_discard(&out, r->db, id), &out);
}

/* "items" as item numbers in *list (n of them); -1 once answered. */
static int item_list(srv_req *r, int64_t **list, size_t *n)
{
	json_t *items = r->json ? json_object_get(r->json, "items") : NULL;
	size_t i;

	*list = NULL;
	*n = 0;
	if (items && !json_is_array(items))
		return srv_bad_request(r, "\"items\" is a list of item "
			"numbers"), -1;
	if ((*n = json_array_size(items)) == 0)
		return 0;
	if ((*list = calloc(*n, sizeof(**list))) == NULL)
		return srv_reply_error(r, 500, "internal", "out of memory"),
			-1;
	for (i = 0; i < *n; i++) {
		json_t *v = json_array_get(items, i);

		if (!json_is_integer(v)) {
			free(*list);
			*list = NULL;
			return srv_bad_request(r, "\"items\" is a list of "
				"item numbers"), -1;
		}
		(*list)[i] = json_integer_value(v);
	}
	return 0;
}

static int resolve_merge(srv_req *r, int64_t id, const int64_t *list,
	size_t n, int all)
{
	json_t *payload = json_object_get(r->json, "payload");
	char *text;
	int error;

	if (all || n != 1 || !json_is_object(payload))
		return srv_bad_request(r, "merge takes one item and its "
			"\"payload\": a JSON object of the fields you decide, "
			"e.g. {\"action\": \"merge\", \"items\": [2], "
			"\"payload\": {\"name\": \"Ann\"}}");
	text = json_dumps(payload, JSON_COMPACT);
	error = text ? ferry_import_merge(r->db, id, list[0], text) :
		FERRY_ENOMEM;
	free(text);
	return srv_reply_ok(r, error);
}

int api_import_resolve(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int bad = 0, all, whole;
	const char *action = srv_jstr(r, "action", &bad);
	int64_t id, *list = NULL;
	size_t n = 0;
	int error;

	all = srv_jbool(r, "all", 0, &bad);
	whole = srv_jbool(r, "whole", 0, &bad);
	if (bad || import_id(r, &id) < 0)
		return 0;
	if (!action || (strcmp(action, "accept") && strcmp(action, "skip") &&
	    strcmp(action, "clear") && strcmp(action, "merge")))
		return srv_bad_request(r, "send {\"action\": \"accept\"|"
			"\"skip\"|\"clear\"|\"merge\", \"items\": [ITEM...] "
			"or \"all\": true, \"whole\": true with accept, "
			"\"payload\": {...} with merge}");
	if (whole && strcmp(action, "accept"))
		return srv_bad_request(r, "\"whole\" goes with accept");
	if (item_list(r, &list, &n) < 0)
		return 0;
	if (!strcmp(action, "merge")) {
		error = resolve_merge(r, id, list, n, all);
		free(list);
		return error;
	}
	if (all && !strcmp(action, "clear"))
		error = srv_bad_request(r, "clear takes \"items\", not "
			"\"all\"");
	else if (all == (n > 0))
		error = srv_bad_request(r, "give \"items\" or \"all\": "
			"true, not both or neither");
	else
		error = srv_reply_doc(r, ferry_import_resolve(&out, r->db, id,
			whole ? "accept_whole" : action, list, n), &out);
	free(list);
	return error;
}

static int run_commit(ferry_buf *out, ferry_db *db, void *payload)
{
	import_arg *a = payload;
	ferry_commit_options o = FERRY_COMMIT_OPTIONS_INIT;

	o.no_backup = !a->backup;
	return ferry_import_commit(out, db, a->id, &o);
}

static int run_backout(ferry_buf *out, ferry_db *db, void *payload)
{
	import_arg *a = payload;

	return ferry_import_backout(out, db, a->id);
}

static int start(srv_req *r, const char *what, srv_job_fn fn)
{
	import_arg *a;
	int bad = 0, backup = srv_jbool(r, "backup", 1, &bad);
	int64_t id;

	if (bad || import_id(r, &id) < 0)
		return 0;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return srv_reply_error(r, 500, "internal", "out of memory");
	a->id = id;
	a->backup = backup;
	return srv_job_start(r, what, fn, a, free_import, 1, NULL);
}

int api_import_commit(srv_req *r)
{
	return start(r, "import commit", run_commit);
}

int api_import_backout(srv_req *r)
{
	return start(r, "import backout", run_backout);
}
