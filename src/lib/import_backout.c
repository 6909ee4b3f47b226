/*
 * import_backout.c - importing a package, part four: back out a
 * committed import.
 *
 * Back out restores every record the import wrote to the version it had
 * before the import: records the import inserted are deleted, records it
 * deleted come back, records it updated or merged get their old content,
 * policy and vendor flag back.  Each restore is a new version, source
 * "restore", marked with the import's id.  A record that changed after
 * the import is not overwritten: it is reported as a problem.  Catalog
 * changes stay (columns are never dropped), and so do formula and data
 * set versions, which are drafts the user can delete.
 */
#include "imports.h"

#include "alloc.h"
#include "canonical.h"

#include <string.h>

/* Versions read a store call: one round trip a thousand records on a
 * server, and a few hundred KB of parent payloads. */
#define BACKOUT_BATCH 1000

typedef struct {
	ferry_db *db;
	int64_t id;
	int64_t restored;
	ferry_str msg;
	ferry_str deleted;	/* "entity\tsys_id\n" of records deleted */
	char *fs_entity;	/* whose fields fs holds (NULL: none yet) */
	ferry_fieldset fs;	/* the fields of fs_entity: an import's
				 * versions come entity by entity, and a
				 * back out changes no field */
	/* restores of fs_entity's records waiting to be written together
	 * (their strings live in the batch of versions being handled) */
	ferry_record_change *pending;		/* BACKOUT_BATCH */
	ferry_value **pending_values;		/* BACKOUT_BATCH */
	size_t npending;
} backout_state;

/* Write the waiting restores. */
static int flush(backout_state *s)
{
	ferry_write_opts o;
	size_t i;
	int error;

	memset(&o, 0, sizeof(o));
	o.source = "restore";
	o.import_id = s->id;
	o.allow_protected = 1;
	error = ferry__record_update_many(s->db, s->fs_entity, &s->fs,
		s->pending, s->npending, &o);
	for (i = 0; i < s->npending; i++)
		ferry_values_dispose(s->pending_values[i], s->fs.n);
	s->npending = 0;
	return error;
}

/* The fields of entity, read once for a run of its records. */
static int fields_of(backout_state *s, const char *entity,
	const ferry_fieldset **fs)
{
	int error;

	if (!s->fs_entity || strcmp(s->fs_entity, entity) != 0) {
		if (s->npending && (error = flush(s)) < 0)
			return error;
		ferry__free(s->fs_entity);
		ferry_fieldset_dispose(&s->fs);
		if ((s->fs_entity = ferry__strdup(entity)) == NULL)
			return ferry__oom(s->db);
		if ((error = ferry__fields(s->db, entity, &s->fs)) < 0) {
			ferry__free(s->fs_entity);
			s->fs_entity = NULL;
			return error;
		}
	}
	*fs = &s->fs;
	return 0;
}

static int note(backout_state *s, int64_t item, const char *kind,
	const char *severity)
{
	return ferry__problem_say(s->db, s->id, item, kind, severity,
		&s->msg);
}

/* The field of fs named by a payload's key, or -1: fields dropped
 * since the version was written are left out. */
static int field_of(const ferry_fieldset *fs, const ferry_canon_member *m)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (!strncmp(fs->fields[i].name, m->key, m->key_len) &&
		    fs->fields[i].name[m->key_len] == '\0')
			return (int)i;
	return -1;
}

/* The parent version's content as values of today's fields (values[]
 * has fs->n slots, zeroed). */
static int old_values(backout_state *s, const ferry_import_touched *t,
	const ferry_fieldset *fs, ferry_value *values)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_canon_iter it;
	ferry_canon_member m;
	int error = 0, more, i;

	/* Every field of today is written (a field the old payload lacks
	 * is null: values[] starts so); the payload is walked member by
	 * member, as a canonical object needs no general parser. */
	if (ferry_canon__begin(&it, t->parent_payload.ptr,
	    t->parent_payload.size) < 0)
		more = -1;
	else
		while ((more = ferry_canon__next(&it, &m)) > 0) {
			json_t *val;

			if ((i = field_of(fs, &m)) < 0)
				continue;
			if ((val = ferry_canon__json(m.value, m.value_len)) ==
			    NULL) {
				more = -1;
				break;
			}
			error = ferry_type__convert(&values[i], &fs->fields[i],
				val, &err);
			json_decref(val);
			if (error < 0) {
				error = ferry__error(s->db, FERRY_EINVALID,
					"%s record %s: its old value of %s no "
					"longer fits the field: %s", t->entity,
					t->sys_id, fs->fields[i].name,
					ferry_str_cstr(&err));
				break;
			}
		}
	ferry_str_dispose(&err);
	if (error == 0 && more < 0)
		error = ferry__payload_damaged(s->db, t->entity, t->sys_id);
	return error;
}

/*
 * Put the parent version's content back (t->parent is a live version).
 * The very same content is the very same version: the record goes back
 * to its old version id (written so at once, where adopting it after
 * the write cost two more updates a record).  A record that is there
 * waits to be written with the others of its entity; one the import
 * deleted is inserted again through the write path.
 */
static int restore_content(backout_state *s, const ferry_import_touched *t,
	const ferry_fieldset *fs, const ferry_write_opts *o, int exists)
{
	ferry_value *values;
	ferry_write_opts back;
	int *set = NULL, error;
	size_t i;

	if ((values = ferry__calloc(fs->n ? fs->n : 1, sizeof(*values))) ==
	    NULL)
		return ferry__oom(s->db);
	if ((error = old_values(s, t, fs, values)) < 0)
		goto fail;
	if (exists && o->own_policy) {
		ferry_record_change *c = &s->pending[s->npending];

		s->pending_values[s->npending++] = values;
		c->sys_id = t->sys_id;
		c->values = values;
		c->parent_id = t->id;
		c->parent_hash = t->hash;
		c->policy = o->policy;
		c->vendor = o->vendor;
		c->same_payload = t->parent_payload.ptr;
		c->same_version = t->parent_hash;
		return 0;
	}
	if ((set = ferry__calloc(fs->n ? fs->n : 1, sizeof(*set))) == NULL) {
		error = ferry__oom(s->db);
		goto fail;
	}
	for (i = 0; i < fs->n; i++)
		set[i] = 1;
	back = *o;
	back.same_payload = t->parent_payload.ptr;
	back.same_version = t->parent_hash;
	error = ferry__record_write(s->db, t->entity, fs, t->sys_id,
		exists ? FERRY_ACTION_UPDATE : FERRY_ACTION_INSERT, values, set,
		&back, NULL);
	ferry__free(set);
fail:
	ferry_values_dispose(values, fs->n);
	return error;
}

static int restore_one(backout_state *s, const ferry_import_touched *t)
{
	const ferry_fieldset *fs;
	ferry_write_opts o;
	int error, exists, was_there;

	ferry_str_clear(&s->msg);
	if (ferry__import_is_catalog(t->entity)) {
		ferry_str_printf(&s->msg, "%s %s stays: imports never drop "
			"entities or columns, nor shrink them", !strcmp(
			t->entity, "sys_entity") ? "entity" : "field",
			t->sys_id);
		return note(s, t->item, "not_backed_out", "info");
	}
	if (t->latest != t->id) {
		ferry_str_printf(&s->msg, "%s record %s changed after the "
			"import, so it was not restored; see 'ferry record "
			"history %s %s' and restore a version by hand if you "
			"want to", t->entity, t->sys_id, t->entity, t->sys_id);
		return note(s, t->item, "changed_since_import", "warning");
	}
	if ((error = fields_of(s, t->entity, &fs)) < 0)
		return error;
	/* The import's version is the record's newest, so the record is
	 * there unless that version deleted it (the write path checks it
	 * again and refuses a row that disagrees with its versions). */
	exists = strcmp(t->action, "delete") != 0;
	was_there = t->parent && strcmp(ferry_str_cstr(&t->parent_action),
		"delete") != 0;
	memset(&o, 0, sizeof(o));
	o.source = "restore";
	o.import_id = s->id;
	/* The version it goes back to holds a policy the store wrote. */
	o.own_policy = was_there && ferry_policy_parse(&o.policy,
		t->parent_policy) == 0;
	o.vendor = was_there ? t->parent_vendor : -1;
	o.capture = 0;
	o.allow_protected = 1;
	/* Writes through the write path keep their turn: the waiting
	 * restores go first. */
	if ((!exists || !o.own_policy) && s->npending &&
	    (error = flush(s)) < 0)
		return error;
	if (!was_there && exists) {
		error = ferry__record_write(s->db, t->entity, fs, t->sys_id,
			FERRY_ACTION_DELETE, NULL, NULL, &o, NULL);
		ferry_str_printf(&s->deleted, "%s\t%s\n", t->entity,
			t->sys_id);
	} else if (!was_there)
		error = 0;
	else
		error = restore_content(s, t, fs, &o, exists);
	if (error == 0)
		s->restored++;
	return error;
}

/*
 * A back out that deletes a record others now refer to would leave them
 * pointing at nothing (still_referenced): refused, naming a referrer, so
 * that the whole back out rolls back.  Checked once every record is
 * restored: a referrer the back out itself deletes does not count.
 */
static int check_referrers(backout_state *s)
{
	ferry_str who = FERRY_STR_INIT;
	char *line = s->deleted.ptr, *tab, *nl;
	int error = 0;

	while (line && *line && !error) {
		tab = strchr(line, '\t');
		nl = strchr(line, '\n');
		if (!tab || !nl)
			break;
		*tab = *nl = '\0';
		error = ferry_store__record_referrer(s->db, line, tab + 1,
			&who);
		if (error == 0)
			error = ferry__error(s->db, FERRY_ECONFLICT, "cannot "
				"back out import %lld: it inserted %s record "
				"%s, which is still referred to (by %s, for one: "
				"still_referenced); change or delete the "
				"referring records first; nothing was changed",
				(long long)s->id, line, tab + 1,
				ferry_str_cstr(&who));
		else if (error == FERRY_ENOTFOUND)
			error = 0;
		line = nl + 1;
	}
	ferry_str_dispose(&who);
	return error;
}

/* Formula and data set versions stay: they are drafts. */
static int note_definitions(backout_state *s)
{
	ferry_import_item it;
	int64_t after = 0;
	int error;

	memset(&it, 0, sizeof(it));
	while ((error = ferry_store__import_next_definition(s->db, s->id,
	    after, &it)) == 0) {
		after = it.item;
		if (!it.act || !strcmp(it.act, "skip"))
			continue;
		ferry_str_clear(&s->msg);
		ferry_str_printf(&s->msg, "%s %s was deployed as a draft "
			"version and stays; delete the draft with 'ferry %s "
			"delete' if you do not want it", it.t, it.rkey, it.t);
		if ((error = note(s, it.item, "not_backed_out", "info")) < 0)
			break;
	}
	ferry_import_item_dispose(&it);
	return error == FERRY_ENOTFOUND ? 0 : error;
}

static int bulk_import_backout(ferry_buf *out, ferry_db *db, int64_t id)
{
	ferry_import_touched *t = NULL;
	ferry_import_row imp;
	backout_state s;
	ferry_str doc = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t after = 0;
	size_t n = 0, i;
	int error;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.id = id;
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "back out imports")) < 0 ||
	    (error = ferry__import_find(db, id, "committed", "back out",
	    &imp)) < 0)
		goto done;
	t = ferry__calloc(BACKOUT_BATCH, sizeof(*t));
	s.pending = ferry__calloc(BACKOUT_BATCH, sizeof(*s.pending));
	s.pending_values = ferry__calloc(BACKOUT_BATCH,
		sizeof(*s.pending_values));
	if (!t || !s.pending || !s.pending_values) {
		error = ferry__oom(db);
		goto done;
	}
	while ((error = ferry_store__import_touched_batch(db, id, after, t,
	    BACKOUT_BATCH, &n)) == 0 && n > 0) {
		for (i = 0; i < n && error == 0; i++)
			error = restore_one(&s, &t[i]);
		if (error < 0 || (s.npending && (error = flush(&s)) < 0))
			break;
		after = t[n - 1].id;
		ferry__progress(db, "backing out", (uint64_t)s.restored,
			(uint64_t)imp.items);
	}
	/* The last report ends the progress line: every item is handled. */
	if (error == 0)
		ferry__progress(db, "backing out", (uint64_t)imp.items,
			(uint64_t)imp.items);
	if (error < 0 || (error = note_definitions(&s)) < 0 ||
	    (error = check_referrers(&s)) < 0)
		goto done;
	ferry__now_iso(db, now);
	if ((error = ferry_store__import_set_state(db, id, "backed_out",
	    db->user, now, NULL)) < 0 ||
	    (error = ferry__import_doc_backout(db, id, s.restored,
	    &doc)) < 0)
		goto done;
	error = ferry__buf_take(db, out, &doc);
done:
	for (i = 0; i < s.npending; i++)
		ferry_values_dispose(s.pending_values[i], s.fs.n);
	for (i = 0; t && i < BACKOUT_BATCH; i++)
		ferry_import_touched_dispose(&t[i]);
	ferry__free(t);
	ferry__free(s.pending);
	ferry__free(s.pending_values);
	ferry_str_dispose(&s.msg);
	ferry_str_dispose(&s.deleted);
	ferry__free(s.fs_entity);
	ferry_fieldset_dispose(&s.fs);
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}

/* A bulk step (store_ops.h, "bulk"). */
int ferry_import_backout(ferry_buf *out, ferry_db *db, int64_t id)
{
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__bulk_begin(db, FERRY_BULK_WIDE)) == 0)
		error = ferry__bulk_end(db, bulk_import_backout(out, db, id));
	return error;
}
