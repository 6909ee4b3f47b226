/*
 * api_catalog.c - entities, fields and records.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

int api_entities_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_entity_list(&out, r->db), &out);
}

int api_entities_create(srv_req *r)
{
	int bad = 0;
	const char *name = srv_jstr(r, "name", &bad);
	const char *display = srv_jstr(r, "display", &bad);
	const char *desc = srv_jstr(r, "description", &bad);

	if (bad)
		return 0;
	if (!name)
		return srv_bad_request(r, "send {\"name\": "
			"NAME, \"display\": TEXT, \"description\": TEXT}");
	return srv_reply_ok(r, ferry_entity_create(r->db, name, display,
		desc));
}

int api_entity_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_entity_show(&out, r->db, r->param[0]),
		&out);
}

int api_fields_add(srv_req *r)
{
	int bad = 0;
	const char *name = srv_jstr(r, "name", &bad);
	const char *type = srv_jstr(r, "type", &bad);
	const char *display = srv_jstr(r, "display", &bad);
	const char *desc = srv_jstr(r, "description", &bad);
	const char *def = srv_jstr(r, "default", &bad);

	if (bad)
		return 0;
	if (!name || !type)
		return srv_bad_request(r, "send {\"name\": "
			"FIELD, \"type\": TYPE, ...}");
	return srv_reply_ok(r, ferry_field_add(r->db, r->param[0], name, type,
		display, desc, def));
}

int api_field_set(srv_req *r)
{
	int bad = 0;
	const char *type = srv_jstr(r, "type", &bad);
	const char *display = srv_jstr(r, "display", &bad);
	const char *desc = srv_jstr(r, "description", &bad);
	const char *def = srv_jstr(r, "default", &bad);

	if (bad)
		return 0;
	return srv_reply_ok(r, ferry_field_set(r->db, r->param[0],
		r->param[1], type, display, desc, def));
}

int api_field_drop(srv_req *r)
{
	return srv_reply_ok(r, ferry_field_drop(r->db, r->param[0],
		r->param[1]));
}

/* Records of one entity, paged and filtered as they stream by. */
typedef struct {
	const char *field;	/* ?filter=field:value */
	const char *value;
	int64_t limit, offset, total;
	json_t *items;
} record_page;

static int matches(const record_page *p, const char *json, size_t len)
{
	json_t *doc, *v;
	int ok = 0;

	if (!p->field)
		return 1;
	if ((doc = json_loadb(json, len, 0, NULL)) == NULL)
		return 0;
	v = json_object_get(doc, p->field);
	if (json_is_string(v))
		ok = !strcmp(json_string_value(v), p->value);
	else if (v) {
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		ok = text && !strcmp(text, p->value);
		free(text);
	}
	json_decref(doc);
	return ok;
}

static int each_record(const char *json, size_t len, void *payload)
{
	record_page *p = payload;
	json_t *doc;

	if (!matches(p, json, len))
		return 0;
	if (p->total++ < p->offset || (p->limit &&
	    p->total > p->offset + p->limit))
		return 0;
	if ((doc = json_loadb(json, len, 0, NULL)) == NULL)
		return FERRY_ENOMEM;
	json_array_append_new(p->items, doc);
	return 0;
}

int api_records_list(srv_req *r)
{
	const char *filter = srv_query(r, "filter");
	char *copy = NULL, *colon;
	record_page p;
	int error;

	memset(&p, 0, sizeof(p));
	if (srv_paging(r, &p.limit, &p.offset) < 0)
		return 0;
	if (filter) {
		if ((copy = strdup(filter)) == NULL ||
		    (colon = strchr(copy, ':')) == NULL || colon == copy) {
			free(copy);
			return srv_bad_request(r, "write the "
				"filter as ?filter=FIELD:VALUE");
		}
		*colon = '\0';
		p.field = copy;
		p.value = colon + 1;
	}
	p.items = json_array();
	error = ferry_record_list(r->db, r->param[0], each_record, &p);
	free(copy);
	if (error < 0) {
		json_decref(p.items);
		return srv_reply_ferror(r, error);
	}
	return srv_reply_jsonv(r, 200, json_pack("{s:o,s:I}", "items",
		p.items, "total", (json_int_t)p.total));
}

/* Write a record from the body (POST: insert, PUT: update sys_id). */
static int put_record(srv_req *r, const char *sys_id)
{
	ferry_buf id = FERRY_BUF_INIT;
	json_t *body = r->json ? json_deep_copy(r->json) : json_object();
	char *text;
	int error;

	if (!body)
		return srv_reply_error(r, 500, "internal", "out of memory");
	if (sys_id)
		json_object_set_new(body, "sys_id", json_string(sys_id));
	else if (json_object_get(body, "sys_id"))
		json_object_del(body, "sys_id");
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return srv_reply_error(r, 500, "internal", "out of memory");
	error = ferry_record_put(&id, r->db, r->param[0], text);
	free(text);
	if (error < 0)
		return srv_reply_doc(r, error, &id);
	/* As 'ferry record put --json': {sys_id}. */
	error = srv_reply_jsonv(r, 200, json_pack("{s:s}",
		"sys_id", id.ptr));
	ferry_buf_dispose(&id);
	return error;
}

int api_records_create(srv_req *r)
{
	return put_record(r, NULL);
}

int api_record_put(srv_req *r)
{
	return put_record(r, r->param[1]);
}

int api_record_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_record_get(&out, r->db, r->param[0],
		r->param[1]), &out);
}

int api_record_delete(srv_req *r)
{
	return srv_reply_ok(r, ferry_record_delete(r->db, r->param[0],
		r->param[1]));
}

int api_record_history(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_record_history(&out, r->db,
		r->param[0], r->param[1]), &out);
}

int api_record_restore(srv_req *r)
{
	int bad = 0;
	const char *version = srv_jstr(r, "version", &bad);

	if (bad)
		return 0;
	if (!version)
		return srv_bad_request(r, "send "
			"{\"version\": HASH}");
	return srv_reply_ok(r, ferry_record_restore(r->db, r->param[0],
		r->param[1], version));
}
