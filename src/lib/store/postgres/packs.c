/*
 * packs.c - the PostgreSQL store's side of local packs: packs, their
 * captured items and the pack documents.
 */
#include "pg.h"

#include <string.h>

#define PACK_COLUMNS "id, uid, name, state, is_default, " \
	"coalesce(completed_at, ''), description, coalesce(exported_at, '')"

/* The effective action of an item over the whole pack: an insert when the
 * record did not exist before the pack's first capture. */
#define ITEM_ACTION "CASE WHEN v.action = 'delete' THEN 'delete' " \
	"WHEN i.base_id IS NULL OR b.action = 'delete' THEN 'insert' " \
	"ELSE 'update' END"

/* An item is out of date when the record has a later version. */
#define ITEM_OUT_OF_DATE "EXISTS (SELECT 1 FROM ferry_version n WHERE " \
	"n.entity = i.entity AND n.sys_id = i.sys_id AND n.id > i.version_id)"

/* The writer's advisory lock, taken only if free. */
#define WRITER_LOCK_TRY "SELECT pg_try_advisory_xact_lock(" PG_WRITER_KEYS ")"

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

int ferry_pg__pack_description(ferry_db *db, int64_t id, ferry_str *out)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT coalesce(description, '') "
	    "FROM ferry_pack WHERE id = $1", 1, &param, &res,
	    "reading packs")) < 0)
		return error;
	ferry_str_put(out, PQgetvalue(res, 0, 0),
		(size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return ferry_str_failed(out) ? ferry__oom(db) : 0;
}

int ferry_pg__pack_set_state(ferry_db *db, int64_t id,
	ferry_pack_state state, const char *completed_at)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pack_state_name(state), completed_at };

	return ferry_pg__query(db, "UPDATE ferry_pack SET state = $2, "
		"completed_at = $3 WHERE id = $1", 3, params, NULL,
		"changing a pack");
}

int ferry_pg__pack_switch_users(ferry_db *db, int64_t from, int64_t to)
{
	ferry_pg_num f, t;
	const char *params[] = { ferry_pg__num(&f, from),
		ferry_pg__num(&t, to) };

	return ferry_pg__query(db, "UPDATE ferry_user SET current_pack = $2 "
		"WHERE current_pack = $1", 2, params, NULL,
		"switching users' packs");
}

/*
 * Capture in one round trip, as sqlite/packs.c's one statement does, but
 * for the old values: an update over a live base (the item's own once the
 * record is in the pack, else base_id) hands back both payloads, the
 * lent ferry_old_values() runs here and a second statement stores its
 * answer.  Other captures clear old, as SQLite's CASE does.  The
 * writer's lock holds the item still between the two statements.
 */
int ferry_pg__pack_capture(ferry_db *db, int64_t pack_id,
	const char *entity, const char *sys_id, int64_t version_id,
	int64_t base_id)
{
	ferry_pg_num p, v, b;
	const char *params[] = { ferry_pg__num(&p, pack_id), entity, sys_id,
		ferry_pg__num(&v, version_id), ferry_pg__num(&b, base_id) };
	const char *args[2], *set[4];
	ferry_str old = FERRY_STR_INIT;
	PGresult *res;
	int error, is_null;

	error = ferry_pg__one(db, "WITH item AS (INSERT INTO ferry_pack_item "
		"(pack_id, entity, sys_id, version_id, base_id, base, old) "
		"SELECT $1::bigint, $2::text, $3::text, v.id, "
		"nullif($5::bigint, 0), b.hash, NULL FROM ferry_version v LEFT "
		"JOIN ferry_version b ON b.id = nullif($5::bigint, 0) AND "
		"b.action <> 'delete' WHERE v.id = $4::bigint ON CONFLICT "
		"(pack_id, entity, sys_id) DO UPDATE SET version_id = "
		"excluded.version_id, old = NULL RETURNING version_id, "
		"base_id) SELECT " PG_VERSION_PAYLOAD("b") ", "
		PG_VERSION_PAYLOAD("v") " FROM item JOIN "
		"ferry_version v ON v.id = item.version_id AND v.action = "
		"'update' JOIN ferry_version b ON b.id = item.base_id AND "
		"b.action <> 'delete'", 5, params, &res, "capturing a version");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	args[0] = ferry_pg__str(res, 0, 0);
	args[1] = ferry_pg__str(res, 0, 1);
	error = ferry_pg__call(db, "ferry_old_values", 2, args, &old,
		&is_null);
	PQclear(res);
	if (error == 0 && !is_null) {
		set[0] = params[0];
		set[1] = entity;
		set[2] = sys_id;
		set[3] = ferry_str_cstr(&old);
		error = ferry_pg__query(db, "UPDATE ferry_pack_item SET old = "
			"$4 WHERE pack_id = $1 AND entity = $2 AND sys_id = $3",
			4, set, NULL, "capturing a version");
	}
	ferry_str_dispose(&old);
	return error;
}

typedef struct {
	ferry_pack_cb cb;
	void *payload;
	int found;
} pack_each_ctx;

static int pack_entry(const PGresult *res, int row, void *payload)
{
	pack_each_ctx *c = payload;
	ferry_pack_entry p;

	c->found = 1;
	p.id = ferry_pg__int(res, row, 0);
	p.name = ferry_pg__str(res, row, 1);
	p.state = ferry_pg__str(res, row, 2);
	p.is_default = (int)ferry_pg__int(res, row, 3);
	p.description = ferry_pg__str(res, row, 4);
	p.created_by = ferry_pg__str(res, row, 5);
	p.created_at = ferry_pg__str(res, row, 6);
	p.completed_at = ferry_pg__str(res, row, 7);
	p.exported_at = ferry_pg__str(res, row, 8);
	p.records = ferry_pg__int(res, row, 9);
	p.definitions = ferry_pg__int(res, row, 10);
	p.out_of_date = ferry_pg__int(res, row, 11);
	return c->cb(&p, c->payload);
}

int ferry_pg__pack_each(ferry_db *db, int64_t id, ferry_pack_cb cb,
	void *payload)
{
	pack_each_ctx c = { cb, payload, 0 };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	int error;

	/* The counts cost a pass over the items: only listings need them. */
	if (id)
		error = ferry_pg__each(db, "SELECT id, name, state, is_default, "
			"description, created_by, created_at, completed_at, "
			"exported_at, 0, 0, 0 FROM ferry_pack WHERE id = $1", 1,
			&param, pack_entry, &c, "reading packs");
	else
		error = ferry_pg__each(db, "SELECT p.id, p.name, p.state, "
			"p.is_default, p.description, p.created_by, "
			"p.created_at, p.completed_at, p.exported_at, (SELECT "
			"count(*) FROM ferry_pack_item i WHERE i.pack_id = "
			"p.id), (SELECT count(*) FROM ferry_pack_definition d "
			"WHERE d.pack_id = p.id), (SELECT count(*) FROM "
			"ferry_pack_item i WHERE i.pack_id = p.id AND "
			ITEM_OUT_OF_DATE ") FROM ferry_pack p ORDER BY p.id", 0,
			NULL, pack_entry, &c, "reading packs");
	return error == 0 && id && !c.found ? FERRY_ENOTFOUND : error;
}

typedef struct {
	ferry_pack_item_cb cb;
	void *payload;
} item_each_ctx;

static int item_entry(const PGresult *res, int row, void *payload)
{
	item_each_ctx *c = payload;
	ferry_pack_item_entry it;

	it.entity = ferry_pg__str(res, row, 0);
	it.sys_id = ferry_pg__str(res, row, 1);
	it.rkey = ferry_pg__str(res, row, 2);
	it.action = ferry_pg__str(res, row, 3);
	it.version = ferry_pg__str(res, row, 4);
	it.out_of_date = (int)ferry_pg__int(res, row, 5);
	return c->cb(&it, c->payload);
}

int ferry_pg__pack_items_each(ferry_db *db, int64_t pack_id,
	ferry_pack_item_cb cb, void *payload)
{
	item_each_ctx c = { cb, payload };
	ferry_pg_num p;
	const char *param = ferry_pg__num(&p, pack_id);

	return ferry_pg__each(db, "SELECT i.entity, i.sys_id, v.rkey, "
		ITEM_ACTION ", v.hash, CASE WHEN " ITEM_OUT_OF_DATE " THEN 1 "
		"ELSE 0 END FROM ferry_pack_item i JOIN ferry_version v ON "
		"v.id = i.version_id LEFT JOIN ferry_version b ON b.id = "
		"i.base_id WHERE i.pack_id = $1 ORDER BY i.entity, i.sys_id",
		1, &param, item_entry, &c, "reading a pack");
}

typedef struct {
	ferry_pack_definition_cb cb;
	void *payload;
} definition_each_ctx;

static int definition_entry(const PGresult *res, int row, void *payload)
{
	definition_each_ctx *c = payload;

	return c->cb(ferry_pg__str(res, row, 0), ferry_pg__str(res, row, 1),
		(int)ferry_pg__int(res, row, 2), c->payload);
}

int ferry_pg__pack_definitions_each(ferry_db *db, int64_t pack_id,
	ferry_pack_definition_cb cb, void *payload)
{
	definition_each_ctx c = { cb, payload };
	ferry_pg_num p;
	const char *param = ferry_pg__num(&p, pack_id);

	return ferry_pg__each(db, "SELECT kind, name, version FROM "
		"ferry_pack_definition WHERE pack_id = $1 ORDER BY kind, name",
		1, &param, definition_entry, &c, "reading a pack");
}

int ferry_pg__pack_add_definition(ferry_db *db, int64_t pack_id,
	const char *kind, const char *name, int version)
{
	ferry_pg_num p, v;
	const char *params[] = { ferry_pg__num(&p, pack_id), kind, name,
		ferry_pg__num(&v, version) };

	return ferry_pg__query(db, "INSERT INTO ferry_pack_definition "
		"(pack_id, kind, name, version) VALUES ($1, $2, $3, $4) ON "
		"CONFLICT (pack_id, kind, name) DO UPDATE SET version = "
		"excluded.version", 4, params, NULL, "adding to a pack");
}

int ferry_pg__pack_rename(ferry_db *db, int64_t id, const char *name)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), name };

	return ferry_pg__query(db, "UPDATE ferry_pack SET name = $2 WHERE "
		"id = $1", 2, params, NULL, "renaming a pack");
}

/*
 * Run a statement of pack_exported() inside its savepoint.  *refused is
 * set, and no error, when the instance cannot be written now: another
 * writer holds the lock (a false answer to the lock's try), a writer
 * committed after this snapshot began (40001), a lock or deadlock
 * (55P03, 40P01), a read-only server (25006).
 */
static int exported_step(ferry_db *db, const char *sql, int n,
	const char *const *params, int *refused)
{
	PGresult *res = PQexecParams(PG(db)->conn, sql, n, NULL, params,
		NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(res);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int error = 0;

	if (status == PGRES_TUPLES_OK)
		*refused = PQntuples(res) == 1 &&
			!strcmp(PQgetvalue(res, 0, 0), "f");
	else if (status != PGRES_COMMAND_OK && state &&
	    (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03") || !strcmp(state, "25006")))
		*refused = 1;
	else if (status != PGRES_COMMAND_OK)
		error = ferry_pg__error(db, res, "marking a pack exported");
	PQclear(res);
	return error;
}

int ferry_pg__pack_exported(ferry_db *db, int64_t id, const char *at,
	int *recorded)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), at };
	int error, refused = 0, locked = PG(db)->writing;

	/* Export reads in a snapshot without the writer's lock: the mark
	 * is written only if the lock is free now and no writer committed
	 * since the snapshot (the lock on ferry_change tells), else it
	 * is left, as SQLite leaves it when busy.  A savepoint takes a
	 * refusal back without ending the export's transaction. */
	*recorded = 0;
	if ((error = ferry_pg__exec(db, "SAVEPOINT ferry_exported")) < 0)
		return error;
	if (!locked)
		error = exported_step(db, WRITER_LOCK_TRY, 0, NULL, &refused);
	if (!locked && error == 0 && !refused)
		error = exported_step(db, "SELECT n FROM ferry_change FOR "
			"UPDATE", 0, NULL, &refused);
	if (error == 0 && !refused)
		error = exported_step(db, "UPDATE ferry_pack SET exported_at = "
			"coalesce(exported_at, $2) WHERE id = $1::bigint", 2,
			params, &refused);
	if (error < 0 || refused) {
		PQclear(PQexec(PG(db)->conn, "ROLLBACK TO SAVEPOINT "
			"ferry_exported"));
		PQclear(PQexec(PG(db)->conn, "RELEASE SAVEPOINT "
			"ferry_exported"));
		return error;
	}
	if ((error = ferry_pg__exec(db, "RELEASE SAVEPOINT "
	    "ferry_exported")) < 0)
		return error;
	/* The transaction now writes: its commit counts the change, as a
	 * write transaction's does (database.c). */
	PG(db)->writing = 1;
	*recorded = 1;
	return 0;
}

int ferry_pg__pack_count(ferry_db *db, int64_t id, int64_t *n)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error;

	*n = 0;
	if ((error = ferry_pg__query(db, "SELECT (SELECT count(*) FROM "
	    "ferry_pack_item WHERE pack_id = $1) + (SELECT count(*) FROM "
	    "ferry_pack_definition WHERE pack_id = $1)", 1, &param, &res,
	    "counting pack items")) < 0)
		return error;
	*n = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__pack_delete(ferry_db *db, int64_t id, int64_t to)
{
	/* The steps in order, each with how many of (id, to) it uses. */
	static const struct {
		const char *sql;
		int n;
	} steps[] = {
		{ "UPDATE ferry_user SET current_pack = $2 WHERE "
		  "current_pack = $1", 2 },
		{ "UPDATE ferry_version SET pack_id = NULL WHERE pack_id = $1",
		  1 },
		{ "DELETE FROM ferry_pack_item WHERE pack_id = $1", 1 },
		{ "DELETE FROM ferry_pack_frozen WHERE pack_id = $1", 1 },
		{ "DELETE FROM ferry_pack_definition WHERE pack_id = $1", 1 },
		{ "DELETE FROM ferry_pack WHERE id = $1", 1 },
	};
	ferry_pg_num i, t;
	const char *params[] = { ferry_pg__num(&i, id), ferry_pg__num(&t, to) };
	size_t k;
	int error = 0;

	for (k = 0; k < sizeof(steps) / sizeof(steps[0]) && error == 0; k++)
		error = ferry_pg__query(db, steps[k].sql, steps[k].n, params,
			NULL, "deleting a pack");
	return error;
}

int ferry_pg__pack_remove(ferry_db *db, int64_t id, const char *kind,
	const char *entity, const char *key, int *removed)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), kind ? kind : entity,
		key };
	const char *found[3];
	PGresult *res;
	int64_t changed = 0;
	int error;

	*removed = 0;
	if (kind) {
		error = ferry_pg__command(db, "DELETE FROM "
			"ferry_pack_definition WHERE pack_id = $1 AND kind = "
			"$2 AND name = $3", 3, params, &changed,
			"removing an item");
		*removed = (int)changed;
		return error;
	}
	/* Find first: an ambiguous name removes nothing. */
	if ((error = ferry_pg__query(db, "SELECT i.entity, i.sys_id FROM "
	    "ferry_pack_item i JOIN ferry_version v ON v.id = i.version_id "
	    "WHERE i.pack_id = $1 AND ($2::text IS NULL OR i.entity = $2) "
	    "AND (i.sys_id = $3 OR v.rkey = $3) LIMIT 2", 3, params, &res,
	    "finding an item")) < 0)
		return error;
	*removed = PQntuples(res);
	if (*removed == 1) {
		found[0] = params[0];
		found[1] = PQgetvalue(res, 0, 0);
		found[2] = PQgetvalue(res, 0, 1);
		error = ferry_pg__query(db, "DELETE FROM ferry_pack_item WHERE "
			"pack_id = $1 AND entity = $2 AND sys_id = $3", 3,
			found, NULL, "removing an item");
	}
	PQclear(res);
	return error;
}
