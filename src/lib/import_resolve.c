/*
 * import_resolve.c - importing a package, the answers: resolve (accept,
 * accept whole, skip or clear an item's problems, or every item's) and
 * merge (a hand-made patch for one item), checked against the problems'
 * kinds (import_problems.c) and, for a patch, the target's fields and
 * the item's conflicts (import_diff.c).  A resolution makes the kept
 * plan stale: commit plans again (docs/import.md, "Resolve").
 */
#include "imports.h"

#include "jsonw.h"

#include <string.h>

/* Refuse a resolution an item's problems do not allow, saying what
 * does. */
static int check_allowed(ferry_db *db, int64_t id,
	const ferry_import_item *it, unsigned want, const char *word)
{
	ferry_str kind = FERRY_STR_INIT, advice = FERRY_STR_INIT,
		kinds = FERRY_STR_INIT;
	int error;

	if (want == FERRY_RESOLVE_MERGE && !(ferry__import_item_allows(it->t,
	    it->entity, it->action, it->decision) & FERRY_RESOLVE_MERGE))
		return ferry__error(db, FERRY_EINVALID, "item %lld is %s: only "
			"the inserts and updates of records take a patch; "
			"accept or skip it", (long long)it->item,
			strcmp(it->t, "record") ? "not a record" :
			!strcmp(it->action, "delete") ? "a delete" :
			"a catalog change (merged by the schema rules)");
	ferry__problem_kinds_without(&kinds, want);
	if (ferry_str_failed(&kinds))
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	error = ferry_store__import_problem_of(db, id, it->item, ferry_str_cstr(&kinds),
		&kind);
	if (error == 0) {
		ferry__problem_advice(&advice, kind.ptr, id, it->item,
			ferry__import_item_allows(it->t, it->entity,
			it->action, it->decision));
		error = ferry__error(db, FERRY_ECONFLICT, "item %lld cannot be "
			"%s: it has a %s problem%s", (long long)it->item, word,
			kind.ptr, ferry_str_cstr(&advice));
	} else if (error == FERRY_ENOTFOUND) {
		error = 0;
	}
	ferry_str_dispose(&kind);
	ferry_str_dispose(&advice);
	ferry_str_dispose(&kinds);
	return error;
}

static int resolve_one(ferry_db *db, int64_t id, int64_t item,
	const char *resolution, int whole, const char *now)
{
	ferry_import_item it;
	int error;

	memset(&it, 0, sizeof(it));
	if ((error = ferry__import_item_find(db, id, item, &it)) < 0)
		goto done;
	if (!strcmp(resolution, "clear")) {
		error = ferry_store__import_resolution_clear(db, id, item);
		goto done;
	}
	if (!strcmp(resolution, "accept") && (error = check_allowed(db, id,
	    &it, FERRY_RESOLVE_ACCEPT, whole ? "accepted whole" :
	    "accepted")) < 0)
		goto done;
	error = ferry_store__import_resolution_set(db, id, item, resolution,
		NULL, whole, db->user, now);
done:
	ferry_import_item_dispose(&it);
	return error;
}

/*
 * Does resolving with this change what the plan found?  Planning reads
 * an item's skip (its record is not written, so a reference to it
 * breaks), its merge (the patched values) and an accept of the whole
 * record (a merge then writes every field, not only those the package
 * changed), never a plain accept: that changes only the item's act,
 * which commit settles in any case (ferry_store__import_acts).  So a
 * plain accept keeps the plan current unless it may replace one of the
 * others, and a commit after `resolve accept --all` does not plan the
 * whole import again (docs/performance.md).  Asked before resolving.
 */
static int changes_plan(ferry_db *db, int64_t id, const char *resolution,
	int whole, int *out)
{
	int64_t planned = 0;
	int error;

	*out = 1;
	if (strcmp(resolution, "accept") != 0 || whole)
		return 0;
	if ((error = ferry_store__import_resolutions_planned(db, id,
	    &planned)) < 0)
		return error;
	*out = planned > 0;
	return 0;
}

/* One item number more in a JSON array. */
static int put_item(int64_t item, void *payload)
{
	ferry_json_int(payload, NULL, item);
	return 0;
}

int ferry__import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n,
	int64_t *resolved_out)
{
	ferry_import_row imp;
	ferry_str doc = FERRY_STR_INIT, left_items = FERRY_STR_INIT,
		unresolved_items = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t resolved = 0, left = 0, unresolved = 0;
	int whole = 0, replan = 1, error;
	size_t i;

	if (resolution && !strcmp(resolution, "accept_whole")) {
		whole = 1;
		resolution = "accept";
	}
	if (!resolution || (strcmp(resolution, "accept") != 0 &&
	    strcmp(resolution, "skip") != 0 &&
	    strcmp(resolution, "clear") != 0))
		return ferry__error(db, FERRY_EINVALID, "resolve with accept "
			"(the package wins), accept_whole (the package's whole "
			"record), skip (keep the target's) or clear (back to "
			"unresolved); merge takes a patch");
	if (n && !items)
		return ferry__error(db, FERRY_EMISUSE, "no items given");
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "resolve imports")) < 0 ||
	    (error = ferry__import_find(db, id, "previewed", "resolve",
	    &imp)) < 0 ||
	    (error = changes_plan(db, id, resolution, whole, &replan)) < 0)
		goto done;
	ferry__now_iso(db, now);
	ferry_json_open(&left_items, NULL, '[');
	ferry_json_open(&unresolved_items, NULL, '[');
	if (n == 0) {
		error = ferry_store__import_resolve_all(db, id, resolution,
			whole, strcmp(resolution, "accept") ? NULL :
			FERRY_IMPORT_NOT_ACCEPTABLE, db->user, now, &resolved,
			&left, put_item, &left_items);
	} else {
		/* All or nothing: the first refusal rolls back. */
		for (i = 0; i < n && !error; i++)
			error = resolve_one(db, id, items[i], resolution,
				whole, now);
		resolved = (int64_t)n;
	}
	/* A skip may change what other items find (a reference to a
	 * skipped record), a merge what its item writes: commit plans
	 * again. */
	if (error < 0 || (replan &&
	    (error = ferry_store__import_mark_plan(db, id, 0)) < 0) ||
	    (error = ferry_store__import_unresolved(db, id, &unresolved,
	    put_item, &unresolved_items)) < 0)
		goto done;
	ferry_json_close(&left_items, ']');
	ferry_json_close(&unresolved_items, ']');
	ferry_json_open(&doc, NULL, '{');
	ferry_json_int(&doc, "id", id);
	ferry_json_str(&doc, "resolution", whole ? "accept_whole" :
		resolution);
	ferry_json_int(&doc, "resolved", resolved);
	ferry_json_int(&doc, "left", left);
	ferry_json_raw(&doc, "left_items", left_items.ptr, left_items.size);
	ferry_json_int(&doc, "unresolved", unresolved);
	ferry_json_raw(&doc, "unresolved_items", unresolved_items.ptr,
		unresolved_items.size);
	ferry_json_close(&doc, '}');
	if (ferry_str_failed(&left_items) ||
	    ferry_str_failed(&unresolved_items))
		doc.failed = 1;
	if ((error = ferry__buf_take(db, out, &doc)) == 0)
		*resolved_out = resolved;
done:
	ferry_str_dispose(&doc);
	ferry_str_dispose(&left_items);
	ferry_str_dispose(&unresolved_items);
	return ferry_store__end(db, error);
}

int ferry_import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n)
{
	int64_t resolved;

	FERRY_CHECK_DB(db);
	return ferry__import_resolve(out, db, id, resolution, items, n,
		&resolved);
}

/* Check one hand-merged value against the target field. */
static int merge_value(ferry_db *db, int64_t id, const ferry_field *f,
	json_t *val, const char *entity)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_value v = { FERRY_V_NULL, 0, NULL, 0 };
	int error = 0;

	if (ferry_type__convert(&v, f, val, &err) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "%s.%s: %s; nothing "
			"changed", entity, f->name, ferry_str_cstr(&err));
		goto done;
	}
	if (f->type.base == FERRY_T_REF && v.kind == FERRY_V_TEXT) {
		int table = ferry_store__entity_exists(db, f->type.ref);

		if (table < 0 || (error = ferry_store__import_ref_exists(db,
		    id, f->type.ref, v.s, table)) < 0) {
			error = table < 0 ? table : error;
			goto done;
		}
		if (error == 0)
			error = ferry__error(db, FERRY_ENOTFOUND, "%s.%s "
				"refers to %s record %s, which is neither in "
				"the target nor written by the import", entity,
				f->name, f->type.ref, v.s);
		else
			error = 0;
	}
done:
	ferry_value_dispose(&v);
	ferry_str_dispose(&err);
	return error;
}

/* Every conflicting field must be decided by the patch. */
static int check_conflicts_patched(ferry_db *db, const ferry_import_item *it,
	json_t *patch)
{
	ferry_import_decided d;
	ferry_str missing = FERRY_STR_INIT;
	size_t i;
	int error;

	/* Without base values the patch goes over the target's record. */
	if ((error = ferry__import_decide_item(db, it, &d)) < 0)
		return error;
	for (i = 0; i < d.n && d.has_base && d.has_target; i++)
		if (d.fields[i].merge == FERRY_MERGE3_CONFLICT &&
		    !json_object_get(patch, d.fields[i].name))
			ferry_str_printf(&missing, "%s%s", missing.size ?
				", " : "", d.fields[i].name);
	if (missing.size)
		error = ferry__error(db, FERRY_EINVALID, "the patch must decide "
			"every field that conflicts; it leaves out %s (see "
			"'ferry import diff ID %lld'); nothing changed",
			missing.ptr, (long long)it->item);
	ferry_str_dispose(&missing);
	ferry__import_decided_dispose(&d);
	return error;
}

int ferry_import_merge(ferry_db *db, int64_t id, int64_t item,
	const char *json)
{
	ferry_import_row imp;
	ferry_import_item it;
	ferry_fieldset fs = { NULL, 0 };
	ferry_str merged = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	json_t *obj = NULL, *val;
	const char *key;
	int error, i;

	FERRY_CHECK_DB(db);
	memset(&it, 0, sizeof(it));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "resolve imports")) < 0 ||
	    (error = ferry__import_find(db, id, "previewed", "resolve",
	    &imp)) < 0 ||
	    (error = ferry__import_item_find(db, id, item, &it)) < 0 ||
	    (error = check_allowed(db, id, &it, FERRY_RESOLVE_MERGE,
	    "merged")) < 0 ||
	    (error = ferry__import_fields(db, id, FERRY_SCOPE_TARGET,
	    it.entity, &fs)) < 0)
		goto done;
	if (!json || (obj = json_loads(json, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL || !json_is_object(obj)) {
		error = ferry__error(db, FERRY_EINVALID, "the patch is not a "
			"JSON object of field values (e.g. '{\"name\":\"Ann\"}'); "
			"nothing changed");
		goto done;
	}
	if (json_object_size(obj) == 0) {
		error = ferry__error(db, FERRY_EINVALID, "the patch names no "
			"field; name the fields you decide, or accept or skip "
			"the item");
		goto done;
	}
	json_object_foreach(obj, key, val) {
		if (!strcmp(key, "sys_id")) {
			error = ferry__error(db, FERRY_EINVALID, "the patch "
				"names sys_id, which is the record's identity; "
				"leave it out");
			goto done;
		}
		if ((i = ferry_fieldset_find(&fs, key)) < 0) {
			error = ferry__error(db, FERRY_ENOTFOUND, "%s has no "
				"field '%s' in the target (with the package's "
				"schema changes); see 'ferry entity show %s'; "
				"nothing changed", it.entity, key, it.entity);
			goto done;
		}
		if ((error = merge_value(db, id, &fs.fields[i], val,
		    it.entity)) < 0)
			goto done;
	}
	if ((error = check_conflicts_patched(db, &it, obj)) < 0)
		goto done;
	ferry_str_init(&merged, FERRY_TEXT_MAX);
	ferry_json__canonical(&merged, obj);
	if (ferry_str_failed(&merged)) {
		error = ferry__error(db, FERRY_ENOMEM, "the patch is too "
			"large");
		goto done;
	}
	ferry__now_iso(db, now);
	if ((error = ferry_store__import_resolution_set(db, id, item, "merge",
	    merged.ptr, 0, db->user, now)) == 0)
		error = ferry_store__import_mark_plan(db, id, 0);
done:
	json_decref(obj);
	ferry_str_dispose(&merged);
	ferry_fieldset_dispose(&fs);
	ferry_import_item_dispose(&it);
	return ferry_store__end(db, error);
}
