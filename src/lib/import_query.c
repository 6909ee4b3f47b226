/*
 * import_query.c - delete by query, an item kind of its own
 * ({"t":"delete_query","entity":E,"name":N,"query":Q}): ServiceNow's
 * delete_multiple, which removes the records of a table that match an
 * encoded query (the translations of a script it replaces, say).  ferry
 * takes the query form update sets use: FIELD=VALUE conditions joined by
 * "^", all of which must hold.  Preview counts the records it deletes
 * (protected records are kept: an installed application's records are
 * not deleted by another package's query); commit deletes them through
 * the write path before any record is written, so back out restores
 * them.  docs/interop.md.
 */
#include "imports.h"

#include "alloc.h"
#include "text.h"
#include "updateset.h"

#include <string.h>

int ferry__query_parse(const char *query, ferry_query *out, ferry_str *err)
{
	const char *p = query, *end, *eq;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!query || !*query) {
		ferry_str_puts(err, "an empty query would delete every record; "
			"delete by query takes FIELD=VALUE conditions");
		return -1;
	}
	while (!error) {
		char name[FERRY_NAME_MAX + 1];
		size_t len;

		end = strchr(p, '^');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		len = eq ? (size_t)(eq - p) : 0;
		if (out->n == FERRY_QUERY_MAX) {
			ferry_str_printf(err, "a query of more than %d "
				"conditions", FERRY_QUERY_MAX);
			error = -1;
			break;
		}
		if (!eq || len == 0 || len >= sizeof(name)) {
			ferry_str_printf(err, "condition '%.*s' is not "
				"FIELD=VALUE (ferry takes only equality "
				"conditions joined by ^)", (int)(end - p), p);
			error = -1;
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (ferry__updateset_field_name(out->fields[out->n], name) < 0) {
			ferry_str_printf(err, "condition '%.*s' does not name "
				"a field (lowercase letters, digits and '_')",
				(int)(end - p), p);
			error = -1;
			break;
		}
		out->values[out->n] = ferry__strndup(eq + 1,
			(size_t)(end - eq - 1));
		if (!out->values[out->n]) {
			ferry_str_puts(err, "out of memory");
			error = -1;
			break;
		}
		out->n++;
		if (!*end)
			break;
		p = end + 1;
	}
	if (error)
		ferry__query_dispose(out);
	return error;
}

void ferry__query_dispose(ferry_query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		ferry__free(q->values[i]);
	memset(q, 0, sizeof(*q));
}

/* The item's entity and query, parsed. */
static int item_query(ferry_db *db, const ferry_import_item *it,
	ferry_query *q)
{
	ferry_str err = FERRY_STR_INIT;
	json_t *doc = json_loadb(it->body, it->body_len, 0, NULL);
	int error = 0;

	if (!doc || ferry__query_parse(json_string_value(json_object_get(doc,
	    "query")), q, &err) < 0)
		error = ferry__error(db, FERRY_EFORMAT, "item %lld: a delete by "
			"query whose query cannot be used: %s", (long long)
			it->item, doc ? ferry_str_cstr(&err) : "not JSON");
	json_decref(doc);
	ferry_str_dispose(&err);
	return error;
}

static void field_lists(const ferry_query *q, const char *fields[],
	const char *values[])
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		fields[i] = q->fields[i];
		values[i] = q->values[i];
	}
}

int ferry__query_plan(ferry_db *db, int64_t id, const ferry_import_item *it)
{
	ferry_query q;
	ferry_fieldset fs = { NULL, 0 };
	ferry_str msg = FERRY_STR_INIT;
	const char *fields[FERRY_QUERY_MAX], *values[FERRY_QUERY_MAX];
	int64_t count = 0;
	size_t i;
	int error, missing = -1;

	if ((error = item_query(db, it, &q)) < 0)
		return error;
	if ((error = ferry_store__entity_exists(db, it->entity)) < 0)
		goto done;
	if (error == 0) {
		ferry_str_printf(&msg, "delete by query (%s): the target has "
			"no entity %s; nothing to delete", it->rkey,
			it->entity);
		goto put;
	}
	if ((error = ferry__fields(db, it->entity, &fs)) < 0)
		goto done;
	for (i = 0; i < q.n && missing < 0; i++)
		if (ferry_fieldset_find(&fs, q.fields[i]) < 0)
			missing = (int)i;
	if (missing >= 0) {
		ferry_str_printf(&msg, "delete by query (%s): entity %s has no "
			"field %s; nothing matches", it->rkey, it->entity,
			q.fields[missing]);
		goto put;
	}
	field_lists(&q, fields, values);
	if ((error = ferry_store__query_count(db, it->entity, fields, values,
	    q.n, &count)) < 0)
		goto done;
	ferry_str_printf(&msg, "delete by query (%s): deletes %lld %s "
		"record(s) where", it->rkey, (long long)count, it->entity);
	for (i = 0; i < q.n; i++)
		ferry_str_printf(&msg, "%s %s = '%s'", i ? " and" : "",
			q.fields[i], q.values[i]);
	ferry_str_puts(&msg, " (protected records are kept)");
put:
	if (ferry_str_failed(&msg))
		error = ferry__error(db, FERRY_ENOMEM, "out of memory");
	else if ((error = ferry_store__import_plan_put(db, id, it->item, NULL,
	    NULL, count ? "delete" : "skip", NULL)) == 0)
		error = ferry__problem_say(db, id, it->item,
			"delete_by_query", "info", &msg);
done:
	ferry__query_dispose(&q);
	ferry_fieldset_dispose(&fs);
	ferry_str_dispose(&msg);
	return error;
}

typedef struct {
	ferry_db *db;
	const char *entity;
	const ferry_fieldset *fs;
	const ferry_write_opts *o;
	int64_t n;
} query_delete;

static int delete_one(const char *sys_id, void *payload)
{
	query_delete *d = payload;

	d->n++;
	return ferry__record_write(d->db, d->entity, d->fs, sys_id,
		FERRY_ACTION_DELETE, NULL, NULL, d->o, NULL);
}

int ferry__query_commit(ferry_db *db, int64_t id, const ferry_import_item *it,
	const ferry_write_opts *o)
{
	ferry_query q;
	ferry_fieldset fs = { NULL, 0 };
	ferry_str detail = FERRY_STR_INIT;
	const char *fields[FERRY_QUERY_MAX], *values[FERRY_QUERY_MAX];
	query_delete d;
	int error;

	if ((error = item_query(db, it, &q)) < 0)
		return error;
	if ((error = ferry__fields(db, it->entity, &fs)) < 0)
		goto done;
	field_lists(&q, fields, values);
	memset(&d, 0, sizeof(d));
	d.db = db;
	d.entity = it->entity;
	d.fs = &fs;
	d.o = o;
	if ((error = ferry_store__query_each(db, it->entity, fields, values,
	    q.n, delete_one, &d)) < 0)
		goto done;
	ferry_str_printf(&detail, "%lld record(s) deleted", (long long)d.n);
	error = ferry_str_failed(&detail) ? ferry__error(db, FERRY_ENOMEM,
		"out of memory") : ferry_store__import_outcome(db, id,
		it->item, "deleted", detail.ptr);
done:
	ferry__query_dispose(&q);
	ferry_fieldset_dispose(&fs);
	ferry_str_dispose(&detail);
	return error;
}
