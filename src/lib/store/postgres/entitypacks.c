/*
 * entitypacks.c - the PostgreSQL store's side of entity packs: the
 * associated objects of an entity (form templates, event handlers,
 * process flows, each a system entity keyed by entity and name),
 * finding one by that key, and whether a field was ever deleted in this
 * instance.
 *
 * Object tables reach SQL only through ferry_pg__table(); callers pass
 * the names of the system entities, never user input.
 */
#include "sqltext.h"

#include <string.h>

typedef struct {
	ferry_object_cb cb;
	void *payload;
} objects_each_ctx;

static int object_row(const PGresult *res, int row, void *payload)
{
	objects_each_ctx *c = payload;
	ferry_object_row o;

	o.sys_id = ferry_pg__str(res, row, 0);
	o.name = ferry_pg__str(res, row, 1);
	o.definition = ferry_pg__str(res, row, 2);
	o.policy = ferry_pg__str(res, row, 3);
	if (!o.name)
		o.name = "";
	return c->cb(&o, c->payload);
}

int ferry_pg__objects_each(ferry_db *db, const char *table,
	const char *entity, ferry_object_cb cb, void *payload)
{
	objects_each_ctx c = { cb, payload };
	ferry_str sql = FERRY_STR_INIT;
	int error;

	ferry_str_puts(&sql, "SELECT sys_id, name, definition, sys_policy "
		"FROM ");
	ferry_pg__table(&sql, table);
	/* name is PG_TEXT: byte order, the same in every instance. */
	ferry_str_puts(&sql, " WHERE entity = $1 ORDER BY name");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	error = ferry_pg__each(db, sql.ptr, 1, &entity, object_row, &c,
		"listing associated objects");
	ferry_str_dispose(&sql);
	return error;
}

int ferry_pg__object_find(ferry_db *db, const char *table,
	const char *entity, const char *name, ferry_record_meta *out)
{
	ferry_str sql = FERRY_STR_INIT;
	const char *params[] = { entity, name };
	PGresult *res;
	int error;

	ferry_str_puts(&sql, "SELECT sys_id, sys_policy, sys_vendor, "
		"sys_version FROM ");
	ferry_pg__table(&sql, table);
	ferry_str_puts(&sql, " WHERE entity = $1 AND name = $2");
	if ((error = ferry_pg__query_str(db, &sql, 2, params, &res,
	    "finding an associated object")) < 0)
		return error;
	if (PQntuples(res) == 0) {
		error = FERRY_ENOTFOUND;
	} else {
		memset(out, 0, sizeof(*out));
		ferry_pg__copy(out->sys_id, sizeof(out->sys_id), res, 0, 0);
		ferry_pg__copy(out->policy, sizeof(out->policy), res, 0, 1);
		out->vendor = (int)ferry_pg__int(res, 0, 2);
		ferry_pg__copy(out->version, sizeof(out->version), res, 0, 3);
	}
	PQclear(res);
	return error;
}

int ferry_pg__field_deleted(ferry_db *db, const char *rkey)
{
	PGresult *res;
	int error;

	error = ferry_pg__one(db, "SELECT 1 FROM ferry_version WHERE entity = "
		"'sys_field' AND rkey = $1 AND action = 'delete' LIMIT 1", 1,
		&rkey, &res, "reading field history");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	PQclear(res);
	return 1;
}
