/*
 * definitions.c - the store's side of formulas and data sets: the
 * definitions (kind, unique name), their numbered versions, the pack
 * references to a version, and the item lines export writes for them.
 *
 * A version's signature (a formula's inputs, a data set's columns) and
 * a formula's output steps are stored as canonical JSON text built by
 * formula.c, so "identical signature" is a text comparison here and in
 * the import rules.
 */
#include "sq.h"

#include <string.h>

/* The columns a version row is read with, in ferry_definition_row order. */
#define VERSION_COLUMNS \
	"v.version, v.status, v.start_date, v.signature, v.outputs, " \
	"v.body, v.parent, v.master, v.created_by"

static void column_str(ferry_str *out, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	ferry_str_clear(out);
	if (t)
		ferry_str_put(out, (const char *)t,
			(size_t)sqlite3_column_bytes(st, col));
}

int ferry_sqlite__definition_find(ferry_db *db, const char *kind,
	const char *name, int64_t *id)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT id FROM ferry_definition "
	    "WHERE kind = ?1 AND name = ?2", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return ferry_sq__error(db, rc, "reading definitions");
}

int ferry_sqlite__definition_same(ferry_db *db, const char *kind,
	const char *name, const char *signature, const char *outputs,
	const char *body, const char *start, ferry_str *found, int *version)
{
	sqlite3_stmt *st;
	int error, rc;

	/* The name itself, or a name an import renamed it to
	 * ("<name>_<date>", "<name>_<date>_2", ...). */
	if ((error = ferry_sq__prepare(db, "SELECT d.name, v.version FROM "
	    "ferry_definition d JOIN ferry_definition_version v ON "
	    "v.definition_id = d.id WHERE d.kind = ?1 AND (d.name = ?2 OR "
	    "(d.name > ?2 || '_' AND d.name < ?2 || '`')) AND v.import_id IS "
	    "NOT NULL AND v.signature = ?3 AND v.outputs = ?4 AND v.body = "
	    "?5 AND v.start_date >= ?6 ORDER BY d.name = ?2 DESC, "
	    "d.name, v.version DESC LIMIT 1", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	ferry_sq__bind_text(st, 3, signature);
	ferry_sq__bind_text(st, 4, outputs);
	ferry_sq__bind_text(st, 5, body);
	ferry_sq__bind_text(st, 6, start);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ferry_str_clear(found);
		ferry_str_puts(found, (const char *)sqlite3_column_text(st, 0));
		*version = sqlite3_column_int(st, 1);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return ferry_sq__error(db, rc, "reading definitions");
}

int ferry_sqlite__definition_insert(ferry_db *db, const char *kind,
	const char *name, const char *at, int64_t *id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_definition "
	    "(kind, name, created_at) VALUES (?1, ?2, ?3)", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	ferry_sq__bind_text(st, 3, at);
	if ((error = ferry_sq__done(db, st, "creating a definition")) < 0)
		return error;
	*id = sqlite3_last_insert_rowid(SQ(db)->conn);
	return 0;
}

int ferry_sqlite__definition_remove(ferry_db *db, int64_t id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_definition "
	    "WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_sq__done(db, st, "deleting a definition");
}

int ferry_sqlite__definition_version_get(ferry_db *db, int64_t id,
	int version, ferry_definition_row *row)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT " VERSION_COLUMNS " FROM "
	    "ferry_definition_version v WHERE v.definition_id = ?1 AND "
	    "(?2 = 0 OR v.version = ?2) ORDER BY v.version DESC LIMIT 1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row->version = sqlite3_column_int(st, 0);
		ferry_sq__copy(row->status, sizeof(row->status), st, 1);
		ferry_sq__copy(row->start_date, sizeof(row->start_date), st,
			2);
		column_str(&row->signature, st, 3);
		column_str(&row->outputs, st, 4);
		column_str(&row->body, st, 5);
		column_str(&row->parent, st, 6);
		column_str(&row->master, st, 7);
		ferry_sq__copy(row->created_by, sizeof(row->created_by), st,
			8);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW) {
		if (ferry_str_failed(&row->signature) ||
		    ferry_str_failed(&row->outputs) ||
		    ferry_str_failed(&row->body) ||
		    ferry_str_failed(&row->parent) ||
		    ferry_str_failed(&row->master))
			return ferry__oom(db);
		return 0;
	}
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return ferry_sq__error(db, rc, "reading definitions");
}

int ferry_sqlite__definition_version_with(ferry_db *db, int64_t id,
	const char *status, int *version)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT max(version) FROM "
	    "ferry_definition_version WHERE definition_id = ?1 AND "
	    "status = ?2", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	ferry_sq__bind_text(st, 2, status);
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading definitions");
	return 0;
}

int ferry_sqlite__definition_version_insert(ferry_db *db, int64_t id,
	const ferry_definition_row *row, const char *by, const char *at,
	int64_t import_id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO "
	    "ferry_definition_version (definition_id, version, status, "
	    "start_date, signature, outputs, body, parent, master, "
	    "created_by, created_at, import_id) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, row->version);
	ferry_sq__bind_text(st, 3, row->status);
	ferry_sq__bind_text(st, 4, row->start_date);
	ferry_sq__bind_text(st, 5, ferry_str_cstr(&row->signature));
	ferry_sq__bind_text(st, 6, row->outputs.size ?
		ferry_str_cstr(&row->outputs) : "[]");
	ferry_sq__bind_text(st, 7, ferry_str_cstr(&row->body));
	ferry_sq__bind_text(st, 8, row->parent.size ?
		ferry_str_cstr(&row->parent) : NULL);
	ferry_sq__bind_text(st, 9, row->master.size ?
		ferry_str_cstr(&row->master) : NULL);
	ferry_sq__bind_text(st, 10, by);
	ferry_sq__bind_text(st, 11, at);
	if (import_id > 0)
		sqlite3_bind_int64(st, 12, import_id);
	else
		sqlite3_bind_null(st, 12);
	return ferry_sq__done(db, st, "writing a definition version");
}

int ferry_sqlite__definition_version_set_status(ferry_db *db, int64_t id,
	int version, const char *status)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_definition_version "
	    "SET status = ?3 WHERE definition_id = ?1 AND version = ?2",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	ferry_sq__bind_text(st, 3, status);
	return ferry_sq__done(db, st, "changing a version's status");
}

int ferry_sqlite__definition_version_delete(ferry_db *db, int64_t id,
	int version, int *left)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "DELETE FROM "
	    "ferry_definition_version WHERE definition_id = ?1 AND "
	    "version = ?2", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, version);
	if ((error = ferry_sq__done(db, st, "deleting a version")) < 0)
		return error;
	if ((error = ferry_sq__prepare(db, "SELECT count(*) FROM "
	    "ferry_definition_version WHERE definition_id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*left = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading definitions");
	return 0;
}

int ferry_sqlite__definition_completed_pack(ferry_db *db, const char *kind,
	const char *name, int version, ferry_str *pack)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT p.name FROM "
	    "ferry_pack_definition d JOIN ferry_pack p ON p.id = d.pack_id "
	    "WHERE d.kind = ?1 AND d.name = ?2 AND d.version = ?3 AND "
	    "p.state = 'completed' ORDER BY p.name LIMIT 1", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, version);
	return ferry_sq__text(db, st, pack);
}

int ferry_sqlite__definition_unpack(ferry_db *db, const char *kind,
	const char *name, int version)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_pack_definition "
	    "WHERE kind = ?1 AND name = ?2 AND version = ?3", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, version);
	return ferry_sq__done(db, st, "removing a version from packs");
}

int ferry_sqlite__definition_each(ferry_db *db, const char *kind,
	int64_t id, ferry_definition_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT d.id, d.kind, d.name, "
	    "d.created_at, (SELECT count(*) FROM ferry_definition_version v "
	    "WHERE v.definition_id = d.id), (SELECT max(version) FROM "
	    "ferry_definition_version v WHERE v.definition_id = d.id), "
	    "(SELECT max(version) FROM ferry_definition_version v WHERE "
	    "v.definition_id = d.id AND v.status = 'active'), (SELECT "
	    "max(version) FROM ferry_definition_version v WHERE "
	    "v.definition_id = d.id AND v.status = 'draft') FROM "
	    "ferry_definition d WHERE d.kind = ?1 AND (?2 = 0 OR d.id = ?2) "
	    "ORDER BY d.name", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	sqlite3_bind_int64(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_definition_entry d;

		d.id = sqlite3_column_int64(st, 0);
		d.kind = ferry_sq__str(st, 1);
		d.name = ferry_sq__str(st, 2);
		d.created_at = ferry_sq__str(st, 3);
		d.versions = sqlite3_column_int64(st, 4);
		d.latest = sqlite3_column_int(st, 5);
		d.active = sqlite3_column_int(st, 6);
		d.draft = sqlite3_column_int(st, 7);
		if ((error = cb(&d, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading definitions");
}

int ferry_sqlite__definition_versions_each(ferry_db *db, int64_t id,
	ferry_definition_version_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT version, status, "
	    "start_date, signature, outputs, body, parent, master, "
	    "created_by, created_at, import_id FROM ferry_definition_version "
	    "WHERE definition_id = ?1 ORDER BY version", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_definition_version_entry v;

		v.version = sqlite3_column_int(st, 0);
		v.status = ferry_sq__str(st, 1);
		v.start_date = ferry_sq__str(st, 2);
		v.signature = ferry_sq__str(st, 3);
		v.outputs = ferry_sq__str(st, 4);
		v.body = ferry_sq__str(st, 5);
		v.parent = ferry_sq__str(st, 6);
		v.master = ferry_sq__str(st, 7);
		v.created_by = ferry_sq__str(st, 8);
		v.created_at = ferry_sq__str(st, 9);
		v.import_id = sqlite3_column_int64(st, 10);
		if ((error = cb(&v, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading definitions");
}

int ferry_sqlite__definition_version_exists(ferry_db *db, const char *kind,
	const char *name, int version)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT 1 FROM ferry_definition d "
	    "JOIN ferry_definition_version v ON v.definition_id = d.id WHERE "
	    "d.kind = ?1 AND d.name = ?2 AND v.version = ?3", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, kind);
	ferry_sq__bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, version);
	rc = sqlite3_step(st);
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(db, rc, "reading "
		"definitions");
}

/*
 * The item line of a packed version (docs/formulas.md, "Items"): a
 * formula carries inputs and outputs, a data set columns.  Key order is
 * fixed, so the same content always gives the same bytes.
 */
int ferry_sqlite__definition_items(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload), void *payload)
{
	return ferry_sq__each_line(db, "SELECT CASE d.kind WHEN "
		"'formula' THEN json_object('t', d.kind, 'name', d.name, "
		"'version', v.version, 'status', v.status, 'start_date', "
		"v.start_date, 'inputs', json(v.signature), 'outputs', "
		"json(v.outputs), 'body', v.body, 'parent', v.parent, "
		"'master', v.master) ELSE json_object('t', d.kind, 'name', "
		"d.name, 'version', v.version, 'status', v.status, "
		"'start_date', v.start_date, 'columns', json(v.signature), "
		"'body', v.body, 'parent', v.parent, 'master', v.master) END "
		"FROM ferry_pack_definition p JOIN ferry_definition d ON "
		"d.kind = p.kind AND d.name = p.name JOIN "
		"ferry_definition_version v ON v.definition_id = d.id AND "
		"v.version = p.version WHERE p.pack_id = ?1 ORDER BY p.kind, "
		"p.name",
		pack_id, cb, payload, "export");
}
