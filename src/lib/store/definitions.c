/*
 * definitions.c - the store's side of formulas and data sets.
 */
#include "sq.h"

int ferry_store__definition_version_exists(ferry_db *db, const char *kind,
	const char *name, int version)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT 1 FROM ferry_definition d "
	    "JOIN ferry_definition_version v ON v.definition_id = d.id WHERE "
	    "d.kind = ?1 AND d.name = ?2 AND v.version = ?3", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, version);
	rc = sqlite3_step(st);
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(db, rc, "reading "
		"definitions");
}

int ferry_store__definition_items(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	rc = sqlite3_prepare_v2(db->store->conn, "SELECT json_object('t', "
		"d.kind, 'name', d.name, 'version', v.version, 'status', "
		"v.status, 'start_date', v.start_date, 'signature', "
		"v.signature, 'outputs', v.outputs, 'body', v.body, 'parent', "
		"v.parent, 'master', v.master) FROM ferry_pack_definition p "
		"JOIN ferry_definition d ON d.kind = p.kind AND d.name = "
		"p.name JOIN ferry_definition_version v ON v.definition_id = "
		"d.id AND v.version = p.version WHERE p.pack_id = ?1 ORDER BY "
		"p.kind, p.name", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "export");
	sqlite3_bind_int64(st, 1, pack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = cb((const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), payload)) != 0)
			break;
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "export");
	return error;
}
