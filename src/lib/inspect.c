/*
 * inspect.c - describing a .sop file without an instance: its header,
 * item counts by type, entity and action, its VersionStamp and whether
 * it is intact.  Inspect is a per-file tool, not a hot path, so items
 * are parsed with jansson.
 */
#include "db.h"
#include "keys.h"

#include "alloc.h"
#include "sop.h"

#include <jansson.h>
#include <string.h>

typedef struct {
	char *type;
	char *entity;
	char *action;
	uint64_t n;
} count_row;

typedef struct {
	count_row *rows;
	size_t n;
} counts;

static void counts_dispose(counts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		ferry__free(c->rows[i].type);
		ferry__free(c->rows[i].entity);
		ferry__free(c->rows[i].action);
	}
	ferry__free(c->rows);
}

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int count_item(counts *c, const char *type, const char *entity,
	const char *action)
{
	count_row *rows;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (same(c->rows[i].type, type) &&
		    same(c->rows[i].entity, entity) &&
		    same(c->rows[i].action, action)) {
			c->rows[i].n++;
			return 0;
		}
	if ((rows = ferry__realloc(c->rows, (c->n + 1) * sizeof(*rows))) == NULL)
		return -1;
	c->rows = rows;
	rows[c->n].type = ferry__strdup(type ? type : "");
	rows[c->n].entity = ferry__strdup(entity ? entity : "");
	rows[c->n].action = ferry__strdup(action ? action : "");
	rows[c->n].n = 1;
	c->n++;
	return 0;
}

static const char *str_member(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int buf_from_json(ferry_buf *out, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (!text)
		return FERRY_ENOMEM;
	ferry_buf_dispose(out);
	out->ptr = ferry__strdup(text);
	out->size = strlen(text);
	free(text);
	return out->ptr ? 0 : FERRY_ENOMEM;
}

int ferry_inspect(ferry_buf *out, ferry_buf *errbuf, const char *path)
{
	return ferry_inspect_in(out, errbuf, NULL, path);
}

/* The signature member, built by the rules' own JSON. */
static int signature_json(json_t *doc, ferry_db *db, ferry_sop_reader *r)
{
	ferry_str text = FERRY_STR_INIT;
	ferry_sig_verdict v;
	int error;

	error = ferry__sig_verdict(db, ferry_sop__reader_signature(r), &v);
	ferry__sig_json(&text, &v);
	if (!ferry_str_failed(&text))
		json_object_set_new(doc, "signature", json_loadb(text.ptr,
			text.size, 0, NULL));
	else if (error == 0)
		error = FERRY_ENOMEM;
	ferry_str_dispose(&text);
	return error;
}

int ferry_inspect_in(ferry_buf *out, ferry_buf *errbuf, ferry_db *db,
	const char *path)
{
	ferry_sop_reader *r = NULL;
	ferry_str err = FERRY_STR_INIT;
	counts c = { NULL, 0 };
	json_t *doc = NULL, *header = NULL, *arr;
	const char *line;
	size_t len, i;
	int error, rc;

	FERRY_ASSERT_ARG(out);
	FERRY_ASSERT_ARG(path);
	FERRY_ASSERT_ARG(!db || db->store);
	if (db)
		ferry__error_clear(db);
	if ((doc = json_object()) == NULL)
		return FERRY_ENOMEM;
	json_object_set_new(doc, "path", json_string(path));
	if ((error = ferry_sop__reader_open(&r, path, &err)) < 0)
		goto done;
	header = json_loads(ferry_sop__reader_header(r), 0, NULL);
	if (header) {
		static const char *const keys[] = { "format", "format_version",
			"kind", "mode", "pack", "source", "exported_by",
			"exported_at", NULL };

		for (i = 0; keys[i]; i++)
			json_object_set(doc, keys[i],
				json_object_get(header, keys[i]));
	}
	json_object_set_new(doc, "compressed",
		json_boolean(ferry_sop__reader_compressed(r)));
	while ((rc = ferry_sop__reader_next(r, &line, &len, &err)) == 1) {
		json_t *item = json_loadb(line, len, 0, NULL);

		if (!item || !json_is_object(item)) {
			json_decref(item);
			ferry_str_clear(&err);
			ferry_str_printf(&err, "%s: line %llu is not a JSON "
				"object; the file is damaged: export it again",
				path, (unsigned long long)
				ferry_sop__reader_lineno(r));
			error = FERRY_EFORMAT;
			goto done;
		}
		if (count_item(&c, str_member(item, "t"),
		    str_member(item, "entity") ? str_member(item, "entity") :
		    str_member(item, "name"), str_member(item, "action")) < 0) {
			json_decref(item);
			error = FERRY_ENOMEM;
			goto done;
		}
		json_decref(item);
	}
	if (rc < 0) {
		error = rc;
		goto done;
	}
	json_object_set_new(doc, "stamp",
		json_string(ferry_sop__reader_stamp(r)));
	json_object_set_new(doc, "items",
		json_integer((json_int_t)ferry_sop__reader_items(r)));
done:
	if (!r) {
		json_object_set_new(doc, "signature", json_null());
	} else if ((rc = signature_json(doc, db, r)) < 0 && !error) {
		error = rc;
		ferry_str_clear(&err);
		ferry_str_puts(&err, db ? ferry_errmsg(db) : "out of memory");
	}
	arr = json_array();
	for (i = 0; i < c.n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:I}",
			"type", c.rows[i].type, "entity", c.rows[i].entity,
			"action", c.rows[i].action, "items",
			(json_int_t)c.rows[i].n));
	json_object_set_new(doc, "counts", arr);
	json_object_set_new(doc, "valid", json_boolean(error == 0));
	json_object_set_new(doc, "error", error ?
		json_string(ferry_str_cstr(&err)) : json_null());
	if (buf_from_json(out, doc) < 0 && !error)
		error = FERRY_ENOMEM;
	if (errbuf && error) {
		ferry_buf_dispose(errbuf);
		errbuf->ptr = ferry__strdup(ferry_str_failed(&err) ?
			"out of memory" : ferry_str_cstr(&err));
		errbuf->size = errbuf->ptr ? strlen(errbuf->ptr) : 0;
	}
	counts_dispose(&c);
	json_decref(header);
	json_decref(doc);
	ferry_str_dispose(&err);
	ferry_sop__reader_free(r);
	return error;
}
