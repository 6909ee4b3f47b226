/*
 * api_formula.c - formulas and data sets: one set of handlers for both,
 * the kind read from the path (/formulas or /datasets).
 */
#include "server.h"

#include <string.h>

static ferry_definition_kind kind_of(const srv_req *r)
{
	return strncmp(r->path, "/api/v1/datasets", 16) == 0 ?
		FERRY_DATASET : FERRY_FORMULA;
}

/* The body's options; 0, or answered 400. */
static int read_options(srv_req *r, ferry_formula_options *o)
{
	int bad = 0;

	*o = (ferry_formula_options)FERRY_FORMULA_OPTIONS_INIT;
	o->inputs = srv_jstr(r, kind_of(r) == FERRY_DATASET ? "columns" :
		"inputs", &bad);
	o->outputs = srv_jstr(r, "outputs", &bad);
	o->body = srv_jstr(r, "body", &bad);
	o->start = srv_jstr(r, "start", &bad);
	o->parent = srv_jstr(r, "parent", &bad);
	o->master = srv_jstr(r, "master", &bad);
	return bad ? -1 : 0;
}

int api_formulas_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_formula_list(&out, r->db, kind_of(r)),
		&out);
}

int api_formulas_create(srv_req *r)
{
	ferry_formula_options o;
	int bad = 0;
	const char *name = srv_jstr(r, "name", &bad);

	if (bad || read_options(r, &o) < 0)
		return 0;
	if (!name)
		return srv_bad_request(r, "send {\"name\": "
			"NAME, ...} (see docs/api.md)");
	return srv_reply_ok(r, ferry_formula_create(r->db, kind_of(r), name,
		&o));
}

int api_formula_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_formula_show(&out, r->db, kind_of(r),
		r->param[0]), &out);
}

int api_formula_version(srv_req *r)
{
	ferry_formula_options o;
	ferry_buf out = FERRY_BUF_INIT;

	if (read_options(r, &o) < 0)
		return 0;
	return srv_reply_doc(r, ferry_formula_new_version(&out, r->db,
		kind_of(r), r->param[0], &o), &out);
}

static int version_of(srv_req *r, int *v)
{
	int bad = 0;
	int64_t n = srv_jint(r, "version", -1, &bad);

	if (bad)
		return -1;
	if (n < 1 || n > 1000000)
		return srv_bad_request(r, "send "
			"{\"version\": N}"), -1;
	*v = (int)n;
	return 0;
}

int api_formula_activate(srv_req *r)
{
	int v;

	if (version_of(r, &v) < 0)
		return 0;
	return srv_reply_ok(r, ferry_formula_activate(r->db, kind_of(r),
		r->param[0], v));
}

int api_formula_close(srv_req *r)
{
	int v;

	if (version_of(r, &v) < 0)
		return 0;
	return srv_reply_ok(r, ferry_formula_close(r->db, kind_of(r),
		r->param[0], v));
}

int api_formula_delete(srv_req *r)
{
	int64_t v = srv_parse_id(r->param[1]);

	if (v < 1 || v > 1000000)
		return srv_reply_error(r, 404, "not_found", "no such version");
	return srv_reply_ok(r, ferry_formula_delete(r->db, kind_of(r),
		r->param[0], (int)v));
}
