/*
 * auth.c - the PostgreSQL store's passwords, API tokens, server
 * sessions, failed logins and the audit log (as sqlite/auth.c).  Secrets
 * never reach this file: tokens and sessions arrive as hashes, passwords
 * as argon2id strings.
 */
#include "pg.h"

int ferry_pg__password_get(ferry_db *db, const char *user, char *out,
	size_t size)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT coalesce(password, '') FROM "
	    "ferry_user WHERE name = $1", 1, &user, &res,
	    "reading users")) < 0)
		return error;
	ferry_pg__copy(out, size, res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__password_set(ferry_db *db, const char *user, const char *hash)
{
	const char *params[] = { user, hash };

	return ferry_pg__query(db, "UPDATE ferry_user SET password = $2 "
		"WHERE name = $1", 2, params, NULL, "setting a password");
}

int ferry_pg__token_insert(int64_t *id, ferry_db *db, const char *user,
	const char *label, const char *hash, const char *now)
{
	const char *params[] = { user, label, hash, now };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "INSERT INTO ferry_token (\"user\", "
	    "label, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
	    4, params, &res, "creating a token")) < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* last_used: the ISO-8601 UTC time ferry wrote, as seconds (SQLite's
 * unixepoch(), which truncates). */
#define TOKEN_COLUMNS "SELECT id, \"user\", (revoked_at IS NOT NULL)::int, " \
	"coalesce(floor(extract(epoch FROM last_used_at::timestamptz))" \
	"::bigint, 0) FROM ferry_token "

static int token_row(int error, PGresult **resp, ferry_token_row *out)
{
	PGresult *res;

	if (error < 0)
		return error;
	res = *resp;
	out->id = ferry_pg__int(res, 0, 0);
	ferry_pg__copy(out->user, sizeof(out->user), res, 0, 1);
	out->revoked = (int)ferry_pg__int(res, 0, 2);
	out->last_used = ferry_pg__int(res, 0, 3);
	PQclear(res);
	return 0;
}

int ferry_pg__token_by_hash(ferry_db *db, const char *hash,
	ferry_token_row *out)
{
	PGresult *res;

	return token_row(ferry_pg__one(db, TOKEN_COLUMNS "WHERE hash = $1", 1,
		&hash, &res, "reading tokens"), &res, out);
}

int ferry_pg__token_by_id(ferry_db *db, int64_t id, ferry_token_row *out)
{
	ferry_pg_num n;
	const char *param = ferry_pg__num(&n, id);
	PGresult *res;

	return token_row(ferry_pg__one(db, TOKEN_COLUMNS "WHERE id = $1", 1,
		&param, &res, "reading tokens"), &res, out);
}

int ferry_pg__token_used(ferry_db *db, int64_t id, const char *now)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), now };

	return ferry_pg__query(db, "UPDATE ferry_token SET last_used_at = $2 "
		"WHERE id = $1", 2, params, NULL, "using a token");
}

int ferry_pg__token_revoke(ferry_db *db, int64_t id, const char *now)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), now };

	return ferry_pg__query(db, "UPDATE ferry_token SET revoked_at = $2 "
		"WHERE id = $1", 2, params, NULL, "revoking a token");
}

typedef struct {
	ferry_token_cb cb;
	void *payload;
} token_each_ctx;

static int token_entry(const PGresult *res, int row, void *payload)
{
	token_each_ctx *c = payload;
	ferry_token_entry t;

	t.id = ferry_pg__int(res, row, 0);
	t.user = ferry_pg__str(res, row, 1);
	t.label = ferry_pg__str(res, row, 2);
	t.created_at = ferry_pg__str(res, row, 3);
	t.last_used_at = ferry_pg__str(res, row, 4);
	return c->cb(&t, c->payload);
}

int ferry_pg__token_each(ferry_db *db, const char *user, ferry_token_cb cb,
	void *payload)
{
	token_each_ctx c = { cb, payload };

	return ferry_pg__each(db, "SELECT id, \"user\", label, created_at, "
		"last_used_at FROM ferry_token WHERE revoked_at IS NULL AND "
		"($1::text IS NULL OR \"user\" = $1) ORDER BY id", 1, &user,
		token_entry, &c, "reading tokens");
}

int ferry_pg__session_insert(ferry_db *db, const char *hash,
	const char *user, const char *csrf, const char *address,
	const char *now, int64_t expires_at)
{
	ferry_pg_num e;
	const char *params[] = { hash, user, csrf, address, now,
		ferry_pg__num(&e, expires_at) };

	return ferry_pg__query(db, "INSERT INTO ferry_session (hash, "
		"\"user\", csrf, address, created_at, expires_at) VALUES ($1, "
		"$2, $3, $4, $5, $6)", 6, params, NULL, "starting a session");
}

int ferry_pg__session_get(ferry_db *db, const char *hash, int64_t now,
	char *user, size_t user_size, char *csrf, size_t csrf_size)
{
	ferry_pg_num n;
	const char *params[] = { hash, ferry_pg__num(&n, now) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT \"user\", csrf FROM "
	    "ferry_session WHERE hash = $1 AND expires_at > $2", 2, params,
	    &res, "reading sessions")) < 0)
		return error;
	ferry_pg__copy(user, user_size, res, 0, 0);
	ferry_pg__copy(csrf, csrf_size, res, 0, 1);
	PQclear(res);
	return 0;
}

int ferry_pg__session_delete(ferry_db *db, const char *hash)
{
	return ferry_pg__query(db, "DELETE FROM ferry_session WHERE hash = $1",
		1, &hash, NULL, "ending a session");
}

int ferry_pg__session_purge(ferry_db *db, int64_t now)
{
	ferry_pg_num n;
	const char *param = ferry_pg__num(&n, now);

	return ferry_pg__query(db, "DELETE FROM ferry_session WHERE "
		"expires_at <= $1", 1, &param, NULL, "ending sessions");
}

int ferry_pg__login_failures(ferry_db *db, const char *user,
	const char *address, int64_t *failures, int64_t *last_at)
{
	const char *params[] = { user, address };
	PGresult *res;
	int error;

	*failures = *last_at = 0;
	error = ferry_pg__one(db, "SELECT failures, last_at FROM "
		"ferry_login_failure WHERE \"user\" = $1 AND address = $2", 2,
		params, &res, "reading failed logins");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	*failures = ferry_pg__int(res, 0, 0);
	*last_at = ferry_pg__int(res, 0, 1);
	PQclear(res);
	return 0;
}

int ferry_pg__login_failed(ferry_db *db, const char *user,
	const char *address, int64_t now)
{
	ferry_pg_num day, n;
	const char *old = ferry_pg__num(&day, now - 86400);
	const char *params[] = { user, address, ferry_pg__num(&n, now) };
	int error;

	/* Forget failures a day old, so the table stays small whatever
	 * names are tried. */
	if ((error = ferry_pg__query(db, "DELETE FROM ferry_login_failure "
	    "WHERE last_at < $1", 1, &old, NULL,
	    "recording a failed login")) < 0)
		return error;
	return ferry_pg__query(db, "INSERT INTO ferry_login_failure (\"user\", "
		"address, failures, last_at) VALUES ($1, $2, 1, $3) ON CONFLICT "
		"(\"user\", address) DO UPDATE SET failures = "
		"ferry_login_failure.failures + 1, last_at = excluded.last_at",
		3, params, NULL, "recording a failed login");
}

int ferry_pg__login_clear(ferry_db *db, const char *user,
	const char *address)
{
	const char *params[] = { user, address };

	return ferry_pg__query(db, "DELETE FROM ferry_login_failure WHERE "
		"\"user\" = $1 AND address = $2", 2, params, NULL,
		"clearing failed logins");
}

int ferry_pg__audit_insert(ferry_db *db, const char *at, const char *user,
	const char *address, const char *operation, const char *object,
	const char *outcome)
{
	const char *params[] = { at, user, address, operation,
		object ? object : "", outcome };

	return ferry_pg__query(db, "INSERT INTO ferry_audit (at, \"user\", "
		"address, operation, object, outcome) VALUES ($1, $2, $3, $4, "
		"$5, $6)", 6, params, NULL, "writing the audit log");
}

#define AUDIT_WHERE " FROM ferry_audit WHERE ($1::text IS NULL OR " \
	"\"user\" = $1) AND ($2::text IS NULL OR at >= $2)"

typedef struct {
	ferry_audit_cb cb;
	void *payload;
} audit_each_ctx;

static int audit_entry(const PGresult *res, int row, void *payload)
{
	audit_each_ctx *c = payload;
	ferry_audit_entry a;

	a.id = ferry_pg__int(res, row, 0);
	a.at = ferry_pg__str(res, row, 1);
	a.user = ferry_pg__str(res, row, 2);
	a.address = ferry_pg__str(res, row, 3);
	a.operation = ferry_pg__str(res, row, 4);
	a.object = ferry_pg__str(res, row, 5);
	a.outcome = ferry_pg__str(res, row, 6);
	return c->cb(&a, c->payload);
}

int ferry_pg__audit_each(ferry_db *db, const char *user, const char *since,
	int64_t limit, int64_t offset, int64_t *total, ferry_audit_cb cb,
	void *payload)
{
	audit_each_ctx c = { cb, payload };
	ferry_pg_num l, o;
	/* limit 0: all rows (SQLite's LIMIT -1; NULL here). */
	const char *params[] = { user, since,
		limit > 0 ? ferry_pg__num(&l, limit) : NULL,
		ferry_pg__num(&o, offset) };
	PGresult *res;
	int error;

	*total = 0;
	if ((error = ferry_pg__query(db, "SELECT count(*)" AUDIT_WHERE, 2,
	    params, &res, "reading the audit log")) < 0)
		return error;
	*total = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return ferry_pg__each(db, "SELECT id, at, \"user\", address, "
		"operation, object, outcome" AUDIT_WHERE " ORDER BY id DESC "
		"LIMIT $3::bigint OFFSET GREATEST($4::bigint, 0)", 4, params,
		audit_entry, &c, "reading the audit log");
}
