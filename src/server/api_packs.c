/*
 * api_packs.c - local packs, export downloads, inspecting a package, and
 * entity packs (download, upload, unpack).
 */
#include "server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Does `hay` contain `needle`, ignoring ASCII case? */
static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return n == 0;
}

int api_packs_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	const char *state = srv_query(r, "state"), *q = srv_query(r, "q");
	json_t *all, *keep, *p;
	size_t i;
	char *text;
	int error = ferry_pack_list(&out, r->db);

	if (error < 0 || (!state && !q))
		return srv_reply_list(r, error, &out);
	/* ?state= and ?q= (name or description) narrow the list. */
	all = json_loadb(out.ptr, out.size, 0, NULL);
	ferry_buf_dispose(&out);
	keep = json_array();
	json_array_foreach(all, i, p) {
		const char *st = json_string_value(json_object_get(p,
			"state"));

		if (state && (!st || strcmp(st, state)))
			continue;
		if (q && !contains(json_string_value(json_object_get(p,
		    "name")), q) && !contains(json_string_value(
		    json_object_get(p, "description")), q))
			continue;
		json_array_append(keep, p);
	}
	json_decref(all);
	text = json_dumps(keep, JSON_COMPACT);
	json_decref(keep);
	if (!text)
		return srv_reply_error(r, 500, "internal", "out of memory");
	out.ptr = text;
	out.size = strlen(text);
	error = srv_reply_list(r, 0, &out);
	return error;
}

int api_packs_create(srv_req *r)
{
	int bad = 0;
	const char *name = srv_jstr(r, "name", &bad);
	const char *desc = srv_jstr(r, "description", &bad);
	int use = srv_jbool(r, "use", 0, &bad);

	if (bad)
		return 0;
	if (!name)
		return srv_bad_request(r, "send {\"name\": "
			"NAME, \"description\": TEXT, \"use\": false}");
	return srv_reply_ok(r, ferry_pack_create(r->db, name, desc, use));
}

int api_pack_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_pack_show(&out, r->db, r->param[0]),
		&out);
}

int api_pack_current(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_pack_current(&out, r->db), &out);
}

int api_pack_complete(srv_req *r)
{
	return srv_reply_ok(r, ferry_pack_complete(r->db, r->param[0]));
}

int api_pack_reopen(srv_req *r)
{
	return srv_reply_ok(r, ferry_pack_reopen(r->db, r->param[0]));
}

int api_pack_use(srv_req *r)
{
	return srv_reply_ok(r, ferry_pack_use(r->db, r->param[0]));
}

int api_pack_items(srv_req *r)
{
	int bad = 0;
	const char *entity = srv_jstr(r, "entity", &bad);
	const char *sys_id = srv_jstr(r, "sys_id", &bad);
	const char *kind = srv_jstr(r, "kind", &bad);
	const char *name = srv_jstr(r, "name", &bad);
	int64_t version = srv_jint(r, "version", -1, &bad);

	if (bad)
		return 0;
	if (kind && name && version >= 0)
		return srv_reply_ok(r, ferry_pack_add_definition(r->db,
			r->param[0], kind, name, (int)version));
	if (entity && sys_id)
		return srv_reply_ok(r, ferry_pack_add_record(r->db,
			r->param[0], entity, sys_id));
	return srv_bad_request(r, "send {\"entity\", "
		"\"sys_id\"} for a record, or {\"kind\": \"formula\"|"
		"\"dataset\", \"name\", \"version\"}");
}

/* The base name of a path the library wrote. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Answer a file the library wrote (path, inside dir) as a download named
 * by its base name, or the library's error; then remove dir.  Takes path
 * and dir.
 */
static int download(srv_req *r, int error, ferry_buf *out, char *path,
	char *dir)
{
	if (error < 0) {
		srv_reply_doc(r, error, out);
	} else {
		ferry_buf_dispose(out);
		srv_reply_file(r, path, base_name(path),
			"application/octet-stream");
	}
	free(path);
	srv_remove_tree(dir);
	free(dir);
	return 0;
}

int api_pack_export(srv_req *r)
{
	ferry_export_options o = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int bad = 0, error;
	const char *mode = srv_jstr(r, "mode", &bad);
	char *dir, *path = NULL;
	json_t *doc = NULL;
	int64_t format;

	format = srv_jint(r, "format", 0, &bad);
	o.force = srv_jbool(r, "force", 0, &bad);
	o.uncompressed = srv_jbool(r, "uncompressed", 0, &bad);
	if (bad)
		return 0;
	/* The library refuses a format it does not write. */
	o.format = format < 0 || format > 0xffff ? 0xffff : (unsigned)format;
	if (mode && strcmp(mode, "plain") && strcmp(mode, "application"))
		return srv_bad_request(r, "\"mode\" is "
			"\"plain\" or \"application\"");
	o.as_application = mode && !strcmp(mode, "application");
	if ((dir = srv_make_dir(r->s, "export-")) == NULL)
		return srv_reply_error(r, 500, "internal", "internal error");
	o.dir = dir;
	error = ferry_pack_export(&out, r->db, r->param[0], &o);
	if (error == 0 && ((doc = json_loadb(out.ptr, out.size, 0,
	    NULL)) == NULL || (path = strdup(json_string_value(
	    json_object_get(doc, "path")) ? json_string_value(
	    json_object_get(doc, "path")) : "")) == NULL))
		error = FERRY_ENOMEM;
	json_decref(doc);
	return download(r, error, &out, path, dir);
}

int api_inspect(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT, err = FERRY_BUF_INIT;
	int error = ferry_inspect(&out, &err, r->upload_path);

	/* A damaged file still has a document (valid false): 422 with it
	 * would hide it, so a readable document is the answer. */
	if (out.ptr) {
		ferry_buf_dispose(&err);
		return srv_reply(r, error < 0 ? 422 : 200, "application/json",
			out.ptr, out.size), ferry_buf_dispose(&out), 0;
	}
	ferry_buf_dispose(&out);
	srv_reply_error(r, 422, "bad_file", err.ptr ? err.ptr :
		ferry_strerror(error));
	ferry_buf_dispose(&err);
	return 0;
}

int api_entity_pack(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	const char *names[1];
	char *dir = srv_make_dir(r->s, "entity-"), *path = NULL;
	json_t *doc = NULL, *first;
	int error;

	if (!dir)
		return srv_reply_error(r, 500, "internal", "internal error");
	names[0] = r->param[0];
	error = ferry_entity_pack(&out, r->db, names, 1, dir);
	if (error == 0) {
		doc = json_loadb(out.ptr, out.size, 0, NULL);
		first = json_array_get(json_object_get(doc, "packs"), 0);
		if (!json_string_value(json_object_get(first, "path")) ||
		    (path = strdup(json_string_value(json_object_get(first,
		    "path")))) == NULL)
			error = FERRY_ENOMEM;
	}
	json_decref(doc);
	return download(r, error, &out, path, dir);
}

/* An upload set id: the random part of its folder name. */
static int valid_set(const char *id)
{
	size_t i;

	if (!id || strlen(id) != 6)
		return 0;
	for (i = 0; i < 6; i++)
		if (!isalnum((unsigned char)id[i]))
			return 0;
	return 1;
}

static char *set_dir(srv *s, const char *id)
{
	size_t len = strlen(srv_work_dir(s)) + 32;
	char *dir = malloc(len);

	if (dir)
		snprintf(dir, len, "%s/entitypacks-%s", srv_work_dir(s), id);
	return dir;
}

int api_entitypacks_upload(srv_req *r)
{
	ferry_unpack_options o = FERRY_UNPACK_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	const char *set = srv_query(r, "upload");
	char *dir = NULL, *to = NULL;
	const char *name;
	json_t *doc;
	size_t len;
	int error;

	if (set && !valid_set(set))
		return srv_reply_error(r, 404, "not_found", "no such upload "
			"set");
	dir = set ? set_dir(r->s, set) : srv_make_dir(r->s, "entitypacks-");
	if (!dir)
		return srv_reply_error(r, 500, "internal", "internal error");
	/* Move the file into the set's folder under its safe name. */
	name = strrchr(r->upload_path, '/') + 1;
	len = strlen(dir) + strlen(name) + 2;
	if ((to = malloc(len)) == NULL)
		goto fail;
	snprintf(to, len, "%s/%s", dir, name);
	if (rename(r->upload_path, to) < 0) {
		if (set) {
			free(to);
			free(dir);
			return srv_reply_error(r, 404, "not_found", "no such "
				"upload set");
		}
		goto fail;
	}
	o.list_only = 1;
	error = ferry_entity_unpack(&out, r->db, dir, &o);
	if (error < 0) {
		unlink(to);
		srv_reply_doc(r, error, &out);
	} else {
		doc = json_loadb(out.ptr, out.size, 0, NULL);
		ferry_buf_dispose(&out);
		if (json_is_object(doc))
			json_object_set_new(doc, "upload", json_string(
				strrchr(dir, '-') + 1));
		srv_reply_jsonv(r, 200, doc);
	}
	free(to);
	free(dir);
	return 0;
fail:
	free(to);
	if (!set)
		srv_remove_tree(dir);
	free(dir);
	return srv_reply_error(r, 500, "internal", "internal error");
}

typedef struct {
	ferry_unpack_options o;
	char *select;
	char *dir;
} unpack_arg;

static void free_unpack(void *payload)
{
	unpack_arg *a = payload;

	free(a->select);
	free(a->dir);
	free(a);
}

static int run_unpack(ferry_buf *out, ferry_db *db, void *payload)
{
	unpack_arg *a = payload;

	return ferry_entity_unpack(out, db, a->dir, &a->o);
}

int api_entitypacks_unpack(srv_req *r)
{
	int bad = 0;
	const char *set = srv_jstr(r, "upload", &bad);
	json_t *select = r->json ? json_object_get(r->json, "select") : NULL;
	ferry_str sel = FERRY_STR_INIT;
	unpack_arg *a;
	json_t *v;
	size_t i;
	int upgrade = srv_jbool(r, "upgrade", 1, &bad);
	int backup = srv_jbool(r, "backup", 1, &bad);

	if (bad)
		return 0;
	if (!valid_set(set))
		return srv_bad_request(r, "send {\"upload\":"
			" ID} from POST /entity-packs, and optionally "
			"\"select\", \"upgrade\", \"backup\"");
	if (select && !json_is_array(select))
		return srv_bad_request(r, "\"select\" is a "
			"list of entity names");
	json_array_foreach(select, i, v) {
		if (!json_is_string(v) || strchr(json_string_value(v), ','))
			return ferry_str_dispose(&sel), srv_reply_error(r, 400,
				"bad_request", "\"select\" is a list of entity "
				"names");
		if (i)
			ferry_str_putc(&sel, ',');
		ferry_str_puts(&sel, json_string_value(v));
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		ferry_str_dispose(&sel);
		return srv_reply_error(r, 500, "internal", "out of memory");
	}
	a->o = (ferry_unpack_options)FERRY_UNPACK_OPTIONS_INIT;
	a->o.no_upgrade = !upgrade;
	a->o.no_backup = !backup;
	a->dir = set_dir(r->s, set);
	if (select && json_array_size(select)) {
		a->select = ferry_str_detach(&sel);
		a->o.select = a->select;
	}
	ferry_str_dispose(&sel);
	if (!a->dir || access(a->dir, F_OK) != 0) {
		free_unpack(a);
		return srv_reply_error(r, 404, "not_found", "no such upload "
			"set; upload the entity packs first");
	}
	return srv_job_start(r, "entity unpack", run_unpack, a, free_unpack,
		1, a->dir);
}
