/*
 * import_commit.c - importing a package, part three: commit.  A fresh
 * plan, a backup, then one transaction that applies the schema first
 * (entities, then fields, by the schema merge rules), then the records
 * with referenced entities before the entities that reference them,
 * deletes last, then formulas and data sets (docs/import.md, "Commit").
 *
 * Clean inserts and updates of user entities are applied set-wise from
 * the staged canonical payloads (their hashes were verified at load, so
 * the rows and versions are written straight from them); everything
 * else goes through the write path of records.h (the updates and merges
 * of a record entity through its batch form, a page at a time), with
 * the import's write options: source "import", captured into nobody's
 * pack, allowed to change protected records, the package's policy.
 */
#include "imports.h"

#include "alloc.h"
#include "canonical.h"
#include "definitions.h"

#include <string.h>

typedef struct {
	ferry_db *db;
	int64_t id;
	int application;	/* records become vendor records */
	uint64_t done, total;	/* progress */
	ferry_str err;
} commit_state;

static int nomem(ferry_db *db)
{
	return ferry__error(db, FERRY_ENOMEM, "out of memory");
}

static int policy_rank(const char *p)
{
	return !strcmp(p, "protected") ? 2 : !strcmp(p, "changed") ? 1 : 0;
}

static const char *stronger(const char *a, const char *b)
{
	return policy_rank(a) >= policy_rank(b) ? a : b;
}

/* How an item is written: with policy, a policy's name (the load refused
 * any other), or NULL for the local rules. */
static void write_opts(const commit_state *s, const ferry_import_item *it,
	const char *policy, ferry_write_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->source = "import";
	o->import_id = s->id;
	o->own_policy = policy && ferry_policy_parse(&o->policy, policy) == 0;
	o->vendor = s->application ? 1 : it->vendor;
	o->capture = 0;
	o->allow_protected = 1;
}

static void progress(commit_state *s, uint64_t n)
{
	s->done += n;
	ferry__progress(s->db, "committing", s->done, s->total);
}

/* The next item after `after` of entity that commit takes one at a time
 * (import_next), FERRY_ENOTFOUND when there is none. */
static int next_item(commit_state *s, const char *entity, int what,
	const char *after, ferry_import_item *it)
{
	size_t n;
	int error = ferry_store__import_next(s->db, s->id, entity, what,
		after, it, 1, &n);

	return error < 0 ? error : n ? 0 : FERRY_ENOTFOUND;
}

/* Keep the sys_id of the last item seen, for the next one. */
static int remember(ferry_db *db, char **after, const char *sys_id)
{
	ferry__free(*after);
	*after = ferry__strdup(sys_id);
	return *after ? 0 : nomem(db);
}

/*
 * When a write left a record with exactly the package's content, the
 * record takes the package's version id (the write path hashed it with
 * its own action, which may differ from the source's).  version and
 * payload are what the record holds now.
 */
static int adopt_written(commit_state *s, const ferry_import_item *it,
	const char *entity, const char *sys_id, const char *version,
	const char *payload)
{
	if (!strcmp(version, it->version) || strcmp(payload, it->payload))
		return 0;
	return ferry_store__import_adopt(s->db, entity, sys_id, version,
		it->version);
}

/* adopt_written() for a record written elsewhere (the catalog's write
 * path): what it holds is read back. */
static int adopt(commit_state *s, const ferry_import_item *it,
	const char *entity, const char *sys_id)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_value *values = NULL;
	ferry_record_meta meta;
	ferry_str payload = FERRY_STR_INIT;
	int error;

	if ((error = ferry_store__record_meta(s->db, entity, sys_id,
	    &meta)) < 0)
		return error == FERRY_ENOTFOUND ? 0 : error;
	if (!strcmp(meta.version, it->version))
		return 0;
	if ((error = ferry__fields(s->db, entity, &fs)) < 0)
		goto done;
	if ((values = ferry__calloc(fs.n ? fs.n : 1, sizeof(*values))) ==
	    NULL) {
		error = nomem(s->db);
		goto done;
	}
	if ((error = ferry_store__record_values(s->db, entity, &fs, sys_id,
	    values)) < 0)
		goto done;
	ferry_type__payload(&payload, &fs, values);
	if (ferry_str_failed(&payload)) {
		error = nomem(s->db);
		goto done;
	}
	error = adopt_written(s, it, entity, sys_id, meta.version,
		payload.ptr);
done:
	if (values)
		ferry_values_dispose(values, fs.n);
	ferry_str_dispose(&payload);
	ferry_fieldset_dispose(&fs);
	return error;
}

/* adopt() for a catalog record, found by its key. */
static int adopt_catalog(commit_state *s, const ferry_import_item *it,
	const char *entity, const char *field)
{
	ferry_str sys_id = FERRY_STR_INIT;
	int error = ferry_store__catalog_sys_id(s->db, entity, field,
		&sys_id);

	if (error == 0)
		error = adopt(s, it, field ? "sys_field" : "sys_entity",
			sys_id.ptr);
	ferry_str_dispose(&sys_id);
	return error == FERRY_ENOTFOUND ? 0 : error;
}

/* ---- schema -------------------------------------------------------------- */

static int commit_entity(commit_state *s, const ferry_import_item *it)
{
	ferry_write_opts o;
	json_t *obj = NULL;
	int error;

	if (strcmp(it->act, "insert") != 0)
		return 0;
	if ((error = ferry__import_parse(s->db, it->payload, &obj)) < 0)
		return error;
	write_opts(s, it, it->policy, &o);
	if ((error = ferry__entity_create(s->db, it->rkey,
	    json_string_value(json_object_get(obj, "display")),
	    json_string_value(json_object_get(obj, "description")), &o)) == 0 &&
	    (error = adopt_catalog(s, it, it->rkey, NULL)) == 0)
		error = ferry_store__import_outcome(s->db, s->id, it->item,
			"inserted", "created");
	json_decref(obj);
	return error;
}

static int commit_field(commit_state *s, const ferry_import_item *it)
{
	ferry_write_opts o;
	ferry_field_def def;
	ferry_merge_action action = FERRY_MERGE_KEEP;
	ferry_str def_text = FERRY_STR_INIT, reason = FERRY_STR_INIT;
	const char *entity;
	json_t *obj = NULL;
	int error;

	if ((error = ferry__import_parse(s->db, it->payload, &obj)) < 0 ||
	    (error = ferry__import_field_def(s->db, obj, &def,
	    &def_text)) < 0)
		goto done;
	entity = json_string_value(json_object_get(obj, "entity"));
	write_opts(s, it, it->policy, &o);
	if ((error = ferry__merge_field(s->db, entity ? entity : "", &def, &o,
	    &action, &reason)) < 0)
		goto done;
	if (ferry_str_failed(&reason)) {
		error = nomem(s->db);
		goto done;
	}
	if (action != FERRY_MERGE_KEEP && (error = adopt_catalog(s, it,
	    entity, def.name)) < 0)
		goto done;
	error = ferry_store__import_outcome(s->db, s->id, it->item,
		action == FERRY_MERGE_ADD ? "inserted" : action ==
		FERRY_MERGE_GROW ? "updated" : "skipped", reason.ptr);
done:
	json_decref(obj);
	ferry_str_dispose(&def_text);
	ferry_str_dispose(&reason);
	return error;
}

/*
 * A declared schema: the entity, if the target still lacks it, then every
 * declared field it lacks, by the schema merge rules.
 */
static int commit_declared(const ferry_import_item *staged, void *payload)
{
	commit_state *s = payload;
	ferry_import_item it;
	ferry_write_opts o;
	ferry_field_def def;
	ferry_merge_action action;
	ferry_str def_text = FERRY_STR_INIT, reason = FERRY_STR_INIT,
		detail = FERRY_STR_INIT;
	json_t *doc = NULL, *defn, *f;
	size_t i;
	int error, exists;

	memset(&it, 0, sizeof(it));
	if ((error = ferry_store__import_item_get(s->db, s->id, staged->item,
	    &it)) < 0 || !it.act || (strcmp(it.act, "insert") != 0 &&
	    strcmp(it.act, "update") != 0))
		goto done;
	if ((doc = json_loadb(staged->body, staged->body_len, 0, NULL)) ==
	    NULL) {
		error = ferry__error(s->db, FERRY_EFORMAT, "item %lld: a schema "
			"item that is not JSON", (long long)it.item);
		goto done;
	}
	defn = json_object_get(doc, "definition");
	write_opts(s, &it, "open", &o);
	if ((exists = ferry_store__entity_exists(s->db, it.entity)) < 0) {
		error = exists;
		goto done;
	}
	if (!exists) {
		if ((error = ferry__entity_create(s->db, it.entity,
		    json_string_value(json_object_get(defn, "display")),
		    json_string_value(json_object_get(defn, "description")),
		    &o)) < 0)
			goto done;
		ferry_str_printf(&detail, "created entity %s", it.entity);
	}
	json_array_foreach(json_object_get(defn, "fields"), i, f) {
		ferry_str_clear(&def_text);
		ferry_str_clear(&reason);
		if ((error = ferry__import_field_def(s->db, f, &def,
		    &def_text)) < 0 ||
		    (error = ferry__merge_field(s->db, it.entity, &def, &o,
		    &action, &reason)) < 0)
			goto done;
		if (action == FERRY_MERGE_ADD)
			ferry_str_printf(&detail, "%s%s", detail.size ?
				(detail.ptr[detail.size - 1] == ':' ? " " :
				", ") : "added field(s): ", def.name);
	}
	if (ferry_str_failed(&detail)) {
		error = nomem(s->db);
		goto done;
	}
	error = ferry_store__import_outcome(s->db, s->id, it.item, !exists ?
		"inserted" : "updated", detail.size ? detail.ptr : NULL);
done:
	json_decref(doc);
	ferry_str_dispose(&def_text);
	ferry_str_dispose(&reason);
	ferry_str_dispose(&detail);
	ferry_import_item_dispose(&it);
	return error;
}

/* Entities first, then fields (which may refer to new entities). */
static int commit_schema(commit_state *s)
{
	static const char *const order[] = { "sys_entity", "sys_field" };
	ferry_import_item it;
	char *after = NULL;
	size_t k;
	int error = 0;

	/* Set-wise: a new entity's table is created once, with all its
	 * columns, when the schema is complete. */
	ferry_store__schema_batch_begin(s->db);
	memset(&it, 0, sizeof(it));
	for (k = 0; k < 2 && !error; k++) {
		ferry__free(after);
		after = NULL;
		while ((error = next_item(s, order[k], FERRY_IMPORT_WRITES,
		    after, &it)) == 0) {
			if ((error = k == 0 ? commit_entity(s, &it) :
			    commit_field(s, &it)) < 0 ||
			    (error = remember(s->db, &after, it.sys_id)) < 0)
				break;
			progress(s, 1);
		}
		if (error == FERRY_ENOTFOUND)
			error = 0;
	}
	ferry__free(after);
	ferry_import_item_dispose(&it);
	/* Then what the declared schemas add. */
	if (error == 0)
		error = ferry_store__import_items_each(s->db, s->id, "schema",
			NULL, commit_declared, s);
	return ferry_store__schema_batch_end(s->db, error);
}

/* ---- records ------------------------------------------------------------- */

/* Which fields an item writes, from which object: a hand merge's patch
 * over the package's payload for an insert, over the target's record
 * for an update without base values; a merge decides field by field
 * (merge_fields); an update writes every declared field. */
static int item_source(commit_state *s, const ferry_import_item *it,
	json_t **src, json_t **fields)
{
	int hand = it->resolution && !strcmp(it->resolution, "merge");
	int error;

	*src = *fields = NULL;
	if ((error = ferry__import_parse(s->db, it->payload, src)) < 0)
		return error;
	if (!strcmp(it->act, "insert")) {
		if (hand && (error = ferry__import_overlay(s->db, *src,
		    it->merged)) < 0)
			return error;
		*fields = json_incref(*src);
	} else if (hand && strcmp(it->act, "merge") != 0) {
		json_decref(*src);
		if ((error = ferry__import_parse(s->db, it->merged, src)) < 0)
			return error;
		*fields = json_incref(*src);
	}
	return 0;
}

/* Field f's stored value from val (NULL: null). */
static int convert_value(commit_state *s, const ferry_import_item *it,
	const ferry_field *f, json_t *val, ferry_value *value)
{
	ferry_value_dispose(value);
	ferry_str_clear(&s->err);
	if (ferry_type__convert(value, f, val ? val : json_null(),
	    &s->err) < 0)
		return ferry__error(s->db, FERRY_EINVALID, "item %lld: %s.%s: "
			"%s; preview the import again", (long long)it->item,
			it->entity, f->name, ferry_str_cstr(&s->err));
	return 0;
}

/* Field f's stored value from its member in the object src. */
static int convert_field(commit_state *s, const ferry_import_item *it,
	const ferry_field *f, json_t *src, ferry_value *value)
{
	return convert_value(s, it, f, json_object_get(src, f->name), value);
}

/* Field f's stored value from canonical JSON text (a decided field's,
 * which ferry wrote: only memory can fail to read it). */
static int convert_text(commit_state *s, const ferry_import_item *it,
	const ferry_field *f, const char *text, ferry_value *value)
{
	json_t *val = ferry_canon__json(text, strlen(text));
	int error;

	if (!val)
		return nomem(s->db);
	error = convert_value(s, it, f, val, value);
	json_decref(val);
	return error;
}

/*
 * The fields a merge writes, decided one by one against the target's
 * values now (merge3.h): what only the package changed takes the
 * package's value; a conflict the package's value when accepted; a
 * field the hand-merged patch names the patch's value; the rest keep
 * the target's.
 */
static int merge_fields(commit_state *s, const ferry_import_item *it,
	const ferry_fieldset *fs, ferry_value *values, int *set)
{
	ferry_import_decided d;
	json_t *patch = NULL, *val;
	const char *key;
	size_t k;
	int error, i;

	memset(&d, 0, sizeof(d));
	if (it->resolution && !strcmp(it->resolution, "merge") &&
	    (error = ferry__import_parse(s->db, it->merged, &patch)) < 0)
		return error;
	if ((error = ferry__import_decide(s->db, it, fs, values, &d)) < 0)
		goto done;
	for (k = 0; k < d.n; k++) {
		const ferry_import_field_decision *f = &d.fields[k];

		if ((i = ferry_fieldset_find(fs, f->name)) < 0) {
			error = ferry__error(s->db, FERRY_ECONFLICT, "item %lld: "
				"%s has no field %s in the target; preview the "
				"import again", (long long)it->item, it->entity,
				f->name);
			goto done;
		}
		if (patch && json_object_get(patch, f->name))
			continue;
		if (f->merge == FERRY_MERGE3_PACKAGE ||
		    (f->merge == FERRY_MERGE3_CONFLICT && it->resolution &&
		    !strcmp(it->resolution, "accept")))
			;	/* the package's value */
		else if (f->merge == FERRY_MERGE3_CONFLICT) {
			error = ferry__error(s->db, FERRY_ECONFLICT, "item %lld: "
				"%s.%s changed in the target since the preview; "
				"preview the import again", (long long)it->item,
				it->entity, f->name);
			goto done;
		} else
			continue;
		if ((error = convert_text(s, it, &fs->fields[i], f->package,
		    &values[i])) < 0)
			goto done;
		set[i] = 1;
	}
	/* The fields decided by hand. */
	json_object_foreach(patch, key, val) {
		if ((i = ferry_fieldset_find(fs, key)) < 0) {
			error = ferry__error(s->db, FERRY_ECONFLICT, "item %lld: "
				"%s has no field %s in the target; preview the "
				"import again", (long long)it->item, it->entity,
				key);
			goto done;
		}
		if ((error = convert_field(s, it, &fs->fields[i], patch,
		    &values[i])) < 0)
			goto done;
		set[i] = 1;
	}
done:
	ferry__import_decided_dispose(&d);
	json_decref(patch);
	return error;
}

/*
 * The values an insert, update or merge writes, over values (the
 * target's record for an update or a merge, nothing for an insert): an
 * update sets every field the package declares (fields only in the
 * target keep their values); a merge only the fields the package changed
 * (or, hand-merged, the ones the merged payload names); an insert the
 * payload's fields.  set[] marks them; *policy is the one to write.
 */
static int item_values(commit_state *s, const ferry_import_item *it,
	const ferry_fieldset *fs, const ferry_fieldset *declared,
	ferry_value *values, int *set, const char **policy)
{
	int hand = it->resolution && !strcmp(it->resolution, "merge");
	json_t *src = NULL, *fields = NULL, *val;
	const char *key;
	size_t k;
	int error, i;

	*policy = it->policy;
	/* Load stages every insert, update and merge with its payload:
	 * one without it is damaged staging, not a merge of nothing. */
	if (!it->payload)
		return ferry__error(s->db, FERRY_EFORMAT, "item %lld of import "
			"%lld has lost its staged payload; discard the import "
			"and load the package again", (long long)it->item,
			(long long)s->id);
	/* A merge reads the package's payload in ferry__import_decide():
	 * the source parsed here too was a second parse of each. */
	if (!strcmp(it->act, "merge")) {
		if ((error = merge_fields(s, it, fs, values, set)) < 0)
			goto done;
	} else if ((error = item_source(s, it, &src, &fields)) < 0) {
		goto done;
	} else if (fields) {
		json_object_foreach(fields, key, val) {
			if ((i = ferry_fieldset_find(fs, key)) < 0) {
				error = ferry__error(s->db, FERRY_ECONFLICT,
					"item %lld: %s has no field %s in the "
					"target; preview the import again",
					(long long)it->item, it->entity, key);
				goto done;
			}
			if ((error = convert_field(s, it, &fs->fields[i], src,
			    &values[i])) < 0)
				goto done;
			set[i] = 1;
		}
	} else {
		for (k = 0; k < fs->n; k++) {
			if (ferry_fieldset_find(declared,
			    fs->fields[k].name) < 0)
				continue;
			if ((error = convert_field(s, it, &fs->fields[k], src,
			    &values[k])) < 0)
				goto done;
			set[k] = 1;
		}
	}
	if (!strcmp(it->act, "merge") && it->target_policy)
		*policy = stronger(*policy, hand ? stronger(it->target_policy,
			"changed") : it->target_policy);
done:
	json_decref(src);
	json_decref(fields);
	return error;
}

static int no_longer_there(commit_state *s, const ferry_import_item *it,
	const char *target)
{
	return ferry__error(s->db, FERRY_ECONFLICT, "item %lld: %s record %s "
		"is no longer in the target; preview the import again",
		(long long)it->item, it->entity, target);
}

/* What commit records of a written item. */
static const char *written_outcome(const ferry_import_item *it)
{
	return !strcmp(it->act, "insert") ? "inserted" :
		!strcmp(it->act, "merge") ? "merged" : "updated";
}

static const char *written_detail(const ferry_import_item *it)
{
	return it->whole ? "the package's whole record (accept --whole)" :
		NULL;
}

/* Write one insert, update or merge (item_values) through the write
 * path. */
static int write_item(commit_state *s, const ferry_import_item *it,
	const ferry_fieldset *fs, const ferry_fieldset *declared)
{
	const char *target = it->target_id ? it->target_id : it->sys_id;
	const char *policy;
	int is_insert = !strcmp(it->act, "insert");
	ferry_value *values = NULL;
	ferry_str before = FERRY_STR_INIT, after = FERRY_STR_INIT;
	char written[FERRY_HASH_HEX];
	int *set = NULL, error;
	ferry_write_opts o;

	values = ferry__calloc(fs->n ? fs->n : 1, sizeof(*values));
	set = ferry__calloc(fs->n ? fs->n : 1, sizeof(*set));
	if (!values || !set) {
		error = nomem(s->db);
		goto done;
	}
	if (!is_insert) {
		if ((error = ferry_store__record_values(s->db, it->entity, fs,
		    target, values)) < 0) {
			if (error == FERRY_ENOTFOUND)
				error = no_longer_there(s, it, target);
			goto done;
		}
		ferry_type__payload(&before, fs, values);
	}
	if ((error = item_values(s, it, fs, declared, values, set,
	    &policy)) < 0)
		goto done;
	/* What the write path will store (the same call builds it). */
	ferry_type__payload(&after, fs, values);
	if (ferry_str_failed(&before) || ferry_str_failed(&after)) {
		error = nomem(s->db);
		goto done;
	}
	/* Writing what is there already is no change: no version. */
	if (!is_insert && !strcmp(before.ptr, after.ptr)) {
		error = ferry_store__import_outcome(s->db, s->id, it->item,
			"skipped", "no change");
		goto done;
	}
	write_opts(s, it, policy, &o);
	if ((error = ferry__record_write(s->db, it->entity, fs, target,
	    is_insert ? FERRY_ACTION_INSERT : FERRY_ACTION_UPDATE, values,
	    set, &o, written)) < 0 ||
	    (error = adopt_written(s, it, it->entity, target, written,
	    after.ptr)) < 0)
		goto done;
	error = ferry_store__import_outcome(s->db, s->id, it->item,
		written_outcome(it), written_detail(it));
done:
	ferry_str_dispose(&before);
	ferry_str_dispose(&after);
	if (values)
		ferry_values_dispose(values, fs->n);
	ferry__free(set);
	return error;
}

/* ---- a page of items ------------------------------------------------------ */

/*
 * The items commit writes one by one come a page at a time, and the
 * updates and merges of a page are written together: the records they
 * change are read with one store call (record_current_many), their
 * versions and rows written with ferry__record_update_many() and their
 * outcomes with import_outcomes, so that a server store answers a page
 * in a few round trips instead of about seven an item.  Each update is
 * built exactly as write_item() builds it; an insert, or an item whose
 * record an earlier item of the page changes, goes through write_item()
 * in its turn, after the updates before it.
 */
#define COMMIT_PAGE 256

typedef struct {
	commit_state *s;
	const char *entity;
	const ferry_fieldset *fs, *declared;
	ferry_import_item items[COMMIT_PAGE];
	size_t n;
	/* what each update's record holds now: cur[cur_of[i] - 1] */
	ferry_record_current cur[COMMIT_PAGE];
	const char *targets[COMMIT_PAGE];
	size_t cur_of[COMMIT_PAGE], ncur;
	/* updates waiting, in page order, and what each writes */
	ferry_record_change changes[COMMIT_PAGE];
	ferry_value *values[COMMIT_PAGE];
	ferry_str after[COMMIT_PAGE];
	size_t change_item[COMMIT_PAGE], nchanges;
	/* outcomes waiting */
	int64_t out_items[COMMIT_PAGE];
	const char *outcomes[COMMIT_PAGE], *details[COMMIT_PAGE];
	size_t nout;
} commit_page;

static const char *item_target(const ferry_import_item *it)
{
	return it->target_id ? it->target_id : it->sys_id;
}

static int page_outcomes(commit_page *p)
{
	int error = ferry_store__import_outcomes(p->s->db, p->s->id,
		p->out_items, p->outcomes, p->details, p->nout);

	p->nout = 0;
	return error;
}

static void page_outcome(commit_page *p, const ferry_import_item *it,
	const char *outcome, const char *detail)
{
	p->out_items[p->nout] = it->item;
	p->outcomes[p->nout] = outcome;
	p->details[p->nout++] = detail;
}

static void page_changes_dispose(commit_page *p)
{
	size_t k;

	for (k = 0; k < p->nchanges; k++) {
		ferry_values_dispose(p->values[k], p->fs->n);
		ferry_str_dispose(&p->after[k]);
	}
	p->nchanges = 0;
}

/* Write the updates waiting, then what follows from each: the package's
 * version id where the record now holds its very content (adopt_written,
 * the hash the write path gave it computed again), and the outcome. */
static int page_flush(commit_page *p)
{
	ferry_write_opts o;
	ferry_str rkey = FERRY_STR_INIT;
	char hash[FERRY_HASH_HEX];
	size_t k;
	int error = 0;

	memset(&o, 0, sizeof(o));
	o.source = "import";
	o.import_id = p->s->id;
	o.vendor = -1;
	o.allow_protected = 1;
	if (p->nchanges)
		error = ferry__record_update_many(p->s->db, p->entity, p->fs,
			p->changes, p->nchanges, &o);
	for (k = 0; k < p->nchanges && !error; k++) {
		const ferry_import_item *it = &p->items[p->change_item[k]];
		const ferry_str *after = &p->after[k];

		if (!strcmp(after->ptr, it->payload)) {
			ferry_str_clear(&rkey);
			ferry__record_key(&rkey, p->entity, p->fs,
				p->values[k], item_target(it));
			if (ferry_str_failed(&rkey)) {
				error = nomem(p->s->db);
				break;
			}
			ferry__version_hash(hash, p->entity, rkey.ptr,
				"update", after->ptr, after->size);
			error = adopt_written(p->s, it, p->entity,
				item_target(it), hash, after->ptr);
		}
		page_outcome(p, it, written_outcome(it), written_detail(it));
	}
	ferry_str_dispose(&rkey);
	page_changes_dispose(p);
	if (error == 0)
		error = page_outcomes(p);
	return error;
}

/*
 * Build item i's update over what its record holds now, as write_item()
 * would, and queue it; 1 when the item must take write_item()'s path
 * instead (a policy the write path refuses to read).
 */
static int page_update(commit_page *p, size_t i)
{
	const ferry_import_item *it = &p->items[i];
	ferry_record_current *c = &p->cur[p->cur_of[i] - 1];
	ferry_str before = FERRY_STR_INIT, empty = FERRY_STR_INIT;
	ferry_record_change *ch;
	ferry_policy had, policy;
	const char *name;
	ferry_value *values;
	int *set, error;
	size_t k = p->nchanges;

	if (!c->found)
		return no_longer_there(p->s, it, item_target(it));
	if (ferry_policy_parse(&had, c->meta.policy) < 0)
		return 1;
	values = c->values;
	c->values = NULL;
	p->values[k] = values;
	p->after[k] = empty;
	p->nchanges++;
	if ((set = ferry__calloc(p->fs->n ? p->fs->n : 1,
	    sizeof(*set))) == NULL)
		return nomem(p->s->db);
	ferry_type__payload(&before, p->fs, values);
	error = item_values(p->s, it, p->fs, p->declared, values, set, &name);
	ferry__free(set);
	if (error < 0)
		goto done;
	ferry_type__payload(&p->after[k], p->fs, values);
	if (ferry_str_failed(&before) || ferry_str_failed(&p->after[k])) {
		error = nomem(p->s->db);
		goto done;
	}
	/* Writing what is there already is no change: no version. */
	if (!strcmp(before.ptr, p->after[k].ptr)) {
		ferry_values_dispose(values, p->fs->n);
		ferry_str_dispose(&p->after[k]);
		p->nchanges--;
		page_outcome(p, it, "skipped", "no change");
		goto done;
	}
	/* The write path's policy: the package's, else the local rules. */
	if (!name || ferry_policy_parse(&policy, name) < 0)
		policy = had == FERRY_POLICY_PROTECTED ?
			FERRY_POLICY_PROTECTED : FERRY_POLICY_CHANGED;
	ch = &p->changes[k];
	memset(ch, 0, sizeof(*ch));
	ch->sys_id = item_target(it);
	ch->values = values;
	ch->parent_id = c->latest_id;
	ch->parent_hash = c->latest_id ? c->latest_hash : NULL;
	ch->policy = policy;
	ch->vendor = p->s->application ? 1 : it->vendor;
	p->change_item[k] = i;
done:
	ferry_str_dispose(&before);
	return error;
}

/* 1 when an item before item i in the page has its record. */
static int page_repeats(const commit_page *p, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(item_target(&p->items[j]),
		    item_target(&p->items[i])))
			return 1;
	return 0;
}

/* What the records of the page's updates hold now. */
static int page_read(commit_page *p)
{
	size_t i, nf = p->fs->n ? p->fs->n : 1;

	p->ncur = 0;
	for (i = 0; i < p->n; i++) {
		p->cur_of[i] = 0;
		if (!strcmp(p->items[i].act, "insert") || page_repeats(p, i))
			continue;
		if ((p->cur[p->ncur].values = ferry__calloc(nf,
		    sizeof(ferry_value))) == NULL)
			return nomem(p->s->db);
		p->targets[p->ncur] = item_target(&p->items[i]);
		p->cur_of[i] = ++p->ncur;
	}
	return ferry_store__record_current_many(p->s->db, p->entity, p->fs,
		p->targets, p->ncur, p->cur);
}

static void page_read_dispose(commit_page *p)
{
	size_t i;

	for (i = 0; i < p->ncur; i++)
		ferry_values_dispose(p->cur[i].values, p->fs->n);
	p->ncur = 0;
}

/* Write the page's items in order. */
static int page_write(commit_page *p)
{
	size_t i;
	int error;

	if ((error = page_read(p)) < 0)
		goto done;
	for (i = 0; i < p->n && error >= 0; i++) {
		if (p->cur_of[i] && (error = page_update(p, i)) <= 0)
			continue;
		if ((error = page_flush(p)) == 0)
			error = write_item(p->s, &p->items[i], p->fs,
				p->declared);
	}
	if (error >= 0)
		error = page_flush(p);
done:
	page_changes_dispose(p);
	p->nout = 0;
	page_read_dispose(p);
	return error;
}

/* The items of entity commit writes one by one, a page at a time. */
static int write_items(commit_state *s, const char *entity,
	const ferry_fieldset *fs, const ferry_fieldset *declared)
{
	commit_page *p;
	char *after = NULL;
	size_t i;
	int error;

	if ((p = ferry__calloc(1, sizeof(*p))) == NULL)
		return nomem(s->db);
	p->s = s;
	p->entity = entity;
	p->fs = fs;
	p->declared = declared;
	while ((error = ferry_store__import_next(s->db, s->id, entity,
	    FERRY_IMPORT_WRITES, after, p->items, COMMIT_PAGE, &p->n)) == 0 &&
	    p->n > 0) {
		if ((error = page_write(p)) < 0 ||
		    (error = remember(s->db, &after,
		    p->items[p->n - 1].sys_id)) < 0)
			break;
		progress(s, p->n);
	}
	for (i = 0; i < COMMIT_PAGE; i++)
		ferry_import_item_dispose(&p->items[i]);
	ferry__free(p);
	ferry__free(after);
	return error;
}

static int delete_item(commit_state *s, const ferry_import_item *it,
	const ferry_fieldset *fs)
{
	ferry_write_opts o;
	int error;

	write_opts(s, it, it->policy, &o);
	if ((error = ferry__record_write(s->db, it->entity, fs,
	    it->target_id ? it->target_id : it->sys_id, FERRY_ACTION_DELETE,
	    NULL, NULL, &o, NULL)) < 0)
		return error;
	return ferry_store__import_outcome(s->db, s->id, it->item, "deleted",
		NULL);
}

/* The entities an import writes records of, in commit order. */
typedef struct {
	ferry_db *db;
	char **names;
	size_t n;
} entity_order;

static int order_add(const char *entity, void *payload)
{
	entity_order *e = payload;
	char **nn;

	if (ferry__import_is_catalog(entity))
		return 0;
	if ((nn = ferry__realloc(e->names, (e->n + 1) * sizeof(*nn))) == NULL)
		return nomem(e->db);
	e->names = nn;
	if ((nn[e->n] = ferry__strdup(entity)) == NULL)
		return nomem(e->db);
	e->n++;
	return 0;
}

static void order_dispose(entity_order *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		ferry__free(e->names[i]);
	ferry__free(e->names);
}

/* Does entity a have a reference to b (b != a)? */
static int refers_to(ferry_db *db, const char *a, const char *b)
{
	ferry_fieldset fs = { NULL, 0 };
	size_t i;
	int found = 0, error;

	if (!strcmp(a, b) || ferry__is_system_entity(a))
		return 0;
	if ((error = ferry_store__entity_exists(db, a)) <= 0)
		return error;
	if ((error = ferry__fields(db, a, &fs)) < 0)
		return error;
	for (i = 0; i < fs.n && !found; i++)
		found = fs.fields[i].type.base == FERRY_T_REF &&
			!strcmp(fs.fields[i].type.ref, b);
	ferry_fieldset_dispose(&fs);
	return found;
}

/*
 * Referenced entities before the entities that reference them (a cycle
 * is broken in name order: the store has no foreign keys, and every
 * reference was checked by the plan); associated objects last.
 */
static int order_entities(entity_order *e)
{
	size_t placed, i, j;
	int error;

	for (placed = 0; placed < e->n; placed++) {
		size_t pick = e->n, users = 0;

		for (i = placed; i < e->n; i++)
			users += !ferry__is_system_entity(e->names[i]);
		for (i = placed; i < e->n && pick == e->n; i++) {
			int blocked = 0;

			if (ferry__is_system_entity(e->names[i]) && users)
				continue;
			for (j = placed; j < e->n && !blocked; j++) {
				if (j == i ||
				    ferry__is_system_entity(e->names[j]))
					continue;
				if ((error = refers_to(e->db, e->names[i],
				    e->names[j])) < 0)
					return error;
				blocked = error;
			}
			if (!blocked)
				pick = i;
		}
		/* A cycle: the first user entity left. */
		for (i = placed; i < e->n && pick == e->n; i++)
			if (!ferry__is_system_entity(e->names[i]))
				pick = i;
		if (pick == e->n)
			pick = placed;
		if (pick != placed) {
			char *t = e->names[pick];

			memmove(e->names + placed + 1, e->names + placed,
				(pick - placed) * sizeof(*e->names));
			e->names[placed] = t;
		}
	}
	return 0;
}

/* The fields whose values may not be in their target's stored form:
 * declared with another type, or missing from the target. */
static int fields_to_check(ferry_db *db, const ferry_fieldset *fs,
	const ferry_fieldset *declared, ferry_fieldset *check)
{
	size_t i;
	int k;

	for (i = 0; i < declared->n; i++) {
		ferry_field f = declared->fields[i];

		k = ferry_fieldset_find(fs, f.name);
		if (k >= 0 && ferry__import_covers(&fs->fields[k].type,
		    &f.type))
			continue;
		if (k >= 0)
			f = fs->fields[k];
		else
			f.type_text[0] = '\0';
		f.display = f.description = f.default_value = NULL;
		if (ferry_fieldset_add(check, &f) < 0)
			return ferry__error(db, FERRY_ENOMEM, "out of memory");
	}
	return 0;
}

/* The set-wise path is on unless a test turns it off (imports.h). */
static int fast_path = 1;

void ferry__import_set_fast_path(int on)
{
	fast_path = on;
}

/* 1 if every field of fs is declared by the package. */
static int all_declared(const ferry_fieldset *fs,
	const ferry_fieldset *declared)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (ferry_fieldset_find(declared, fs->fields[i].name) < 0)
			return 0;
	return 1;
}

static int commit_entity_records(commit_state *s, const char *entity,
	int what, unsigned acts)
{
	ferry_fieldset fs = { NULL, 0 }, declared = { NULL, 0 },
		check = { NULL, 0 };
	ferry_import_item it;
	ferry_import_write w;
	char now[FERRY_ISO_LEN], *after = NULL;
	int64_t n = 0;
	int error, exists;

	memset(&it, 0, sizeof(it));
	if ((exists = ferry_store__entity_exists(s->db, entity)) < 0)
		return exists;
	/* No table: the plan skips every item of an entity that is missing
	 * (or refuses the commit). */
	if (!exists && !ferry__is_system_entity(entity))
		return 0;
	if ((error = ferry__fields(s->db, entity, &fs)) < 0 ||
	    (error = ferry__import_fields(s->db, s->id, FERRY_SCOPE_PACKAGE,
	    entity, &declared)) < 0)
		goto done;
	if (what == FERRY_IMPORT_WRITES && fast_path &&
	    !ferry__is_system_entity(entity)) {
		ferry__now_iso(s->db, now);
		w.import_id = s->id;
		w.application = s->application;
		w.user = s->db->user;
		w.at = now;
		if ((error = fields_to_check(s->db, &fs, &declared,
		    &check)) < 0 ||
		    (error = ferry_store__import_fast(s->db, &w, entity, &fs,
		    &check, all_declared(&fs, &declared) ? acts :
		    acts & ~FERRY_FAST_UPDATES, &n)) < 0)
			goto done;
		progress(s, (uint64_t)n);
	}
	if (what == FERRY_IMPORT_WRITES)
		error = write_items(s, entity, &fs, &declared);
	else {
		while ((error = next_item(s, entity, what, after,
		    &it)) == 0) {
			if ((error = delete_item(s, &it, &fs)) < 0 ||
			    (error = remember(s->db, &after, it.sys_id)) < 0)
				break;
			if (++n % 1000 == 0)
				progress(s, 1000);
		}
		if (error == FERRY_ENOTFOUND)	/* past the last delete */
			error = 0;
	}
	/* Written: when the commit inserts records, their staged values go
	 * now, and the store may give their space to the next entity's
	 * new rows (store_ops.h).  A commit without inserts rewrites rows
	 * where they are, and import_unstage drops the staging whole at
	 * the end for less work: 1.1 s of a populated 1M commit,
	 * docs/performance.md. */
	if (error == 0 && what == FERRY_IMPORT_WRITES &&
	    (acts & FERRY_FAST_INSERTS))
		error = ferry_store__import_unstage_written(s->db, s->id,
			entity);
done:
	ferry__free(after);
	ferry_import_item_dispose(&it);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(&declared);
	ferry_fieldset_dispose(&check);
	return error;
}

static int commit_records(commit_state *s)
{
	entity_order e;
	int64_t inserts = 0, updates = 0, deletes = 0;
	unsigned acts;
	size_t i;
	int error;

	memset(&e, 0, sizeof(e));
	e.db = s->db;
	if ((error = ferry_store__import_entities(s->db, s->id, order_add,
	    &e)) < 0 || (error = order_entities(&e)) < 0 ||
	    (error = ferry_store__import_act_count(s->db, s->id, "insert",
	    &inserts)) < 0 ||
	    (error = ferry_store__import_act_count(s->db, s->id, "update",
	    &updates)) < 0 ||
	    (error = ferry_store__import_act_count(s->db, s->id, "delete",
	    &deletes)) < 0)
		goto done;
	acts = (inserts > 0 ? FERRY_FAST_INSERTS : 0) |
		(updates > 0 ? FERRY_FAST_UPDATES : 0);
	for (i = 0; i < e.n && !error; i++)
		error = commit_entity_records(s, e.names[i],
			FERRY_IMPORT_WRITES, acts);
	/* Deletes last, referencing entities first. */
	for (i = e.n; i > 0 && deletes && !error; i--)
		error = commit_entity_records(s, e.names[i - 1],
			FERRY_IMPORT_DELETES, 0);
done:
	order_dispose(&e);
	return error;
}

/* ---- formulas and data sets ---------------------------------------------- */

static int commit_definitions(commit_state *s)
{
	ferry_import_item it;
	ferry_str outcome = FERRY_STR_INIT;
	int64_t after = 0;
	int error;

	memset(&it, 0, sizeof(it));
	while ((error = ferry_store__import_next_definition(s->db, s->id,
	    after, &it)) == 0) {
		after = it.item;
		if (!strcmp(it.act, "skip"))
			continue;
		ferry_str_clear(&outcome);
		if ((error = ferry__definition_commit(s->db, it.body,
		    it.body_len, s->id, &outcome)) < 0)
			break;
		if (ferry_str_failed(&outcome)) {
			error = nomem(s->db);
			break;
		}
		if ((error = ferry_store__import_outcome(s->db, s->id, it.item,
		    "inserted", outcome.ptr)) < 0)
			break;
	}
	if (error == FERRY_ENOTFOUND)
		error = 0;
	ferry_str_dispose(&outcome);
	ferry_import_item_dispose(&it);
	return error;
}

/* ---- delete by query ------------------------------------------------------ */

/* Before any record is written, as ServiceNow runs them: a set that
 * replaces derived records deletes the old ones, then writes the new. */
static int commit_query(const ferry_import_item *staged, void *payload)
{
	commit_state *s = payload;
	ferry_import_item it;
	ferry_write_opts o;
	int error;

	memset(&it, 0, sizeof(it));
	if ((error = ferry__import_item_find(s->db, s->id, staged->item,
	    &it)) < 0)
		return error;
	if (it.act && !strcmp(it.act, "delete")) {
		write_opts(s, &it, NULL, &o);
		o.vendor = -1;
		error = ferry__query_commit(s->db, s->id, &it, &o);
	}
	ferry_import_item_dispose(&it);
	return error;
}

/* ---- commit -------------------------------------------------------------- */

static int apply(ferry_db *db, const ferry_import_row *imp)
{
	commit_state s;
	int error;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.id = imp->id;
	s.application = !strcmp(imp->mode, "application");
	s.total = (uint64_t)imp->items;
	if ((error = ferry_store__import_acts(db, imp->id,
	    &ferry__resolved_acts)) < 0 ||
	    (error = commit_schema(&s)) < 0 ||
	    (error = ferry_store__import_items_each(db, imp->id,
	    "delete_query", NULL, commit_query, &s)) < 0 ||
	    (error = commit_records(&s)) < 0 ||
	    (error = commit_definitions(&s)) < 0)
		goto done;
	ferry__progress(db, "committing", s.total, s.total);
done:
	ferry_str_dispose(&s.err);
	return error;
}

static int refuse_unresolved(ferry_db *db, int64_t id, int64_t unresolved)
{
	return ferry__error(db, FERRY_EUNRESOLVED, "import %lld has %lld "
		"item(s) with unresolved problems; see 'ferry import preview "
		"%lld', then answer them with 'ferry import resolve %lld "
		"accept|skip ITEM...' (or --all)", (long long)id,
		(long long)unresolved, (long long)id, (long long)id);
}

/*
 * The plan a commit acts on, inside the caller's transaction: the kept
 * one while current (a commit straight after load acts on the load's
 * plan), else a new one; the count of items with unresolved errors.
 */
static int replan(ferry_db *db, const ferry_import_row *imp,
	int64_t *unresolved)
{
	int error;

	if ((error = ferry__import_keep_plan(db, imp, 0)) < 0)
		return error;
	return ferry_store__import_unresolved(db, imp->id, unresolved, NULL,
		NULL);
}

static int bulk_import_commit(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_commit_options *opts)
{
	ferry_commit_options defaults = FERRY_COMMIT_OPTIONS_INIT;
	ferry_import_row imp;
	ferry_str backup = FERRY_STR_INIT, doc = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t unresolved = 0, before = 0, after = 0;
	int error;

	if (!opts)
		opts = &defaults;
	/* 1. A fresh plan against the target as it is now, kept. */
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "commit imports")) == 0 &&
	    (error = ferry__import_find(db, id, "loaded,previewed", "commit",
	    &imp)) == 0 &&
	    (error = replan(db, &imp, &unresolved)) == 0)
		error = ferry_store__data_version(db, &before);
	if ((error = ferry_store__end(db, error)) < 0)
		return error;
	if (unresolved > 0)
		return refuse_unresolved(db, id, unresolved);
	/* 2. The backup, outside any transaction. */
	if (!opts->no_backup && (error = ferry__backup(db, &backup)) < 0)
		goto out;
	/* 3. One transaction; planned again if another writer changed the
	 * instance meanwhile. */
	if ((error = ferry_store__begin(db)) < 0)
		goto out;
	if ((error = ferry__import_find(db, id, "previewed", "commit",
	    &imp)) < 0 ||
	    (error = ferry_store__data_version(db, &after)) < 0)
		goto done;
	if (after != before) {
		if ((error = replan(db, &imp, &unresolved)) < 0)
			goto done;
		if (unresolved > 0) {
			if ((error = ferry_store__end(db, 0)) == 0)
				error = refuse_unresolved(db, id, unresolved);
			goto out;
		}
	}
	ferry__now_iso(db, now);
	if ((error = apply(db, &imp)) < 0 ||
	    (error = ferry_store__import_set_state(db, id, "committed",
	    db->user, now, backup.size ? backup.ptr : NULL)) < 0 ||
	    (error = ferry__import_doc_commit(db, id, &doc)) < 0 ||
	    (error = ferry_store__import_unstage(db, id)) < 0)
		goto done;
	error = ferry__buf_take(db, out, &doc);
done:
	error = ferry_store__end(db, error);
out:
	ferry_str_dispose(&backup);
	ferry_str_dispose(&doc);
	return error;
}

/* A bulk step (store_ops.h, "bulk"). */
int ferry_import_commit(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_commit_options *opts)
{
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__bulk_begin(db, FERRY_BULK_WIDE)) == 0)
		error = ferry__bulk_end(db,
			bulk_import_commit(out, db, id, opts));
	return error;
}
