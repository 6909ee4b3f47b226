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

#include <string.h>

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
} backout_state;

/* The fields of entity, read once for a run of its records. */
static int fields_of(backout_state *s, const char *entity,
	const ferry_fieldset **fs)
{
	int error;

	if (!s->fs_entity || strcmp(s->fs_entity, entity) != 0) {
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

/* Put the parent version's content back (t->parent is a live version). */
static int restore_content(backout_state *s, const ferry_import_touched *t,
	const ferry_fieldset *fs, const ferry_write_opts *o, int exists)
{
	ferry_value *values = NULL;
	ferry_write_opts back;
	int *set = NULL, error;
	json_t *obj = NULL;
	size_t i;

	values = ferry__calloc(fs->n ? fs->n : 1, sizeof(*values));
	set = ferry__calloc(fs->n ? fs->n : 1, sizeof(*set));
	if (!values || !set) {
		error = ferry__error(s->db, FERRY_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = ferry__import_parse(s->db, t->parent_payload.ptr,
	    &obj)) < 0)
		goto done;
	/* Every field of today is written; fields dropped since are left
	 * out, as ferry record restore does. */
	for (i = 0; i < fs->n; i++) {
		json_t *val = json_object_get(obj, fs->fields[i].name);
		ferry_str err = FERRY_STR_INIT;

		set[i] = 1;
		if (ferry_type__convert(&values[i], &fs->fields[i],
		    val ? val : json_null(), &err) < 0) {
			error = ferry__error(s->db, FERRY_EINVALID, "%s record "
				"%s: its old value of %s no longer fits the "
				"field: %s", t->entity, t->sys_id,
				fs->fields[i].name, ferry_str_cstr(&err));
			ferry_str_dispose(&err);
			goto done;
		}
		ferry_str_dispose(&err);
	}
	/* The very same content is the very same version: the record goes
	 * back to its old version id (written so at once, where adopting
	 * it after the write cost two more updates a record). */
	back = *o;
	back.same_payload = t->parent_payload.ptr;
	back.same_version = t->parent_hash;
	error = ferry__record_write(s->db, t->entity, fs, t->sys_id,
		exists ? FERRY_ACTION_UPDATE : FERRY_ACTION_INSERT, values, set,
		&back, NULL);
done:
	json_decref(obj);
	if (values)
		ferry_values_dispose(values, fs->n);
	ferry__free(set);
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
	if ((exists = ferry_store__record_exists(s->db, t->entity,
	    t->sys_id)) < 0)
		return exists;
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
	ferry_import_touched t;
	ferry_import_row imp;
	backout_state s;
	ferry_str doc = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t after = 0;
	int error;

	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	s.db = db;
	s.id = id;
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "back out imports")) < 0 ||
	    (error = ferry__import_find(db, id, "committed", "back out",
	    &imp)) < 0)
		goto done;
	while ((error = ferry_store__import_touched_next(db, id, after,
	    &t)) == 0) {
		after = t.id;
		if ((error = restore_one(&s, &t)) < 0)
			break;
		if (s.restored % 1000 == 0)
			ferry__progress(db, "backing out", (uint64_t)s.restored,
				(uint64_t)imp.items);
	}
	if (error == FERRY_ENOTFOUND)
		error = 0;
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
	ferry_import_touched_dispose(&t);
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
	if ((error = ferry__bulk_begin(db)) == 0)
		error = ferry__bulk_end(db, bulk_import_backout(out, db, id));
	return error;
}
