/*
 * imports_query.c - the PostgreSQL store's side of delete-by-query
 * items: the records of an entity whose fields equal given values
 * (ServiceNow's delete_multiple, import_query.c), counted for the plan
 * and listed for commit.  Protected records never match.
 *
 * A condition's value is text; SQLite compares it with the column's
 * affinity, so 31 matches '31' in an integer column.  Here the column
 * is read as text for the comparison.
 */
#include "pg.h"

#include <string.h>

/* SELECT what FROM entity WHERE f1::text = $1 AND ... AND not
 * protected, ordered by sys_id unless what is an aggregate (which
 * PostgreSQL, unlike SQLite, refuses to order by a column). */
static int query_sql(ferry_db *db, ferry_str *sql, const char *what,
	const char *entity, const char *const *fields, size_t n)
{
	size_t i;

	ferry_str_printf(sql, "SELECT %s FROM ", what);
	ferry_pg__ident(sql, entity);
	ferry_str_puts(sql, " WHERE sys_policy <> 'protected'");
	for (i = 0; i < n; i++) {
		ferry_str_puts(sql, " AND CAST(");
		ferry_pg__ident(sql, fields[i]);
		ferry_str_printf(sql, " AS text) = $%zu", i + 1);
	}
	if (strcmp(what, "count(*)"))
		ferry_str_puts(sql, " ORDER BY sys_id");
	return ferry_str_failed(sql) ? ferry__oom(db) : 0;
}

int ferry_pg__query_count(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int64_t *count)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res;
	int error;

	*count = 0;
	if ((error = query_sql(db, &sql, "count(*)", entity, fields,
	    n)) == 0 && (error = ferry_pg__query(db, sql.ptr, (int)n, values,
	    &res, "planning")) == 0) {
		*count = ferry_pg__int(res, 0, 0);
		PQclear(res);
	}
	ferry_str_dispose(&sql);
	return error;
}

typedef struct {
	int (*cb)(const char *sys_id, void *payload);
	void *payload;
} each_ctx;

static int id_row(const PGresult *res, int row, void *payload)
{
	each_ctx *c = payload;

	return c->cb(ferry_pg__str(res, row, 0), c->payload);
}

int ferry_pg__query_each(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int (*cb)(const char *sys_id, void *payload), void *payload)
{
	ferry_str sql = FERRY_STR_INIT;
	each_ctx c = { cb, payload };
	int error;

	/* ferry_pg__each() reads the ids first: the callback deletes rows
	 * of this table. */
	if ((error = query_sql(db, &sql, "sys_id", entity, fields, n)) == 0)
		error = ferry_pg__each(db, sql.ptr, (int)n, values, id_row, &c,
			"committing");
	ferry_str_dispose(&sql);
	return error;
}
