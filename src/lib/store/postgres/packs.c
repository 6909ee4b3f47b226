/*
 * packs.c - the PostgreSQL store's side of local packs: packs, their
 * captured items and the pack documents.
 */
#include "pg.h"

#define PACK_COLUMNS "id, uid, name, state, is_default, " \
	"coalesce(completed_at, ''), description, coalesce(exported_at, '')"

/* resp, not the result itself: the caller's call of ferry_pg__one() and
 * the reading of its result are arguments of one call, evaluated in no
 * set order. */
static int pack_row(ferry_db *db, int error, PGresult **resp,
	ferry_pack_row *out)
{
	PGresult *res;
	int bad_state;

	if (error < 0)
		return error;
	res = *resp;
	out->id = ferry_pg__int(res, 0, 0);
	ferry_pg__copy(out->uid, sizeof(out->uid), res, 0, 1);
	ferry_pg__copy(out->name, sizeof(out->name), res, 0, 2);
	bad_state = ferry_pack_state_parse(&out->state,
		PQgetvalue(res, 0, 3)) < 0;
	out->is_default = (int)ferry_pg__int(res, 0, 4);
	ferry_pg__copy(out->completed_at, sizeof(out->completed_at), res, 0,
		5);
	ferry_pg__copy(out->exported_at, sizeof(out->exported_at), res, 0, 7);
	PQclear(res);
	if (bad_state)
		return ferry__error(db, FERRY_EFORMAT, "the instance is "
			"damaged: pack %lld has an unknown state",
			(long long)out->id);
	return 0;
}

int ferry_pg__pack_get(ferry_db *db, const char *name, ferry_pack_row *out)
{
	PGresult *res;

	return pack_row(db, ferry_pg__one(db, "SELECT " PACK_COLUMNS " FROM "
		"ferry_pack WHERE name = $1", 1, &name, &res,
		"reading packs"), &res, out);
}

int ferry_pg__pack_get_id(ferry_db *db, int64_t id, ferry_pack_row *out)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;

	return pack_row(db, ferry_pg__one(db, "SELECT " PACK_COLUMNS " FROM "
		"ferry_pack WHERE id = $1", 1, &param, &res,
		"reading packs"), &res, out);
}

int ferry_pg__pack_insert(ferry_db *db, const char *uid, const char *name,
	const char *description, int is_default, const char *by,
	const char *at, int64_t *id)
{
	ferry_pg_num d;
	const char *params[] = { uid, name, description,
		ferry_pg__num(&d, is_default), by, at };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "INSERT INTO ferry_pack (uid, name, "
	    "description, state, is_default, created_by, created_at) VALUES "
	    "($1, $2, coalesce($3, ''), 'in_progress', $4, $5, $6) "
	    "RETURNING id", 6, params, &res, "creating a pack")) < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__pack_default_id(ferry_db *db, int64_t *id)
{
	PGresult *res;
	int error;

	error = ferry_pg__one(db, "SELECT id FROM ferry_pack WHERE "
		"is_default <> 0", 0, NULL, &res, "reading packs");
	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, FERRY_EFORMAT, "the instance has no "
			"Default pack; it is damaged");
	if (error < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}
