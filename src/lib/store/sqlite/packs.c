/*
 * packs.c - the store's side of local packs: packs, their captured items
 * and the pack documents.
 */
#include "sq.h"

#include <string.h>

#define PACK_COLUMNS "id, uid, name, state, is_default, " \
	"coalesce(completed_at, ''), description, coalesce(exported_at, '')"

/* The effective action of an item over the whole pack: an insert when the
 * record did not exist before the pack's first capture. */
#define ITEM_ACTION "CASE WHEN v.action = 'delete' THEN 'delete' " \
	"WHEN i.base_id IS NULL OR b.action = 'delete' THEN 'insert' " \
	"ELSE 'update' END"

/* An item is out of date when the record has a later version. */
#define ITEM_OUT_OF_DATE "EXISTS (SELECT 1 FROM ferry_version n WHERE " \
	"n.entity = i.entity AND n.sys_id = i.sys_id AND n.id > i.version_id)"

static int pack_row(ferry_db *db, sqlite3_stmt *st, ferry_pack_row *out)
{
	int rc = sqlite3_step(st), bad_state = 0;

	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		ferry_sq__copy(out->uid, sizeof(out->uid), st, 1);
		ferry_sq__copy(out->name, sizeof(out->name), st, 2);
		bad_state = ferry_pack_state_parse(&out->state,
			(const char *)sqlite3_column_text(st, 3)) < 0;
		out->is_default = sqlite3_column_int(st, 4);
		ferry_sq__copy(out->completed_at, sizeof(out->completed_at),
			st, 5);
		ferry_sq__copy(out->exported_at, sizeof(out->exported_at),
			st, 7);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	if (rc == SQLITE_ROW && bad_state)
		return ferry__error(db, FERRY_EFORMAT, "the instance is "
			"damaged: pack %lld has an unknown state",
			(long long)out->id);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading packs");
}

int ferry_sqlite__pack_description(ferry_db *db, int64_t id, ferry_str *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT coalesce(description, '') "
	    "FROM ferry_pack WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ferry_str_put(out, (const char *)sqlite3_column_text(st, 0),
			(size_t)sqlite3_column_bytes(st, 0));
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading packs");
	return ferry_str_failed(out) ? ferry__oom(db) : 0;
}

int ferry_sqlite__pack_get(ferry_db *db, const char *name, ferry_pack_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT " PACK_COLUMNS " FROM "
	    "ferry_pack WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	return pack_row(db, st, out);
}

int ferry_sqlite__pack_get_id(ferry_db *db, int64_t id, ferry_pack_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT " PACK_COLUMNS " FROM "
	    "ferry_pack WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return pack_row(db, st, out);
}

int ferry_sqlite__pack_insert(ferry_db *db, const char *uid, const char *name,
	const char *description, int is_default, const char *by,
	const char *at, int64_t *id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_pack (uid, name, "
	    "description, state, is_default, created_by, created_at) VALUES "
	    "(?1, ?2, coalesce(?3, ''), 'in_progress', ?4, ?5, ?6)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 3, description);
	sqlite3_bind_int(st, 4, is_default);
	sqlite3_bind_text(st, 5, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, at, -1, SQLITE_TRANSIENT);
	if ((error = ferry_sq__done(db, st, "creating a pack")) < 0)
		return error;
	*id = sqlite3_last_insert_rowid(SQ(db)->conn);
	return 0;
}

int ferry_sqlite__pack_set_state(ferry_db *db, int64_t id,
	ferry_pack_state state,
	const char *completed_at)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_pack SET state = ?2, "
	    "completed_at = ?3 WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ferry_pack_state_name(state), -1,
		SQLITE_STATIC);
	ferry_sq__bind_text(st, 3, completed_at);
	return ferry_sq__done(db, st, "changing a pack");
}

int ferry_sqlite__pack_switch_users(ferry_db *db, int64_t from, int64_t to)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_user SET "
	    "current_pack = ?2 WHERE current_pack = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	return ferry_sq__done(db, st, "switching users' packs");
}

int ferry_sqlite__pack_default_id(ferry_db *db, int64_t *id)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT id FROM ferry_pack WHERE "
	    "is_default", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return ferry__error(db, FERRY_EFORMAT, "the instance has no "
			"Default pack; it is damaged");
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading packs");
}

int ferry_sqlite__pack_capture(ferry_db *db, int64_t pack_id,
	const char *entity, const char *sys_id, int64_t version_id,
	int64_t base_id)
{
	sqlite3_stmt *st;
	int error;

	/* The base's hash and the old values are kept for export; a
	 * later capture keeps the base and writes the old values anew. */
	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_pack_item "
	    "(pack_id, entity, sys_id, version_id, base_id, base, old) SELECT "
	    "?1, ?2, ?3, v.id, nullif(?5, 0), b.hash, CASE WHEN v.action = "
	    "'update' THEN ferry_old_values(" VERSION_PAYLOAD("b") ", "
	    VERSION_PAYLOAD("v") ") END FROM "
	    "ferry_version v LEFT JOIN ferry_version b ON b.id = ?5 AND "
	    "b.action <> 'delete' WHERE v.id = ?4 ON CONFLICT (pack_id, "
	    "entity, sys_id) DO UPDATE SET version_id = excluded.version_id, "
	    "old = (SELECT CASE WHEN v.action = 'update' THEN "
	    "ferry_old_values(" VERSION_PAYLOAD("b") ", " VERSION_PAYLOAD("v")
	    ") END FROM ferry_version v "
	    "LEFT JOIN ferry_version b ON b.id = ferry_pack_item.base_id AND "
	    "b.action <> 'delete' WHERE v.id = excluded.version_id)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, sys_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, version_id);
	sqlite3_bind_int64(st, 5, base_id);
	return ferry_sq__done(db, st, "capturing a version");
}

int ferry_sq__capture_new(ferry_db *db, int64_t pack_id, const char *entity,
	const char *sys_id, int64_t version_id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_pack_item "
	    "(pack_id, entity, sys_id, version_id) VALUES (?1, ?2, ?3, ?4)",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sys_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, version_id);
	return ferry_sq__done(db, st, "capturing a version");
}

int ferry_sqlite__pack_each(ferry_db *db, int64_t id, ferry_pack_cb cb,
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc, found = 0;

	/* The counts cost a pass over the items: only listings need them. */
	if (id)
		error = ferry_sq__prepare(db, "SELECT id, name, state, "
		    "is_default, description, created_by, created_at, "
		    "completed_at, exported_at, 0, 0, 0 FROM ferry_pack WHERE "
		    "id = ?1", &st);
	else
		error = ferry_sq__prepare(db, "SELECT p.id, p.name, p.state, "
		    "p.is_default, p.description, p.created_by, p.created_at, "
		    "p.completed_at, p.exported_at, (SELECT count(*) FROM "
		    "ferry_pack_item i WHERE i.pack_id = p.id), (SELECT "
		    "count(*) FROM ferry_pack_definition d WHERE d.pack_id = "
		    "p.id), (SELECT count(*) FROM ferry_pack_item i WHERE "
		    "i.pack_id = p.id AND " ITEM_OUT_OF_DATE ") FROM "
		    "ferry_pack p ORDER BY p.id", &st);
	if (error < 0)
		return error;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_pack_entry p;

		found = 1;
		p.id = sqlite3_column_int64(st, 0);
		p.name = ferry_sq__str(st, 1);
		p.state = ferry_sq__str(st, 2);
		p.is_default = sqlite3_column_int(st, 3);
		p.description = ferry_sq__str(st, 4);
		p.created_by = ferry_sq__str(st, 5);
		p.created_at = ferry_sq__str(st, 6);
		p.completed_at = ferry_sq__str(st, 7);
		p.exported_at = ferry_sq__str(st, 8);
		p.records = sqlite3_column_int64(st, 9);
		p.definitions = sqlite3_column_int64(st, 10);
		p.out_of_date = sqlite3_column_int64(st, 11);
		if ((error = cb(&p, payload)) != 0)
			break;
	}
	error = ferry_sq__rows_end(db, st, rc, error, "reading packs");
	return error == 0 && id && !found ? FERRY_ENOTFOUND : error;
}

int ferry_sqlite__pack_items_each(ferry_db *db, int64_t pack_id,
	ferry_pack_item_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT i.entity, i.sys_id, "
	    "v.rkey, " ITEM_ACTION ", v.hash, " ITEM_OUT_OF_DATE " FROM "
	    "ferry_pack_item i JOIN ferry_version v ON v.id = i.version_id "
	    "LEFT JOIN ferry_version b ON b.id = i.base_id WHERE i.pack_id = "
	    "?1 ORDER BY i.entity, i.sys_id", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_pack_item_entry it;

		it.entity = ferry_sq__str(st, 0);
		it.sys_id = ferry_sq__str(st, 1);
		it.rkey = ferry_sq__str(st, 2);
		it.action = ferry_sq__str(st, 3);
		it.version = ferry_sq__str(st, 4);
		it.out_of_date = sqlite3_column_int(st, 5);
		if ((error = cb(&it, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading a pack");
}

int ferry_sqlite__pack_definitions_each(ferry_db *db, int64_t pack_id,
	ferry_pack_definition_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT kind, name, version FROM "
	    "ferry_pack_definition WHERE pack_id = ?1 ORDER BY kind, name",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = cb(ferry_sq__str(st, 0), ferry_sq__str(st, 1),
		    sqlite3_column_int(st, 2), payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading a pack");
}

int ferry_sqlite__pack_add_definition(ferry_db *db, int64_t pack_id,
	const char *kind, const char *name, int version)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_pack_definition "
	    "(pack_id, kind, name, version) VALUES (?1, ?2, ?3, ?4) ON "
	    "CONFLICT (pack_id, kind, name) DO UPDATE SET version = "
	    "excluded.version", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, version);
	return ferry_sq__done(db, st, "adding to a pack");
}

int ferry_sqlite__pack_rename(ferry_db *db, int64_t id, const char *name)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_pack SET name = ?2 "
	    "WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "renaming a pack");
}

int ferry_sqlite__pack_exported(ferry_db *db, int64_t id, const char *at,
	int *recorded)
{
	sqlite3_stmt *st;
	int error, rc;

	*recorded = 0;
	if ((error = ferry_sq__prepare(db, "UPDATE ferry_pack SET exported_at "
	    "= coalesce(exported_at, ?2) WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	ferry_sq__reset(st);
	switch (rc & 0xff) {
	case SQLITE_DONE:
		*recorded = 1;
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
		return 0;
	default:
		return ferry_sq__error(db, rc, "marking a pack exported");
	}
}

int ferry_sqlite__pack_count(ferry_db *db, int64_t id, int64_t *n)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT (SELECT count(*) FROM "
	    "ferry_pack_item WHERE pack_id = ?1) + (SELECT count(*) FROM "
	    "ferry_pack_definition WHERE pack_id = ?1)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "counting "
		"pack items");
}

int ferry_sqlite__pack_delete(ferry_db *db, int64_t id, int64_t to)
{
	static const char *const steps[] = {
		"UPDATE ferry_user SET current_pack = ?2 WHERE current_pack "
		"= ?1",
		"UPDATE ferry_version SET pack_id = NULL WHERE pack_id = ?1",
		"DELETE FROM ferry_pack_item WHERE pack_id = ?1",
		"DELETE FROM ferry_pack_frozen WHERE pack_id = ?1",
		"DELETE FROM ferry_pack_definition WHERE pack_id = ?1",
		"DELETE FROM ferry_pack WHERE id = ?1 AND ?2 IS NOT NULL",
		NULL
	};
	sqlite3_stmt *st;
	size_t i;
	int error = 0;

	for (i = 0; steps[i] && error == 0; i++) {
		if ((error = ferry_sq__prepare(db, steps[i], &st)) < 0)
			break;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, to);
		error = ferry_sq__done(db, st, "deleting a pack");
	}
	return error;
}

int ferry_sqlite__pack_remove(ferry_db *db, int64_t id, const char *kind,
	const char *entity, const char *key, int *removed)
{
	char found_entity[128], found_id[64];
	sqlite3_stmt *st;
	int error, rc;

	*removed = 0;
	if (kind) {
		if ((error = ferry_sq__prepare(db, "DELETE FROM "
		    "ferry_pack_definition WHERE pack_id = ?1 AND kind = ?2 "
		    "AND name = ?3", &st)) < 0)
			return error;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
		if ((error = ferry_sq__done(db, st, "removing an item")) == 0)
			*removed = sqlite3_changes(SQ(db)->conn);
		return error;
	}
	/* Find first: an ambiguous name removes nothing. */
	if ((error = ferry_sq__prepare(db, "SELECT i.entity, i.sys_id FROM "
	    "ferry_pack_item i JOIN ferry_version v ON v.id = i.version_id "
	    "WHERE i.pack_id = ?1 AND (?2 IS NULL OR i.entity = ?2) AND "
	    "(i.sys_id = ?3 OR v.rkey = ?3) LIMIT 2", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	ferry_sq__bind_text(st, 2, entity);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (++*removed == 1) {
			ferry_sq__copy(found_entity, sizeof(found_entity), st,
				0);
			ferry_sq__copy(found_id, sizeof(found_id), st, 1);
		}
	ferry_sq__reset(st);
	if (rc != SQLITE_DONE)
		return ferry_sq__error(db, rc, "finding an item");
	if (*removed != 1)
		return 0;
	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_pack_item WHERE "
	    "pack_id = ?1 AND entity = ?2 AND sys_id = ?3", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, found_entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, found_id, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "removing an item");
}
