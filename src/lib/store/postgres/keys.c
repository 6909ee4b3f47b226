/*
 * keys.c - the PostgreSQL store's signing keys (public halves) and trust
 * list (as sqlite/keys.c).
 */
#include "pg.h"

#define TRUST_COLUMNS "SELECT name, public_key, fingerprint, added_by, " \
	"added_at FROM ferry_trust "

static int key_row(int error, PGresult **resp, ferry_key_row *out)
{
	PGresult *res;

	if (error < 0)
		return error;
	res = *resp;
	ferry_pg__copy(out->name, sizeof(out->name), res, 0, 0);
	ferry_pg__copy(out->public_key, sizeof(out->public_key), res, 0, 1);
	ferry_pg__copy(out->fingerprint, sizeof(out->fingerprint), res, 0, 2);
	ferry_pg__copy(out->by, sizeof(out->by), res, 0, 3);
	ferry_pg__copy(out->at, sizeof(out->at), res, 0, 4);
	PQclear(res);
	return 0;
}

int ferry_pg__key_current(ferry_db *db, ferry_key_row *out)
{
	PGresult *res;

	return key_row(ferry_pg__one(db, "SELECT '', public_key, fingerprint, "
		"created_by, created_at FROM ferry_key WHERE replaced_at IS "
		"NULL ORDER BY id DESC LIMIT 1", 0, NULL, &res,
		"reading the signing key"), &res, out);
}

int ferry_pg__key_replace(ferry_db *db, const char *public_key,
	const char *fingerprint, const char *by, const char *now)
{
	const char *params[] = { public_key, fingerprint, by, now };
	int error;

	if ((error = ferry_pg__query(db, "UPDATE ferry_key SET replaced_at = "
	    "$1 WHERE replaced_at IS NULL", 1, &now, NULL,
	    "replacing the signing key")) < 0)
		return error;
	return ferry_pg__query(db, "INSERT INTO ferry_key (public_key, "
		"fingerprint, created_by, created_at) VALUES ($1, $2, $3, $4)",
		4, params, NULL, "recording the signing key");
}

int ferry_pg__trust_by_name(ferry_db *db, const char *name,
	ferry_key_row *out)
{
	PGresult *res;

	return key_row(ferry_pg__one(db, TRUST_COLUMNS "WHERE name = $1", 1,
		&name, &res, "reading the trust list"), &res, out);
}

int ferry_pg__trust_by_key(ferry_db *db, const char *public_key,
	ferry_key_row *out)
{
	PGresult *res;

	return key_row(ferry_pg__one(db, TRUST_COLUMNS "WHERE public_key = $1",
		1, &public_key, &res, "reading the trust list"), &res, out);
}

int ferry_pg__trust_insert(ferry_db *db, const ferry_key_row *row)
{
	const char *params[] = { row->name, row->public_key, row->fingerprint,
		row->by, row->at };

	return ferry_pg__query(db, "INSERT INTO ferry_trust (name, public_key, "
		"fingerprint, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
		5, params, NULL, "adding a trusted key");
}

int ferry_pg__trust_delete(ferry_db *db, const char *name)
{
	return ferry_pg__query(db, "DELETE FROM ferry_trust WHERE name = $1",
		1, &name, NULL, "removing a trusted key");
}

typedef struct {
	ferry_trust_cb cb;
	void *payload;
} trust_each_ctx;

static int trust_entry(const PGresult *res, int row, void *payload)
{
	trust_each_ctx *c = payload;
	ferry_trust_entry t;

	t.name = ferry_pg__str(res, row, 0);
	t.public_key = ferry_pg__str(res, row, 1);
	t.fingerprint = ferry_pg__str(res, row, 2);
	t.added_by = ferry_pg__str(res, row, 3);
	t.added_at = ferry_pg__str(res, row, 4);
	return c->cb(&t, c->payload);
}

int ferry_pg__trust_each(ferry_db *db, ferry_trust_cb cb, void *payload)
{
	trust_each_ctx c = { cb, payload };

	return ferry_pg__each(db, TRUST_COLUMNS "ORDER BY name", 0, NULL,
		trust_entry, &c, "reading the trust list");
}
