/*
 * versions.c - the PostgreSQL store's side of record versions: the
 * immutable history rows, and the version documents.  A payload is
 * stored and read back as the very bytes it was given.
 */
#include "pg.h"

#include <string.h>

int ferry_pg__version_insert(ferry_db *db, const ferry_version_row *v,
	int64_t *id)
{
	ferry_pg_num parent_id, vendor, pack_id, import_id;
	const char *params[] = { v->entity, v->sys_id, v->rkey, v->action,
		v->hash, v->parent, ferry_pg__num(&parent_id, v->parent_id),
		v->payload, v->policy,
		ferry_pg__num(&vendor, v->vendor ? 1 : 0), v->author, v->at,
		ferry_pg__num(&pack_id, v->pack_id), v->source,
		ferry_pg__num(&import_id, v->import_id) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "INSERT INTO ferry_version (entity, "
	    "sys_id, rkey, action, hash, parent, parent_id, payload, policy, "
	    "vendor, author, at, pack_id, source, import_id) VALUES ($1, $2, "
	    "$3, $4, $5, $6, nullif($7::bigint, 0), $8, $9, $10, $11, $12, "
	    "nullif($13::bigint, 0), $14, nullif($15::bigint, 0)) "
	    "RETURNING id", 15, params, &res, "writing a version")) < 0)
		return error;
	if (id)
		*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* The one row (id, hash, action, payload) of *resp, which the call
 * giving error filled, into out. */
static int version_row(ferry_db *db, int error, PGresult *const *resp,
	ferry_version_ref *out)
{
	PGresult *res;

	if (error < 0)
		return error;
	res = *resp;
	out->id = ferry_pg__int(res, 0, 0);
	ferry_str_clear(&out->hash);
	ferry_str_clear(&out->action);
	ferry_str_clear(&out->payload);
	ferry_str_puts(&out->hash, PQgetvalue(res, 0, 1));
	ferry_str_puts(&out->action, PQgetvalue(res, 0, 2));
	ferry_str_put(&out->payload, PQgetvalue(res, 0, 3),
		(size_t)PQgetlength(res, 0, 3));
	PQclear(res);
	if (ferry_str_failed(&out->hash) || ferry_str_failed(&out->action) ||
	    ferry_str_failed(&out->payload))
		return ferry__oom(db);
	return 0;
}

int ferry_pg__version_latest(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_ref *out)
{
	const char *params[] = { entity, sys_id };
	PGresult *res;

	return version_row(db, ferry_pg__one(db, "SELECT id, hash, action, "
		"'' FROM ferry_version WHERE entity = $1 AND sys_id = $2 "
		"ORDER BY id DESC LIMIT 1", 2, params, &res,
		"reading versions"), &res, out);
}

int ferry_pg__version_find(ferry_db *db, const char *entity,
	const char *sys_id, const char *hash, ferry_version_ref *out)
{
	const char *params[] = { entity, sys_id, hash };
	PGresult *res;
	int64_t distinct;
	int error;

	/* A prefix must name one content: versions sharing a hash are the
	 * same content, so count distinct hashes. */
	if ((error = ferry_pg__query(db, "SELECT count(DISTINCT hash) FROM "
	    "ferry_version WHERE entity = $1 AND sys_id = $2 AND "
	    "left(hash, length($3::text)) = $3", 3, params, &res,
	    "reading versions")) < 0)
		return error;
	distinct = ferry_pg__int(res, 0, 0);
	PQclear(res);
	if (distinct == 0)
		return FERRY_ENOTFOUND;
	if (distinct > 1)
		return ferry__error(db, FERRY_EINVALID, "version '%s' is "
			"ambiguous for this record; give more of its hash",
			hash);
	return version_row(db, ferry_pg__one(db, "SELECT v.id, v.hash, "
		"v.action, " PG_VERSION_PAYLOAD("v") " FROM ferry_version v "
		"WHERE v.entity = $1 AND v.sys_id = $2 AND left(v.hash, "
		"length($3::text)) = $3 ORDER BY v.id DESC LIMIT 1", 3, params, &res, "reading versions"), &res, out);
}

int ferry_pg__version_parent(ferry_db *db, int64_t id, int64_t *parent)
{
	ferry_pg_num n;
	const char *param = ferry_pg__num(&n, id);
	PGresult *res;
	int error;

	*parent = 0;
	error = ferry_pg__one(db, "SELECT coalesce(parent_id, 0) FROM "
		"ferry_version WHERE id = $1", 1, &param, &res,
		"reading versions");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	*parent = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

typedef struct {
	ferry_version_cb cb;
	void *payload;
} version_each_ctx;

static int version_entry(const PGresult *res, int row, void *payload)
{
	version_each_ctx *c = payload;
	ferry_version_entry v;

	v.hash = ferry_pg__str(res, row, 0);
	v.parent = ferry_pg__str(res, row, 1);
	v.action = ferry_pg__str(res, row, 2);
	v.author = ferry_pg__str(res, row, 3);
	v.at = ferry_pg__str(res, row, 4);
	v.pack = ferry_pg__str(res, row, 5);
	v.source = ferry_pg__str(res, row, 6);
	v.import_id = ferry_pg__int(res, row, 7);
	v.policy = ferry_pg__str(res, row, 8);
	v.payload = ferry_pg__str(res, row, 9);
	v.payload_len = (size_t)PQgetlength(res, row, 9);
	return c->cb(&v, c->payload);
}

int ferry_pg__version_each(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_cb cb, void *payload)
{
	const char *params[] = { entity, sys_id };
	version_each_ctx c = { cb, payload };

	return ferry_pg__each(db, "SELECT v.hash, v.parent, v.action, "
		"v.author, v.at, p.name, v.source, v.import_id, v.policy, "
		PG_VERSION_PAYLOAD("v") " FROM ferry_version v LEFT JOIN "
		"ferry_pack p ON p.id = v.pack_id WHERE v.entity = $1 AND v.sys_id = $2 ORDER BY "
		"v.id", 2, params, version_entry, &c, "reading versions");
}
