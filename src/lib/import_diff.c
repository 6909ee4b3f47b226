/*
 * import_diff.c - what an import does to each field of a record, before
 * anyone decides: the base value (what the package's change was made
 * against), the target's value now, the package's value, and the
 * three-way decision of merge3.h.  ferry__import_decide() is what diff,
 * commit (a merge's fields) and the resolutions' checks share;
 * ferry_import_diff() prints it (docs/import.md, "Diff").
 */
#include "imports.h"

#include "alloc.h"
#include "canonical.h"

#include <string.h>

static int nomem(ferry_db *db)
{
	return ferry__error(db, FERRY_ENOMEM, "out of memory");
}

void ferry__import_decided_dispose(ferry_import_decided *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		ferry__free(d->fields[i].name);
		ferry__free(d->fields[i].base);
		ferry__free(d->fields[i].target);
		ferry__free(d->fields[i].package);
	}
	ferry__free(d->fields);
	memset(d, 0, sizeof(*d));
}

static char *canonical_dup(json_t *v)
{
	ferry_str s = FERRY_STR_INIT;
	char *out;

	ferry_json__canonical(&s, v ? v : json_null());
	out = ferry_str_failed(&s) ? NULL : ferry__strdup(s.ptr);
	ferry_str_dispose(&s);
	return out;
}

/* A member's value (its JSON text) written again as canonical JSON: the
 * same text jansson's parse of the whole object would give there. */
static char *member_dup(const ferry_canon_member *m)
{
	json_t *v = ferry_canon__json(m->value, m->value_len);
	char *out = v ? canonical_dup(v) : NULL;

	json_decref(v);
	return out;
}

/* The field named `name` (len bytes), added once. */
static ferry_import_field_decision *field_slot(ferry_import_decided *d,
	const char *name, size_t len)
{
	ferry_import_field_decision *nf;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strncmp(d->fields[i].name, name, len) &&
		    !d->fields[i].name[len])
			return &d->fields[i];
	nf = ferry__realloc(d->fields, (d->n + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	d->fields = nf;
	memset(&nf[d->n], 0, sizeof(*nf));
	if ((nf[d->n].name = ferry__strndup(name, len)) == NULL)
		return NULL;
	return &nf[d->n++];
}

/* Field names in byte order, as everywhere else in ferry. */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const ferry_import_field_decision *)a)->name,
		((const ferry_import_field_decision *)b)->name);
}

/*
 * Each member of the object at text (NULL: none) into its field's slot,
 * as its canonical text: the package's value (old 0) or the base value
 * (old 1).  The staged payload and old values are canonical objects
 * (load checked them), so their members are walked where they lie:
 * parsing each into a jansson object cost about 9 us, twice for each
 * merge a commit writes (docs/performance.md).  1 when the text is not
 * such an object (the caller parses it instead), 0, or an error.
 */
static int walk_members(ferry_db *db, ferry_import_decided *d,
	const char *text, int old)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	ferry_import_field_decision *f;
	int more;

	if (!text)
		return 0;
	if (ferry_canon__begin(&it, text, strlen(text)) < 0)
		return 1;
	while ((more = ferry_canon__next(&it, &m)) > 0) {
		char **slot;

		if ((f = field_slot(d, m.key, m.key_len)) == NULL)
			return nomem(db);
		slot = old ? &f->base : &f->package;
		if (*slot)
			return 1;	/* a key twice: not canonical */
		if ((*slot = member_dup(&m)) == NULL)
			return 1;
	}
	return more < 0 ? 1 : 0;
}

/* walk_members() by jansson's parser, for an object that is not
 * canonical: what a parse refuses is an error. */
static int parse_members(ferry_db *db, ferry_import_decided *d,
	const char *text, int old)
{
	json_t *obj, *val;
	const char *key;
	int error = 0;

	if (!text)
		return 0;
	if ((error = ferry__import_parse(db, text, &obj)) < 0)
		return error;
	json_object_foreach(obj, key, val) {
		ferry_import_field_decision *f = field_slot(d, key,
			strlen(key));
		char **slot = f ? old ? &f->base : &f->package : NULL;

		if (!f) {
			error = nomem(db);
			break;
		}
		ferry__free(*slot);
		if ((*slot = canonical_dup(val)) == NULL) {
			error = nomem(db);
			break;
		}
	}
	json_decref(obj);
	return error;
}

/* The package's and the base values of every field the item names. */
static int item_members(ferry_db *db, const ferry_import_item *it,
	ferry_import_decided *d)
{
	int error = walk_members(db, d, it->payload, 0);

	if (error == 0)
		error = walk_members(db, d, it->old, 1);
	if (error != 1)
		return error;
	/* Not canonical: start again with jansson. */
	ferry__import_decided_dispose(d);
	if ((error = parse_members(db, d, it->payload, 0)) < 0)
		return error;
	return parse_members(db, d, it->old, 1);
}

int ferry__import_decide(ferry_db *db, const ferry_import_item *it,
	const ferry_fieldset *fs, const ferry_value *target,
	ferry_import_decided *out)
{
	ferry_str tv = FERRY_STR_INIT;
	size_t i;
	int error = 0, j;

	memset(out, 0, sizeof(*out));
	if ((error = item_members(db, it, out)) < 0)
		goto done;
	/* Base values exist for an update that carries them. */
	out->has_base = it->old && !strcmp(it->action, "update");
	out->has_target = target != NULL;
	for (i = 0; i < out->n; i++) {
		ferry_import_field_decision *f = &out->fields[i];
		/* A field only the old values name: the package clears it. */
		int in_base = f->base != NULL;

		if (!f->package && (f->package = ferry__strdup("null")) ==
		    NULL) {
			error = nomem(db);
			goto done;
		}
		if (out->has_base && !f->base)
			f->base = ferry__strdup(f->package);
		else if (!out->has_base) {
			ferry__free(f->base);
			f->base = NULL;
		}
		if (target) {
			ferry_str_clear(&tv);
			j = ferry_fieldset_find(fs, f->name);
			if (j >= 0)
				ferry_type__canonical(&tv, &fs->fields[j],
					&target[j]);
			else
				ferry_str_puts(&tv, "null");
			if (ferry_str_failed(&tv)) {
				error = nomem(db);
				goto done;
			}
			f->target = ferry__strdup(tv.ptr);
		}
		if ((out->has_base && !f->base) || (target && !f->target)) {
			error = nomem(db);
			goto done;
		}
		if (out->has_base)
			f->merge = ferry__merge3(in_base ? f->base : NULL,
				f->target, f->package);
		else if (!target)
			f->merge = FERRY_MERGE3_PACKAGE;
		else
			/* No base: every difference is a conflict. */
			f->merge = !strcmp(f->target, f->package) ?
				FERRY_MERGE3_TARGET : FERRY_MERGE3_CONFLICT;
	}
	if (out->n > 1)
		qsort(out->fields, out->n, sizeof(*out->fields), by_name);
done:
	ferry_str_dispose(&tv);
	if (error < 0)
		ferry__import_decided_dispose(out);
	return error;
}

int ferry__import_overlay(ferry_db *db, json_t *obj, const char *patch)
{
	json_t *p = NULL;
	int error;

	if ((error = ferry__import_parse(db, patch, &p)) < 0)
		return error;
	if (json_object_update(obj, p) < 0)
		error = nomem(db);
	json_decref(p);
	return error;
}

/* The target's record of an item and its fields, when it has one:
 * *values NULL when not. */
static int target_values(ferry_db *db, const ferry_import_item *it,
	ferry_fieldset *fs, ferry_value **values)
{
	int error, exists;

	*values = NULL;
	if (!it->target_id)
		return 0;
	if ((exists = ferry_store__entity_exists(db, it->entity)) < 0)
		return exists;
	if (!exists && !ferry__is_system_entity(it->entity))
		return 0;
	if ((error = ferry__fields(db, it->entity, fs)) < 0)
		return error;
	if ((*values = ferry__calloc(fs->n ? fs->n : 1, sizeof(**values))) ==
	    NULL)
		return nomem(db);
	error = ferry_store__record_values(db, it->entity, fs, it->target_id,
		*values);
	if (error == FERRY_ENOTFOUND) {
		ferry_values_dispose(*values, fs->n);
		*values = NULL;
		error = 0;
	}
	return error;
}

int ferry__import_decide_item(ferry_db *db, const ferry_import_item *it,
	ferry_import_decided *out)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_value *values = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = target_values(db, it, &fs, &values)) == 0)
		error = ferry__import_decide(db, it, &fs, values, out);
	if (values)
		ferry_values_dispose(values, fs.n);
	ferry_fieldset_dispose(&fs);
	return error;
}

/* ---- diff ---------------------------------------------------------------- */

typedef struct {
	ferry_db *db;
	int64_t id;
	ferry_str doc;
	size_t count;
} diff_state;

static void put_opt(ferry_str *s, const char *name, const char *text)
{
	ferry_str_printf(s, ",\"%s\":", name);
	if (text)
		ferry_str_puts_json(s, text);
	else
		ferry_str_puts(s, "null");
}

static int diff_item(const ferry_import_item *it, void *payload)
{
	diff_state *s = payload;
	ferry_import_decided d;
	json_t *ext = NULL;
	size_t i;
	int error = 0;

	memset(&d, 0, sizeof(d));
	if (!strcmp(it->t, "record") &&
	    ((error = ferry__import_decide_item(s->db, it, &d)) < 0 ||
	    (error = ferry__external_names(s->db, s->id, it->entity,
	    &ext)) < 0)) {
		ferry__import_decided_dispose(&d);
		return error;
	}
	if (s->count++)
		ferry_str_putc(&s->doc, ',');
	ferry_str_printf(&s->doc, "{\"item\":%lld", (long long)it->item);
	put_opt(&s->doc, "type", ferry__import_item_type(it));
	put_opt(&s->doc, "entity", it->entity ? it->entity : it->t);
	put_opt(&s->doc, "sys_id", it->sys_id);
	put_opt(&s->doc, "key", it->rkey);
	put_opt(&s->doc, "action", it->decision);
	put_opt(&s->doc, "package_action", it->action);
	put_opt(&s->doc, "resolution", it->resolution && it->whole ?
		"accept_whole" : it->resolution);
	ferry_str_printf(&s->doc, ",\"target_exists\":%s,\"has_base\":%s,"
		"\"fields\":[", d.has_target ? "true" : "false",
		d.has_base ? "true" : "false");
	for (i = 0; i < d.n; i++) {
		const ferry_import_field_decision *f = &d.fields[i];

		ferry_str_puts(&s->doc, i ? ",{\"name\":" : "{\"name\":");
		ferry_str_puts_json(&s->doc, f->name);
		ferry_str_printf(&s->doc, ",\"base\":%s,\"target\":%s,"
			"\"package\":%s,\"merge\":\"%s\",\"conflict\":%s",
			f->base ? f->base : "null",
			f->target ? f->target : "null", f->package,
			ferry__merge3_name(f->merge),
			f->merge == FERRY_MERGE3_CONFLICT ? "true" : "false");
		/* The field's name in the system it came from. */
		put_opt(&s->doc, "external_name", json_string_value(
			json_object_get(ext, f->name)));
		ferry_str_putc(&s->doc, '}');
	}
	ferry_str_puts(&s->doc, "]}");
	json_decref(ext);
	ferry__import_decided_dispose(&d);
	return ferry_str_failed(&s->doc) ? nomem(s->db) : 0;
}

int ferry_import_diff(ferry_buf *out, ferry_db *db, int64_t id,
	const int64_t *items, size_t n)
{
	ferry_import_row imp;
	ferry_import_item it;
	diff_state s;
	size_t i;
	int error;

	FERRY_CHECK_DB(db);
	if (n && !items)
		return ferry__error(db, FERRY_EMISUSE, "no items given");
	memset(&s, 0, sizeof(s));
	memset(&it, 0, sizeof(it));
	s.db = db;
	s.id = id;
	ferry_str_init(&s.doc, 0);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "diff imports")) < 0 ||
	    (error = ferry__import_find(db, id, "previewed", "diff",
	    &imp)) < 0)
		goto done;
	ferry_str_printf(&s.doc, "{\"id\":%lld,\"items\":[", (long long)id);
	for (i = 0; i < n && !error; i++) {
		if ((error = ferry__import_item_find(db, id, items[i],
		    &it)) == 0)
			error = diff_item(&it, &s);
	}
	if (!n && !error)
		error = ferry_store__import_changed_each(db, id, diff_item,
			&s);
	if (error < 0)
		goto done;
	ferry_str_puts(&s.doc, "]}");
	error = ferry__buf_take(db, out, &s.doc);
done:
	ferry_import_item_dispose(&it);
	ferry_str_dispose(&s.doc);
	return ferry_store__end(db, error);
}
