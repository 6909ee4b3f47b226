/*
 * export.c - the store's side of pack export: the pack's items in file
 * order, with their versions, streamed row by row so memory does not
 * grow with the pack; and a completed pack's finished lines, kept at
 * `pack complete` and scanned by its export instead.
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

/* ---- a frozen pack's lines ---------------------------------------------- */

int ferry_sqlite__pack_freeze_add(ferry_db *db, int64_t pack_id,
	const ferry_frozen_line *lines, size_t n)
{
	sqlite3_stmt *st;
	size_t i;
	int error = 0;

	/* Added in file order, one transaction: their rowids are one range
	 * (a rowid table's new rowids only grow). */
	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_pack_frozen "
	    "(pack_id, entity, sys_id, out_of_date, line) VALUES (?1, ?2, "
	    "?3, ?4, ?5)", &st)) < 0)
		return error;
	for (i = 0; i < n && error == 0; i++) {
		sqlite3_bind_int64(st, 1, pack_id);
		sqlite3_bind_text(st, 2, lines[i].entity, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, lines[i].sys_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, lines[i].out_of_date);
		sqlite3_bind_text(st, 5, lines[i].line, (int)lines[i].len,
			SQLITE_STATIC);
		error = ferry_sq__done(db, st, "completing a pack");
	}
	return error;
}

int ferry_sqlite__pack_freeze_end(ferry_db *db, int64_t pack_id,
	unsigned format)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_pack SET frozen_mark "
	    "= (SELECT coalesce(max(id), 0) FROM ferry_version), "
	    "frozen_format = ?2 WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_int(st, 2, (int)format);
	return ferry_sq__done(db, st, "completing a pack");
}

int ferry_sqlite__pack_thaw(ferry_db *db, int64_t pack_id)
{
	static const char *const steps[] = {
		"DELETE FROM ferry_pack_frozen WHERE pack_id = ?1",
		"UPDATE ferry_pack SET frozen_mark = NULL, frozen_format = "
		"NULL WHERE id = ?1",
	};
	sqlite3_stmt *st;
	size_t i;
	int error = 0;

	for (i = 0; i < 2 && error == 0; i++)
		if ((error = ferry_sq__prepare(db, steps[i], &st)) == 0) {
			sqlite3_bind_int64(st, 1, pack_id);
			error = ferry_sq__done(db, st, "reopening a pack");
		}
	return error;
}

/* Where a frozen pack's lines are: its mark, their range of rowids, and
 * whether versions were written since; FERRY_ENOTFOUND when the pack
 * has no lines in that format. */
typedef struct {
	int64_t mark, first, last;
	int changed;
} frozen_range;

static int find_frozen(ferry_db *db, int64_t pack_id, unsigned format,
	frozen_range *fr)
{
	sqlite3_stmt *st;
	int error, rc, found = 0;

	memset(fr, 0, sizeof(*fr));
	if ((error = ferry_sq__prepare(db, "SELECT p.frozen_mark, (SELECT "
	    "min(id) FROM ferry_pack_frozen WHERE pack_id = ?1), (SELECT "
	    "max(id) FROM ferry_pack_frozen WHERE pack_id = ?1), (SELECT "
	    "max(id) FROM ferry_version) > p.frozen_mark FROM ferry_pack p "
	    "WHERE p.id = ?1 AND p.frozen_format = ?2", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_int(st, 2, (int)format);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = 1;
		fr->mark = sqlite3_column_int64(st, 0);
		/* No record items: an empty range. */
		fr->first = sqlite3_column_int64(st, 1);
		fr->last = sqlite3_column_type(st, 2) == SQLITE_NULL ?
			fr->first - 1 : sqlite3_column_int64(st, 2);
		fr->changed = sqlite3_column_int(st, 3);
	}
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ferry_sq__error(db, rc, "export");
	return found ? 0 : FERRY_ENOTFOUND;
}

int ferry_sqlite__export_frozen(ferry_db *db, int64_t pack_id,
	unsigned format, ferry_frozen_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	frozen_range fr;
	int rc, error;

	if ((error = find_frozen(db, pack_id, format, &fr)) < 0)
		return error;
	/* One range of rowids (the `+` keeps SQLite from walking the
	 * pack_id index instead).  An item is out of date if it was when
	 * frozen, or, only when the instance has versions after the mark,
	 * if its record has one.  Not cached: it runs for the whole
	 * export. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, fr.changed ? "SELECT entity, "
		"sys_id, out_of_date OR EXISTS (SELECT 1 FROM ferry_version n "
		"WHERE n.entity = f.entity AND n.sys_id = f.sys_id AND n.id > "
		"?4), line FROM ferry_pack_frozen f WHERE f.id BETWEEN ?2 AND "
		"?3 AND +f.pack_id = ?1 ORDER BY f.id" : "SELECT entity, "
		"sys_id, out_of_date, line FROM ferry_pack_frozen f WHERE f.id "
		"BETWEEN ?2 AND ?3 AND +f.pack_id = ?1 ORDER BY f.id", -1, &st,
		NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "export");
	sqlite3_bind_int64(st, 1, pack_id);
	sqlite3_bind_int64(st, 2, fr.first);
	sqlite3_bind_int64(st, 3, fr.last);
	if (fr.changed)
		sqlite3_bind_int64(st, 4, fr.mark);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_frozen_line l;

		l.seq = 0;
		l.entity = (const char *)sqlite3_column_text(st, 0);
		l.sys_id = (const char *)sqlite3_column_text(st, 1);
		l.out_of_date = sqlite3_column_int(st, 2);
		l.line = (const char *)sqlite3_column_text(st, 3);
		l.len = (size_t)sqlite3_column_bytes(st, 3);
		if ((error = cb(&l, payload)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "export");
	return error;
}
