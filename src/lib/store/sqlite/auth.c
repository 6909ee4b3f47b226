/*
 * auth.c - the store's passwords, API tokens, server sessions, failed
 * logins and the audit log.  Secrets never reach this file: tokens and
 * sessions arrive as hashes, passwords as argon2id strings.
 */
#include "sq.h"

#include <string.h>

int ferry_sqlite__password_get(ferry_db *db, const char *user, char *out,
	size_t size)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT coalesce(password, '') "
	    "FROM ferry_user WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ferry_sq__copy(out, size, st, 0);
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading users");
}

int ferry_sqlite__password_set(ferry_db *db, const char *user,
	const char *hash)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_user SET password = "
	    "?2 WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "setting a password");
}

int ferry_sqlite__token_insert(int64_t *id, ferry_db *db, const char *user,
	const char *label, const char *hash, const char *now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_token (user, "
	    "label, hash, created_at) VALUES (?1, ?2, ?3, ?4)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	if ((error = ferry_sq__done(db, st, "creating a token")) < 0)
		return error;
	*id = sqlite3_last_insert_rowid(SQ(db)->conn);
	return 0;
}

static int token_row(ferry_db *db, sqlite3_stmt *st, ferry_token_row *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		ferry_sq__copy(out->user, sizeof(out->user), st, 1);
		out->revoked = sqlite3_column_int(st, 2);
		out->last_used = sqlite3_column_int64(st, 3);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading tokens");
}

#define TOKEN_COLUMNS "SELECT id, user, revoked_at IS NOT NULL, " \
	"coalesce(unixepoch(last_used_at), 0) FROM ferry_token "

int ferry_sqlite__token_by_hash(ferry_db *db, const char *hash,
	ferry_token_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, TOKEN_COLUMNS "WHERE hash = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	return token_row(db, st, out);
}

int ferry_sqlite__token_by_id(ferry_db *db, int64_t id, ferry_token_row *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, TOKEN_COLUMNS "WHERE id = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return token_row(db, st, out);
}

int ferry_sqlite__token_used(ferry_db *db, int64_t id, const char *now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_token SET "
	    "last_used_at = ?2 WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "using a token");
}

int ferry_sqlite__token_revoke(ferry_db *db, int64_t id, const char *now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_token SET "
	    "revoked_at = ?2 WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "revoking a token");
}

int ferry_sqlite__token_each(ferry_db *db, const char *user,
	ferry_token_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT id, user, label, "
	    "created_at, last_used_at FROM ferry_token WHERE revoked_at IS "
	    "NULL AND (?1 IS NULL OR user = ?1) ORDER BY id", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, user);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_token_entry t;

		t.id = sqlite3_column_int64(st, 0);
		t.user = ferry_sq__str(st, 1);
		t.label = ferry_sq__str(st, 2);
		t.created_at = ferry_sq__str(st, 3);
		t.last_used_at = ferry_sq__str(st, 4);
		if ((error = cb(&t, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading tokens");
}

int ferry_sqlite__session_insert(ferry_db *db, const char *hash,
	const char *user, const char *csrf, const char *address,
	const char *now, int64_t expires_at)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_session (hash, "
	    "user, csrf, address, created_at, expires_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, expires_at);
	return ferry_sq__done(db, st, "starting a session");
}

int ferry_sqlite__session_get(ferry_db *db, const char *hash, int64_t now,
	char *user, size_t user_size, char *csrf, size_t csrf_size)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT user, csrf FROM "
	    "ferry_session WHERE hash = ?1 AND expires_at > ?2", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ferry_sq__copy(user, user_size, st, 0);
		ferry_sq__copy(csrf, csrf_size, st, 1);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 :
		ferry_sq__error(db, rc, "reading sessions");
}

int ferry_sqlite__session_delete(ferry_db *db, const char *hash)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_session WHERE "
	    "hash = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "ending a session");
}

int ferry_sqlite__session_purge(ferry_db *db, int64_t now)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_session WHERE "
	    "expires_at <= ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, now);
	return ferry_sq__done(db, st, "ending sessions");
}

int ferry_sqlite__login_failures(ferry_db *db, const char *user,
	const char *address, int64_t *failures, int64_t *last_at)
{
	sqlite3_stmt *st;
	int error, rc;

	*failures = *last_at = 0;
	if ((error = ferry_sq__prepare(db, "SELECT failures, last_at FROM "
	    "ferry_login_failure WHERE user = ?1 AND address = ?2", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*failures = sqlite3_column_int64(st, 0);
		*last_at = sqlite3_column_int64(st, 1);
	}
	ferry_sq__reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "reading failed logins");
}

int ferry_sqlite__login_failed(ferry_db *db, const char *user,
	const char *address, int64_t now)
{
	sqlite3_stmt *st;
	int error;

	/* Forget failures a day old, so the table stays small whatever
	 * names are tried. */
	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_login_failure "
	    "WHERE last_at < ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, now - 86400);
	if ((error = ferry_sq__done(db, st, "recording a failed login")) < 0)
		return error;
	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_login_failure "
	    "(user, address, failures, last_at) VALUES (?1, ?2, 1, ?3) "
	    "ON CONFLICT (user, address) DO UPDATE SET failures = "
	    "failures + 1, last_at = excluded.last_at", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	return ferry_sq__done(db, st, "recording a failed login");
}

int ferry_sqlite__login_clear(ferry_db *db, const char *user,
	const char *address)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM ferry_login_failure "
	    "WHERE user = ?1 AND address = ?2", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "clearing failed logins");
}

int ferry_sqlite__audit_insert(ferry_db *db, const char *at, const char *user,
	const char *address, const char *operation, const char *object,
	const char *outcome)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_audit (at, "
	    "user, address, operation, object, outcome) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 2, user);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, operation, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, object ? object : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, outcome, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "writing the audit log");
}

#define AUDIT_WHERE " FROM ferry_audit WHERE (?1 IS NULL OR user = ?1) " \
	"AND (?2 IS NULL OR at >= ?2)"

int ferry_sqlite__audit_each(ferry_db *db, const char *user,
	const char *since, int64_t limit, int64_t offset, int64_t *total,
	ferry_audit_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT count(*)" AUDIT_WHERE,
	    &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, user);
	ferry_sq__bind_text(st, 2, since);
	rc = sqlite3_step(st);
	*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading the audit log");
	if ((error = ferry_sq__prepare(db, "SELECT id, at, user, address, "
	    "operation, object, outcome" AUDIT_WHERE " ORDER BY id DESC "
	    "LIMIT ?3 OFFSET ?4", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, user);
	ferry_sq__bind_text(st, 2, since);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	sqlite3_bind_int64(st, 4, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_audit_entry a;

		a.id = sqlite3_column_int64(st, 0);
		a.at = ferry_sq__str(st, 1);
		a.user = ferry_sq__str(st, 2);
		a.address = ferry_sq__str(st, 3);
		a.operation = ferry_sq__str(st, 4);
		a.object = ferry_sq__str(st, 5);
		a.outcome = ferry_sq__str(st, 6);
		if ((error = cb(&a, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading the audit log");
}
