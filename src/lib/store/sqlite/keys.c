/*
 * keys.c - the store's signing keys (public halves) and trust list.
 */
#include "sq.h"

static int key_row(ferry_db *db, sqlite3_stmt *st, ferry_key_row *out,
	const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		ferry_sq__copy(out->name, sizeof(out->name), st, 0);
		ferry_sq__copy(out->public_key, sizeof(out->public_key), st, 1);
		ferry_sq__copy(out->fingerprint, sizeof(out->fingerprint), st,
			2);
		ferry_sq__copy(out->by, sizeof(out->by), st, 3);
		ferry_sq__copy(out->at, sizeof(out->at), st, 4);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, what);
}

int ferry_sqlite__key_current(ferry_db *db, ferry_key_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT '', public_key, "
	    "fingerprint, created_by, created_at FROM ferry_key WHERE "
	    "replaced_at IS NULL ORDER BY id DESC LIMIT 1", &st)) < 0)
		return error;
	return key_row(db, st, out, "reading the signing key");
}

int ferry_sqlite__key_replace(ferry_db *db, const char *public_key,
	const char *fingerprint, const char *by, const char *now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_key SET "
	    "replaced_at = ?1 WHERE replaced_at IS NULL", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	if ((error = ferry_sq__done(db, st, "replacing the signing key")) < 0)
		return error;
	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_key "
	    "(public_key, fingerprint, created_by, created_at) VALUES "
	    "(?1, ?2, ?3, ?4)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, public_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "recording the signing key");
}

int ferry_sqlite__trust_by_name(ferry_db *db, const char *name,
	ferry_key_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT name, public_key, "
	    "fingerprint, added_by, added_at FROM ferry_trust WHERE name = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	return key_row(db, st, out, "reading the trust list");
}

int ferry_sqlite__trust_by_key(ferry_db *db, const char *public_key,
	ferry_key_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT name, public_key, "
	    "fingerprint, added_by, added_at FROM ferry_trust WHERE "
	    "public_key = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, public_key, -1, SQLITE_TRANSIENT);
	return key_row(db, st, out, "reading the trust list");
}

int ferry_sqlite__trust_insert(ferry_db *db, const ferry_key_row *row)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_trust (name, "
	    "public_key, fingerprint, added_by, added_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, row->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, row->public_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, row->fingerprint, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, row->by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, row->at, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "adding a trusted key");
}

int ferry_sqlite__trust_delete(ferry_db *db, const char *name)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_trust WHERE "
	    "name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "removing a trusted key");
}

int ferry_sqlite__trust_each(ferry_db *db, ferry_trust_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT name, public_key, "
	    "fingerprint, added_by, added_at FROM ferry_trust ORDER BY name",
	    &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_trust_entry t;

		t.name = ferry_sq__str(st, 0);
		t.public_key = ferry_sq__str(st, 1);
		t.fingerprint = ferry_sq__str(st, 2);
		t.added_by = ferry_sq__str(st, 3);
		t.added_at = ferry_sq__str(st, 4);
		if ((error = cb(&t, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading the trust list");
}
