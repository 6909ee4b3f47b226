/*
 * record.c - the public record calls: put, get, list, load, delete,
 * history and restore.  Values arrive as JSON (one document per call, so
 * jansson is fine here), are checked against the entity's field types,
 * and leave through the one write path of version.c.
 */
#include "records.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

int ferry__record_check_entity(ferry_db *db, const char *entity)
{
	if (entity && ferry__is_catalog_entity(entity))
		return ferry__error(db, FERRY_EINVALID, "%s records are "
			"changed with the 'ferry entity' and 'ferry field' "
			"commands", entity);
	return 0;
}

static int check_sys_id(ferry_db *db, const char *sys_id)
{
	if (!ferry_sys_id_valid(sys_id))
		return ferry__error(db, FERRY_EINVALID, "'%s' is not a sys_id; "
			"a sys_id is a lowercase UUID such as "
			"3f2b8c1e-0d4a-4c6e-9b7a-1c2d3e4f5a6b or 32 lowercase "
			"hex digits (a ServiceNow sys_id)",
			sys_id ? sys_id : "");
	return 0;
}

/* An error said on db; without a handle (record load's reading thread,
 * whose caller converts the line again with one to say it) its code. */
#define REFUSE(db, code, ...) \
	((db) ? ferry__error((db), (code), __VA_ARGS__) : (code))

int ferry__record_member(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *key, json_t *val,
	ferry_value *values, int *set, int refs)
{
	ferry_str err = FERRY_STR_INIT;
	const ferry_field *f;
	int error = 0, i;

	if ((i = ferry_fieldset_find(fs, key)) < 0) {
		if (ferry__field_name_reserved(key))
			return REFUSE(db, FERRY_EINVALID, "system column '%s' "
				"cannot be written; ferry maintains it", key);
		return REFUSE(db, FERRY_ENOTFOUND, "entity '%s' has no field "
			"'%s'; see 'ferry entity show %s'", entity, key,
			entity);
	}
	f = &fs->fields[i];
	ferry_value_dispose(&values[i]);
	if (ferry_type__convert(&values[i], f, val, &err) < 0) {
		error = REFUSE(db, FERRY_EINVALID, "%s.%s: %s", entity, key,
			ferry_str_cstr(&err));
		goto done;
	}
	set[i] = 1;
	if (refs && f->type.base == FERRY_T_REF &&
	    values[i].kind == FERRY_V_TEXT) {
		if ((error = ferry_store__record_exists(db, f->type.ref,
		    values[i].s)) < 0)
			goto done;
		error = error == 0 ? ferry__error(db, FERRY_ENOTFOUND,
			"%s.%s refers to %s record %s, which does not exist",
			entity, key, f->type.ref, values[i].s) : 0;
	}
done:
	ferry_str_dispose(&err);
	return error;
}

/* Convert obj's values; with refs (and a handle), a reference must name
 * a record. */
static int convert(ferry_db *db, const char *entity, const ferry_fieldset *fs,
	json_t *obj, ferry_value *values, int *set, int refs)
{
	const char *key;
	json_t *val;
	int error;

	json_object_foreach(obj, key, val)
		if (strcmp(key, "sys_id") && (error = ferry__record_member(db,
		    entity, fs, key, val, values, set, refs)) < 0)
			return error;
	return 0;
}

int ferry__record_convert(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, ferry_value *values, int *set)
{
	return convert(db, entity, fs, obj, values, set, 1);
}

int ferry__record_defaults(ferry_db *db, const ferry_fieldset *fs,
	ferry_value *values, const int *set)
{
	ferry_str err = FERRY_STR_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < fs->n && !error; i++) {
		json_t *j;

		if (set[i] || !fs->fields[i].default_value)
			continue;
		j = json_loads(fs->fields[i].default_value, JSON_DECODE_ANY,
			NULL);
		if (!j || ferry_type__convert(&values[i], &fs->fields[i], j,
		    &err) < 0)
			error = REFUSE(db, FERRY_EFORMAT, "the default of "
				"field %s no longer fits its type; change it "
				"with 'ferry field set'", fs->fields[i].name);
		json_decref(j);
	}
	ferry_str_dispose(&err);
	return error;
}

/* Associated objects name an existing entity and have a name. */
static int check_object(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id)
{
	ferry_record_meta other;
	int e = ferry_fieldset_find(fs, "entity"), n;
	int error;

	if (!ferry__is_system_entity(entity))
		return 0;
	n = ferry_fieldset_find(fs, "name");
	if (values[n].kind != FERRY_V_TEXT || values[n].len == 0)
		return ferry__error(db, FERRY_EINVALID, "a %s record needs a "
			"\"name\"", entity);
	if (values[e].kind != FERRY_V_TEXT)
		return ferry__error(db, FERRY_EINVALID, "a %s record needs the "
			"\"entity\" it belongs to", entity);
	if ((error = ferry_store__entity_exists(db, values[e].s)) < 0)
		return error;
	if (error == 0)
		return ferry__error(db, FERRY_ENOTFOUND, "%s record names "
			"entity '%s', which does not exist", entity,
			values[e].s);
	/* (entity, name) identifies an object across instances. */
	error = ferry_store__object_find(db, entity, values[e].s, values[n].s,
		&other);
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	if (strcmp(other.sys_id, sys_id) != 0)
		return ferry__error(db, FERRY_EEXISTS, "entity '%s' already has "
			"a %s named '%s' (sys_id %s); to change it, put it with "
			"that sys_id", values[e].s, entity, values[n].s,
			other.sys_id);
	return 0;
}

int ferry__record_new_values(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, ferry_value *values, int *set)
{
	int error;

	if ((error = convert(db, entity, fs, obj, values, set, 0)) < 0)
		return error;
	return ferry__record_defaults(db, fs, values, set);
}

int ferry__record_unchanged(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, const char *version, ferry_record_made *made)
{
	ferry_record_made m = { FERRY_STR_INIT, FERRY_STR_INIT, "" };
	char inserted[FERRY_HASH_HEX];
	int same;

	/* The current version is an insert or an update, and the action
	 * is part of its hash, so compare with both. */
	if (ferry__record_make(&m, entity, fs, values, sys_id,
	    FERRY_ACTION_UPDATE) < 0) {
		ferry__record_made_dispose(&m);
		return ferry__oom(db);
	}
	ferry__version_hash(inserted, entity, m.rkey.ptr, "insert",
		m.payload.ptr, m.payload.size);
	same = !strcmp(m.hash, version) || !strcmp(inserted, version);
	if (!same && made)
		*made = m;
	else
		ferry__record_made_dispose(&m);
	return same;
}

/*
 * Write one JSON object: update the record it names, or insert it.
 * With `upsert`, a sys_id that does not exist yet is inserted under that
 * id (bulk loads); without, it is an error (put).  An object without a
 * sys_id is inserted under the one sys_id holds, or a new one when it is
 * empty.
 */
int ferry__record_put(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, int upsert, char sys_id[37])
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	ferry_value *values = NULL;
	int *set = NULL, error, exists = 0;
	json_t *jid = json_object_get(obj, "sys_id");
	ferry_record_meta meta;

	if (jid && !json_is_null(jid)) {
		if (!json_is_string(jid))
			return ferry__error(db, FERRY_EINVALID, "sys_id must "
				"be a string");
		if ((error = check_sys_id(db, json_string_value(jid))) < 0)
			return error;
		snprintf(sys_id, 37, "%s", json_string_value(jid));
		error = ferry_store__record_meta(db, entity, sys_id, &meta);
		if (error < 0 && error != FERRY_ENOTFOUND)
			return error;
		exists = error == 0;
		if (!exists && !upsert)
			return ferry__error(db, FERRY_ENOTFOUND, "no %s record "
				"with sys_id %s; leave sys_id out to insert a "
				"new record", entity, sys_id);
	} else if (!sys_id[0]) {
		ferry_uuid_new(sys_id);
	}
	values = ferry__calloc(fs->n ? fs->n : 1, sizeof(*values));
	set = ferry__calloc(fs->n ? fs->n : 1, sizeof(*set));
	if (!values || !set) {
		error = ferry__oom(db);
		goto done;
	}
	if (exists && (error = ferry_store__record_values(db, entity, fs,
	    sys_id, values)) < 0)
		goto done;
	if ((error = ferry__record_convert(db, entity, fs, obj, values,
	    set)) < 0)
		goto done;
	if (!exists && (error = ferry__record_defaults(db, fs, values,
	    set)) < 0)
		goto done;
	if ((error = check_object(db, entity, fs, values, sys_id)) < 0)
		goto done;
	if (exists && (error = ferry__record_unchanged(db, entity, fs, values,
	    sys_id, meta.version, NULL)) != 0) {
		error = error < 0 ? error : 0;
		goto done;
	}
	error = ferry__record_write(db, entity, fs, sys_id, exists ?
		FERRY_ACTION_UPDATE : FERRY_ACTION_INSERT, values, set, &o,
		NULL);
done:
	if (values)
		ferry_values_dispose(values, fs->n);
	ferry__free(set);
	return error;
}

int ferry__record_parse_text(json_t **out, const char *text, size_t len,
	ferry_str *why)
{
	json_error_t jerr;

	*out = NULL;
	ferry_str_clear(why);
	if (!ferry_utf8_valid(text, len)) {
		ferry_str_puts(why, "the JSON is not valid UTF-8");
		return FERRY_EINVALID;
	}
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out) {
		ferry_str_printf(why, "malformed JSON at column %d: %s; give "
			"an object like '{\"name\":\"x\"}'", jerr.column,
			ferry_json__error_text(&jerr));
		return FERRY_EINVALID;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		ferry_str_puts(why, "a record is a JSON object like "
			"'{\"name\":\"x\"}'");
		return FERRY_EINVALID;
	}
	return 0;
}

int ferry__record_parse(ferry_db *db, json_t **out, const char *text,
	size_t len)
{
	ferry_str why = FERRY_STR_INIT;
	int error = ferry__record_parse_text(out, text, len, &why);

	if (error < 0)
		error = ferry_str_failed(&why) ? ferry__oom(db) :
			ferry__error(db, error, "%s", why.ptr);
	ferry_str_dispose(&why);
	return error;
}

int ferry_record_put(ferry_buf *sys_id_out, ferry_db *db, const char *entity,
	const char *json)
{
	ferry_fieldset fs = { NULL, 0 };
	json_t *obj = NULL;
	char sys_id[37] = "";
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(json);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__record_check_entity(db, entity)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = ferry__record_parse(db, &obj, json, strlen(json))) < 0 ||
	    (error = ferry__record_put(db, entity, &fs, obj, 0, sys_id)) < 0)
		goto done;
	error = ferry__buf_set(db, sys_id_out, sys_id);
done:
	json_decref(obj);
	ferry_fieldset_dispose(&fs);
	return ferry_store__end(db, error);
}

/*
 * The member a record document of an entity with renamed fields ends
 * with, so the original names travel with the values:
 * "@external_names":{"ext_sys_policy":"sys_policy"}.  Its key cannot be
 * a field name (docs/interop.md).  Nothing when no field has one.
 */
static void put_external_names(ferry_str *doc, const ferry_fieldset *fs)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++) {
		if (!fs->fields[i].external_name)
			continue;
		if (n++ == 0)
			ferry_json_open(doc, FERRY_EXTERNAL_NAMES, '{');
		ferry_json_str(doc, fs->fields[i].name,
			fs->fields[i].external_name);
	}
	if (n)
		ferry_json_close(doc, '}');
}

/*
 * A record's document: the system columns, then each field of fs in
 * order with its value in canonical form (docs/cli/record.md).
 */
static void record_doc(ferry_str *doc, const ferry_record_entry *r,
	const ferry_fieldset *fs)
{
	size_t i;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "sys_id", r->sys_id);
	ferry_json_str(doc, "sys_policy", r->policy);
	ferry_json_bool(doc, "sys_vendor", r->vendor);
	ferry_json_str(doc, "sys_version", r->version);
	ferry_json_str(doc, "sys_created_at", r->created_at);
	ferry_json_str(doc, "sys_created_by", r->created_by);
	ferry_json_str(doc, "sys_updated_at", r->updated_at);
	ferry_json_str(doc, "sys_updated_by", r->updated_by);
	for (i = 0; i < fs->n; i++) {
		ferry_json_key(doc, fs->fields[i].name);
		ferry_type__canonical(doc, &fs->fields[i], &r->values[i]);
	}
	put_external_names(doc, fs);
	ferry_json_close(doc, '}');
}

/* Hands each record's document to the caller's callback. */
typedef struct {
	ferry_db *db;
	const ferry_fieldset *fs;
	ferry_str doc;		/* one row at a time */
	ferry_record_cb cb;
	void *payload;
	int stopped;		/* the caller's callback asked to stop */
	uint64_t rows;
} record_lister;

static int record_row(const ferry_record_entry *r, void *payload)
{
	record_lister *l = payload;

	l->rows++;
	ferry_str_clear(&l->doc);
	record_doc(&l->doc, r, l->fs);
	if (ferry_str_failed(&l->doc))
		return ferry__oom(l->db);
	if (l->cb(l->doc.ptr, l->doc.size, l->payload) != 0) {
		l->stopped = 1;
		return 1;
	}
	return 0;
}

/* The records of a query, streamed to the lister; a stop asked for by
 * its callback is not an error. */
static int record_list(record_lister *l, const char *entity,
	const ferry_record_cond *conds, size_t n, uint64_t limit,
	uint64_t offset)
{
	int error = ferry_store__record_query(l->db, entity, l->fs, conds, n,
		limit, offset, record_row, l);

	ferry_str_dispose(&l->doc);
	return l->stopped && error > 0 ? 0 : error;
}

/* Keeps the one record's document. */
static int record_keep(const char *json, size_t len, void *payload)
{
	return ferry_str_put(payload, json, len);
}

int ferry_record_get(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_str json = FERRY_STR_INIT;
	ferry_record_cond cond = { "sys_id", { FERRY_V_TEXT, 0, NULL, 0 } };
	record_lister l = { NULL, NULL, FERRY_STR_INIT, record_keep, NULL, 0,
		0 };
	int error;

	FERRY_CHECK_DB(db);
	l.db = db;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = check_sys_id(db, sys_id)) < 0)
		goto done;
	cond.value.s = (char *)sys_id;
	cond.value.len = strlen(sys_id);
	l.fs = &fs;
	l.payload = &json;
	if ((error = record_list(&l, entity, &cond, 1, 1, 0)) < 0)
		goto done;
	if (l.rows == 0)
		error = ferry__error(db, FERRY_ENOTFOUND, "no %s record with "
			"sys_id %s; see 'ferry record list %s'", entity, sys_id,
			entity);
	else
		error = ferry__buf_take(db, out, &json);
done:
	ferry_str_dispose(&json);
	ferry_fieldset_dispose(&fs);
	return error;
}

int ferry_record_list(ferry_db *db, const char *entity, ferry_record_cb cb,
	void *payload)
{
	return ferry_record_list_v2(db, entity, NULL, cb, payload);
}

/* The filterable system columns and how their values read. */
static const struct {
	const char *name;
	const char *type;
} sys_filters[] = {
	{ "sys_id", "nchar(36)" },
	{ "sys_policy", "nvarchar(9)" },
	{ "sys_vendor", "bool" },
	{ NULL, NULL }
};

/* "age, name (and sys_id, sys_policy, sys_vendor)" for an error. */
static void field_names(ferry_str *s, const ferry_fieldset *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		ferry_str_printf(s, "%s%s", i ? ", " : "", fs->fields[i].name);
	ferry_str_puts(s, fs->n ? " (and " : "(");
	for (i = 0; sys_filters[i].name; i++)
		ferry_str_printf(s, "%s%s", i ? ", " : "", sys_filters[i].name);
	ferry_str_putc(s, ')');
}

/*
 * One filter as a stored value: the text read as the field's type (JSON
 * for numbers, bools and json fields; the text itself for the others),
 * then checked and converted as a put would.
 */
static int filter_value(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_filter *f,
	ferry_record_cond *c)
{
	ferry_field sysf;
	const ferry_field *field = NULL;
	ferry_str err = FERRY_STR_INIT;
	json_t *v = NULL;
	ferry_policy policy;
	int i, error = 0;

	if (!f->field || !f->value)
		return ferry__error(db, FERRY_EMISUSE, "a filter needs a "
			"field and a value");
	if ((i = ferry_fieldset_find(fs, f->field)) >= 0)
		field = &fs->fields[i];
	for (i = 0; !field && sys_filters[i].name; i++)
		if (!strcmp(sys_filters[i].name, f->field)) {
			memset(&sysf, 0, sizeof(sysf));
			snprintf(sysf.name, sizeof(sysf.name), "%s",
				f->field);
			snprintf(sysf.type_text, sizeof(sysf.type_text), "%s",
				sys_filters[i].type);
			if (ferry_type__parse(&sysf.type, sysf.type_text,
			    &err) < 0) {
				error = ferry__error(db, FERRY_ERROR, "%s",
					ferry_str_cstr(&err));
				goto done;
			}
			field = &sysf;
		}
	if (!field) {
		ferry_str_printf(&err, "%s has no field '%s' to filter on; "
			"its fields: ", entity, f->field);
		field_names(&err, fs);
		error = ferry__error(db, FERRY_ENOTFOUND, "%s",
			ferry_str_cstr(&err));
		goto done;
	}
	switch (field->type.base) {
	case FERRY_T_INT:
	case FERRY_T_BIGINT:
	case FERRY_T_BOOL:
	case FERRY_T_JSON:
		v = json_loads(f->value, JSON_DECODE_ANY, NULL);
		break;
	default:
		break;
	}
	if (!v)
		v = json_string(f->value);
	c->column = field == &sysf ? f->field : field->name;
	if (!v) {
		error = ferry__oom(db);
	} else if (json_is_null(v) || ferry_type__convert(&c->value, field, v,
	    &err) < 0) {
		if (json_is_null(v))
			ferry_str_puts(&err, "null matches nothing; give a "
				"value");
		error = ferry__error(db, FERRY_EINVALID, "filter %s=%s: %s",
			f->field, f->value, ferry_str_cstr(&err));
	} else if (!strcmp(f->field, "sys_policy") &&
	    ferry_policy_parse(&policy, f->value) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "filter %s=%s: a "
			"policy is open, changed or protected", f->field,
			f->value);
	}
done:
	json_decref(v);
	ferry_str_dispose(&err);
	return error;
}

int ferry_record_list_v2(ferry_db *db, const char *entity,
	const ferry_record_list_options *opts, ferry_record_cb cb,
	void *payload)
{
	static const ferry_record_list_options defaults =
		FERRY_RECORD_LIST_OPTIONS_INIT;
	ferry_fieldset fs = { NULL, 0 };
	ferry_record_cond *conds = NULL;
	record_lister l = { NULL, &fs, FERRY_STR_INIT, cb, payload, 0, 0 };
	size_t i, n = 0;
	int error;

	FERRY_CHECK_DB(db);
	l.db = db;
	if (!opts)
		opts = &defaults;
	FERRY_ASSERT_ARG(cb);
	FERRY_ASSERT_ARG(!opts->nfilters || opts->filters);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0)
		goto done;
	if (opts->nfilters && (conds = ferry__calloc(opts->nfilters,
	    sizeof(*conds))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	for (n = 0; n < opts->nfilters; n++)
		if ((error = filter_value(db, entity, &fs, &opts->filters[n],
		    &conds[n])) < 0) {
			n++;
			goto done;
		}
	error = record_list(&l, entity, conds, n, opts->limit, opts->offset);
done:
	for (i = 0; i < n; i++)
		ferry_value_dispose(&conds[i].value);
	ferry__free(conds);
	ferry_fieldset_dispose(&fs);
	return error;
}

int ferry_record_delete(ferry_db *db, const char *entity, const char *sys_id)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	ferry_fieldset fs = { NULL, 0 };
	ferry_str who = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__record_check_entity(db, entity)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = check_sys_id(db, sys_id)) < 0)
		goto done;
	/* A record others still refer to is not deleted: they would point
	 * at nothing. */
	error = ferry_store__record_referrer(db, entity, sys_id, &who);
	if (error == 0) {
		error = ferry__error(db, FERRY_ECONFLICT, "%s record %s is still "
			"referred to (by %s, for one); change or delete the "
			"records that refer to it first", entity, sys_id,
			ferry_str_cstr(&who));
		goto done;
	}
	if (error != FERRY_ENOTFOUND)
		goto done;
	error = ferry__record_write(db, entity, &fs, sys_id,
		FERRY_ACTION_DELETE, NULL, NULL, &o, NULL);
done:
	ferry_str_dispose(&who);
	ferry_fieldset_dispose(&fs);
	return ferry_store__end(db, error);
}

/* The history document being written, and the entity's fields (for
 * their external names). */
typedef struct {
	ferry_str *doc;
	const ferry_fieldset *fs;
} history_doc;

static int version_item(const ferry_version_entry *v, void *payload)
{
	history_doc *h = payload;
	ferry_str *doc = h->doc;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "version", v->hash);
	ferry_json_str(doc, "parent", v->parent);
	ferry_json_str(doc, "action", v->action);
	ferry_json_str(doc, "author", v->author);
	ferry_json_str(doc, "at", v->at);
	ferry_json_str(doc, "pack", v->pack);
	ferry_json_str(doc, "source", v->source);
	ferry_json_id(doc, "import", v->import_id);
	ferry_json_str(doc, "policy", v->policy);
	ferry_json_raw(doc, "payload", v->payload, v->payload_len);
	put_external_names(doc, h->fs);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_record_history(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_str json = FERRY_STR_INIT;
	history_doc h = { &json, &fs };
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = check_sys_id(db, sys_id)) < 0)
		goto done;
	ferry_json_open(&json, NULL, '[');
	error = ferry_store__version_each(db, entity, sys_id, version_item,
		&h);
	ferry_json_close(&json, ']');
	if (error < 0)
		goto done;
	if (json.size == 2) {
		error = ferry__error(db, FERRY_ENOTFOUND, "%s record %s has no "
			"history: no such record", entity, sys_id);
		goto done;
	}
	error = ferry__buf_take(db, out, &json);
done:
	ferry_str_dispose(&json);
	ferry_fieldset_dispose(&fs);
	return error;
}

int ferry_record_restore(ferry_db *db, const char *entity,
	const char *sys_id, const char *version)
{
	return ferry_record_restore_v2(NULL, db, entity, sys_id, version);
}

int ferry_record_restore_v2(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id, const char *version)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	ferry_str doc = FERRY_STR_INIT;
	char written[FERRY_HASH_HEX] = "";
	ferry_version_ref v = { 0, FERRY_STR_INIT, FERRY_STR_INIT,
		FERRY_STR_INIT };
	ferry_fieldset fs = { NULL, 0 };
	ferry_value *values = NULL;
	int *set = NULL, error, exists;
	size_t i;
	json_t *obj = NULL, *val;
	const char *key;
	void *tmp;

	FERRY_CHECK_DB(db);
	o.source = "restore";
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__record_check_entity(db, entity)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = check_sys_id(db, sys_id)) < 0)
		goto done;
	if (!version || strlen(version) < 4) {
		error = ferry__error(db, FERRY_EINVALID, "name the version by "
			"its hash (at least 4 characters); see 'ferry record "
			"history %s %s'", entity, sys_id);
		goto done;
	}
	error = ferry_store__version_find(db, entity, sys_id, version, &v);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "%s record %s has no version "
			"%s; see 'ferry record history %s %s'", entity, sys_id,
			version, entity, sys_id);
	if (error < 0)
		goto done;
	if ((exists = ferry_store__record_exists(db, entity, sys_id)) < 0) {
		error = exists;
		goto done;
	}
	if (!strcmp(v.action.ptr, "delete")) {
		error = exists ? ferry__record_write(db, entity, &fs, sys_id,
			FERRY_ACTION_DELETE, NULL, NULL, &o, written) : 0;
		goto report;
	}
	values = ferry__calloc(fs.n ? fs.n : 1, sizeof(*values));
	set = ferry__calloc(fs.n ? fs.n : 1, sizeof(*set));
	obj = json_loads(v.payload.ptr, 0, NULL);
	if (!values || !set || !obj) {
		error = ferry__oom(db);
		goto done;
	}
	/* Fields dropped since that version are left out; every field of
	 * today is written, so absent ones are cleared. */
	json_object_foreach_safe(obj, tmp, key, val)
		if (ferry_fieldset_find(&fs, key) < 0)
			json_object_del(obj, key);
	for (i = 0; i < fs.n; i++)
		set[i] = 1;
	if ((error = ferry__record_convert(db, entity, &fs, obj, values,
	    set)) < 0)
		goto done;
	error = ferry__record_write(db, entity, &fs, sys_id,
		exists ? FERRY_ACTION_UPDATE : FERRY_ACTION_INSERT, values,
		set, &o, written);
report:
	if (error < 0 || !out)
		goto done;
	ferry_str_puts(&doc, "{\"entity\":");
	ferry_str_puts_json(&doc, entity);
	ferry_str_printf(&doc, ",\"sys_id\":\"%s\",\"restored\":\"%s\","
		"\"version\":", sys_id, v.hash.ptr);
	if (written[0])
		ferry_str_printf(&doc, "\"%s\"}", written);
	else
		ferry_str_puts(&doc, "null}");
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	json_decref(obj);
	if (values)
		ferry_values_dispose(values, fs.n);
	ferry__free(set);
	ferry_version_ref_dispose(&v);
	ferry_fieldset_dispose(&fs);
	return ferry_store__end(db, error);
}
