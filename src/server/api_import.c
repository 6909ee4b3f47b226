/*
 * api_import.c - importing a package over HTTP: upload and load, list,
 * show, preview, resolve, commit and back out.  Load, commit and back
 * out run as jobs; commit and back out one at a time per instance.
 *
 * Not routed yet, waiting for their library calls: GET
 * /imports/{id}/items/{item}/diff, resolve "clear" and "accept" with
 * "whole", preview filters and paging, DELETE /imports/{id} (discard).
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
	int64_t id;

	if (import_id(r, &id) < 0)
		return 0;
	return srv_reply_doc(r, ferry_import_preview(&out, r->db, id), &out);
}

int api_import_resolve(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int bad = 0, all;
	const char *action = srv_jstr(r, "action", &bad);
	json_t *items = r->json ? json_object_get(r->json, "items") : NULL;
	json_t *payload = r->json ? json_object_get(r->json, "payload") :
		NULL;
	int64_t id, *list = NULL;
	size_t i, n = 0;
	int error;

	all = srv_jbool(r, "all", 0, &bad);
	if (bad || import_id(r, &id) < 0)
		return 0;
	if (!action)
		return srv_bad_request(r, "send {\"action\": \"accept\"|"
			"\"skip\"|\"merge\", \"items\": [ITEM...] or \"all\": "
			"true, \"payload\": {...} for merge}");
	if (items && !json_is_array(items))
		return srv_bad_request(r, "\"items\" is a "
			"list of item numbers");
	n = json_array_size(items);
	if (all == (n > 0))
		return srv_bad_request(r, "give \"items\" "
			"or \"all\": true, not both or neither");
	if (n && (list = calloc(n, sizeof(*list))) == NULL)
		return srv_reply_error(r, 500, "internal", "out of memory");
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(items, i);

		if (!json_is_integer(v)) {
			free(list);
			return srv_bad_request(r, "\"items\" "
				"is a list of item numbers");
		}
		list[i] = json_integer_value(v);
	}
	if (!strcmp(action, "merge")) {
		char *text;

		if (n != 1 || !json_is_object(payload)) {
			free(list);
			return srv_bad_request(r, "merge "
				"takes one item and its \"payload\" object");
		}
		text = json_dumps(payload, JSON_COMPACT);
		error = text ? ferry_import_merge(r->db, id, list[0], text) :
			FERRY_ENOMEM;
		free(text);
		free(list);
		return srv_reply_ok(r, error);
	}
	error = ferry_import_resolve(&out, r->db, id, action, list, n);
	free(list);
	return srv_reply_doc(r, error, &out);
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
