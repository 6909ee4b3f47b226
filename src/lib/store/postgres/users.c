/*
 * users.c - the PostgreSQL store's users and properties.
 */
#include "pg.h"

#define USER_COLUMNS "name, admin, tz, current_pack"

/* resp, not the result itself: the caller's call of ferry_pg__one() and
 * the reading of its result are arguments of one call, evaluated in no
 * set order. */
static int user_row(ferry_db *db, int error, PGresult **resp,
	ferry_user_row *out)
{
	PGresult *res;

	if (error < 0)
		return error;
	res = *resp;
	ferry_pg__copy(out->name, sizeof(out->name), res, 0, 0);
	out->admin = (int)ferry_pg__int(res, 0, 1);
	ferry_pg__copy(out->tz, sizeof(out->tz), res, 0, 2);
	out->current_pack = ferry_pg__int(res, 0, 3);
	PQclear(res);
	return 0;
}

int ferry_pg__user_get(ferry_db *db, const char *name, ferry_user_row *out)
{
	PGresult *res;

	return user_row(db, ferry_pg__one(db, "SELECT " USER_COLUMNS " FROM "
		"ferry_user WHERE name = $1", 1, &name, &res,
		"reading users"), &res, out);
}

int ferry_pg__user_first_admin(ferry_db *db, ferry_user_row *out)
{
	PGresult *res;

	return user_row(db, ferry_pg__one(db, "SELECT " USER_COLUMNS " FROM "
		"ferry_user WHERE admin <> 0 ORDER BY seq LIMIT 1", 0, NULL,
		&res, "reading users"), &res, out);
}

int ferry_pg__user_insert(ferry_db *db, const char *name, int admin,
	const char *tz, int64_t pack, const char *now)
{
	ferry_pg_num a, p;
	const char *params[] = { name, ferry_pg__num(&a, admin ? 1 : 0), tz,
		ferry_pg__num(&p, pack), now };

	return ferry_pg__query(db, "INSERT INTO ferry_user (name, admin, tz, "
		"current_pack, created_at) VALUES ($1, $2, $3, $4, $5)", 5,
		params, NULL, "adding a user");
}

int ferry_pg__user_update(ferry_db *db, const char *name, const char *tz,
	int admin)
{
	ferry_pg_num a;
	const char *params[] = { name, tz, ferry_pg__num(&a, admin) };

	return ferry_pg__query(db, "UPDATE ferry_user SET tz = coalesce($2, "
		"tz), admin = CASE WHEN $3::bigint < 0 THEN admin ELSE "
		"$3::bigint END WHERE name = $1", 3, params, NULL,
		"changing a user");
}

int ferry_pg__user_count_admins(ferry_db *db, int64_t *out)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT count(*) FROM ferry_user "
	    "WHERE admin <> 0", 0, NULL, &res, "reading users")) < 0)
		return error;
	*out = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__user_set_pack(ferry_db *db, const char *name, int64_t pack)
{
	ferry_pg_num p;
	const char *params[] = { name, ferry_pg__num(&p, pack) };

	return ferry_pg__query(db, "UPDATE ferry_user SET current_pack = $2 "
		"WHERE name = $1", 2, params, NULL,
		"changing the current pack");
}

typedef struct {
	ferry_user_cb cb;
	void *payload;
} user_each_ctx;

static int user_entry(const PGresult *res, int row, void *payload)
{
	user_each_ctx *c = payload;
	ferry_user_entry u;

	u.name = ferry_pg__str(res, row, 0);
	u.admin = (int)ferry_pg__int(res, row, 1);
	u.tz = ferry_pg__str(res, row, 2);
	u.current_pack = ferry_pg__str(res, row, 3);
	return c->cb(&u, c->payload);
}

int ferry_pg__user_each(ferry_db *db, ferry_user_cb cb, void *payload)
{
	user_each_ctx c = { cb, payload };

	return ferry_pg__each(db, "SELECT u.name, u.admin, u.tz, p.name FROM "
		"ferry_user u JOIN ferry_pack p ON p.id = u.current_pack "
		"ORDER BY u.name", 0, NULL, user_entry, &c, "reading users");
}

int ferry_pg__property_set(ferry_db *db, const char *key, const char *value)
{
	const char *params[] = { key, value };

	return ferry_pg__query(db, "INSERT INTO ferry_property (key, value) "
		"VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
		"excluded.value", 2, params, NULL, "setting a property");
}

int ferry_pg__property_get(ferry_db *db, const char *key, ferry_str *out)
{
	PGresult *res;
	int error;

	error = ferry_pg__one(db, "SELECT value FROM ferry_property WHERE "
		"key = $1", 1, &key, &res, "reading properties");
	if (error < 0)
		return error;
	ferry_str_puts(out, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ferry_str_failed(out) ? ferry__oom(db) : 0;
}

typedef struct {
	ferry_property_cb cb;
	void *payload;
} property_each_ctx;

static int property_entry(const PGresult *res, int row, void *payload)
{
	property_each_ctx *c = payload;

	return c->cb(ferry_pg__str(res, row, 0), ferry_pg__str(res, row, 1),
		c->payload);
}

int ferry_pg__property_each(ferry_db *db, ferry_property_cb cb,
	void *payload)
{
	property_each_ctx c = { cb, payload };

	return ferry_pg__each(db, "SELECT key, value FROM ferry_property "
		"ORDER BY key", 0, NULL, property_entry, &c,
		"reading properties");
}
