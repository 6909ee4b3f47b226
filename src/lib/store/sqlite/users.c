/*
 * users.c - the store's users and properties.
 */
#include "sq.h"

#include <string.h>

static int user_row(ferry_db *db, sqlite3_stmt *st, ferry_user_row *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		ferry_sq__copy(out->name, sizeof(out->name), st, 0);
		out->admin = sqlite3_column_int(st, 1);
		ferry_sq__copy(out->tz, sizeof(out->tz), st, 2);
		out->current_pack = sqlite3_column_int64(st, 3);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading users");
}

int ferry_sqlite__user_get(ferry_db *db, const char *name, ferry_user_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT name, admin, tz, "
	    "current_pack FROM ferry_user WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	return user_row(db, st, out);
}

int ferry_sqlite__user_first_admin(ferry_db *db, ferry_user_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT name, admin, tz, "
	    "current_pack FROM ferry_user WHERE admin ORDER BY rowid "
	    "LIMIT 1", &st)) < 0)
		return error;
	return user_row(db, st, out);
}

int ferry_sqlite__user_insert(ferry_db *db, const char *name, int admin,
	const char *tz, int64_t pack, const char *now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_user (name, "
	    "admin, tz, current_pack, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	    &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, admin ? 1 : 0);
	sqlite3_bind_text(st, 3, tz, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, pack);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "adding a user");
}

int ferry_sqlite__user_update(ferry_db *db, const char *name, const char *tz,
	int admin)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_user SET "
	    "tz = coalesce(?2, tz), admin = CASE WHEN ?3 < 0 THEN admin "
	    "ELSE ?3 END WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 2, tz);
	sqlite3_bind_int(st, 3, admin);
	return ferry_sq__done(db, st, "changing a user");
}

int ferry_sqlite__user_count_admins(ferry_db *db, int64_t *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT count(*) FROM ferry_user "
	    "WHERE admin", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading users");
}

int ferry_sqlite__user_set_pack(ferry_db *db, const char *name, int64_t pack)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_user SET "
	    "current_pack = ?2 WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, pack);
	return ferry_sq__done(db, st, "changing the current pack");
}

int ferry_sqlite__user_each(ferry_db *db, ferry_user_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT u.name, u.admin, u.tz, "
	    "p.name FROM ferry_user u JOIN ferry_pack p ON p.id = "
	    "u.current_pack ORDER BY u.name", &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_user_entry u;

		u.name = ferry_sq__str(st, 0);
		u.admin = sqlite3_column_int(st, 1);
		u.tz = ferry_sq__str(st, 2);
		u.current_pack = ferry_sq__str(st, 3);
		if ((error = cb(&u, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading users");
}

int ferry_sqlite__property_set(ferry_db *db, const char *key,
	const char *value)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_property (key, "
	    "value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "setting a property");
}

int ferry_sqlite__property_get(ferry_db *db, const char *key, ferry_str *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT value FROM ferry_property "
	    "WHERE key = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	return ferry_sq__text(db, st, out);
}

int ferry_sqlite__property_each(ferry_db *db, ferry_property_cb cb,
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT key, value FROM "
	    "ferry_property ORDER BY key", &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = cb(ferry_sq__str(st, 0), ferry_sq__str(st, 1),
		    payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading properties");
}
