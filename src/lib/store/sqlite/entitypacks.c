/*
 * entitypacks.c - the store's side of entity packs: the associated
 * objects of an entity (form templates, event handlers, process flows,
 * each a system entity keyed by entity and name), finding one by that
 * key, and whether a field was ever deleted in this instance.
 *
 * Object tables reach SQL only through ferry_sq__ident(); callers pass
 * the names of the system entities, never user input.
 */
#include "sq.h"

#include <string.h>

int ferry_sqlite__objects_each(ferry_db *db, const char *table,
	const char *entity, ferry_object_cb cb, void *payload)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st = NULL;
	int error = 0, rc;

	ferry_str_puts(&sql, "SELECT sys_id, name, definition, sys_policy "
		"FROM ");
	ferry_sq__ident(&sql, table);
	/* BINARY collation: byte order, the same in every instance. */
	ferry_str_puts(&sql, " WHERE entity = ?1 ORDER BY name");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	/* Not cached: the callback may run other statements. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, sql.ptr, -1, &st, NULL);
	ferry_str_dispose(&sql);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "listing associated objects");
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_object_row row;

		row.sys_id = (const char *)sqlite3_column_text(st, 0);
		row.name = (const char *)sqlite3_column_text(st, 1);
		row.definition = (const char *)sqlite3_column_text(st, 2);
		row.policy = (const char *)sqlite3_column_text(st, 3);
		if (!row.name)
			row.name = "";
		if ((error = cb(&row, payload)) != 0)
			break;
	}
	if (!error && rc != SQLITE_ROW && rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "listing associated objects");
	sqlite3_finalize(st);
	return error;
}

int ferry_sqlite__object_find(ferry_db *db, const char *table,
	const char *entity, const char *name, ferry_record_meta *out)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error, rc;

	ferry_str_puts(&sql, "SELECT sys_id, sys_policy, sys_vendor, "
		"sys_version FROM ");
	ferry_sq__ident(&sql, table);
	ferry_str_puts(&sql, " WHERE entity = ?1 AND name = ?2");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	error = ferry_sq__prepare(db, sql.ptr, &st);
	ferry_str_dispose(&sql);
	if (error < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		ferry_sq__copy(out->sys_id, sizeof(out->sys_id), st, 0);
		ferry_sq__copy(out->policy, sizeof(out->policy), st, 1);
		out->vendor = sqlite3_column_int(st, 2);
		ferry_sq__copy(out->version, sizeof(out->version), st, 3);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 :
		ferry_sq__error(db, rc, "finding an associated object");
}

int ferry_sqlite__field_deleted(ferry_db *db, const char *rkey)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT 1 FROM ferry_version "
	    "WHERE entity = 'sys_field' AND rkey = ?1 AND action = 'delete' "
	    "LIMIT 1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, rkey, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "reading field history");
}
