/*
 * export.c - the store's side of pack export: the pack's items in file
 * order, with their versions, streamed row by row so memory does not
 * grow with the pack.
 */
#include "sq.h"

#include <string.h>

int ferry_sqlite__export_rows(ferry_db *db, int64_t pack_id,
	ferry_export_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	/* Not cached: it runs for the whole export.  The items in file
	 * order, each with one lookup of its version; the base's hash and
	 * the old values are the item's, and the base's payload is read
	 * only for an update captured before items kept old values.  The
	 * out-of-date check walks ferry_version_record in the same order. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT i.entity, i.sys_id, "
		"v.rkey, CASE WHEN v.action = 'delete' THEN 'delete' WHEN "
		"i.base IS NULL THEN 'insert' ELSE 'update' END, v.hash, "
		"i.base, v.policy, v.vendor, " VERSION_PAYLOAD("v") ", CASE "
		"WHEN v.action = 'update' AND i.base IS NOT NULL THEN i.old "
		"END, CASE WHEN v.action = 'update' AND i.base IS NOT NULL AND "
		"i.old IS NULL THEN (SELECT " VERSION_PAYLOAD("b") " FROM "
		"ferry_version b WHERE b.id = i.base_id) END, EXISTS (SELECT 1 "
		"FROM ferry_version n WHERE "
		"n.entity = i.entity AND n.sys_id = i.sys_id AND n.id > "
		"i.version_id) FROM ferry_pack_item i JOIN ferry_version v ON "
		"v.id = i.version_id WHERE i.pack_id = ?1 ORDER BY i.entity, "
		"i.sys_id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "export");
	sqlite3_bind_int64(st, 1, pack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_export_row r;

		r.entity = (const char *)sqlite3_column_text(st, 0);
		r.sys_id = (const char *)sqlite3_column_text(st, 1);
		r.rkey = (const char *)sqlite3_column_text(st, 2);
		r.action = (const char *)sqlite3_column_text(st, 3);
		r.version = (const char *)sqlite3_column_text(st, 4);
		r.base = (const char *)sqlite3_column_text(st, 5);
		r.policy = (const char *)sqlite3_column_text(st, 6);
		r.vendor = sqlite3_column_int(st, 7);
		r.payload = (const char *)sqlite3_column_text(st, 8);
		r.payload_len = (size_t)sqlite3_column_bytes(st, 8);
		r.old = (const char *)sqlite3_column_text(st, 9);
		r.old_len = (size_t)sqlite3_column_bytes(st, 9);
		r.base_payload = (const char *)sqlite3_column_text(st, 10);
		r.base_payload_len = (size_t)sqlite3_column_bytes(st, 10);
		r.out_of_date = sqlite3_column_int(st, 11);
		if ((error = cb(&r, payload)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "export");
	return error;
}

int ferry_sqlite__pack_entities(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *entity, void *payload), void *payload)
{
	return ferry_sq__each_text(db, "SELECT DISTINCT i.entity FROM "
		"ferry_pack_item i WHERE i.pack_id = ?1 ORDER BY 1", pack_id,
		cb, payload, "export");
}
