/*
 * imports_query.c - the store's side of delete-by-query items: the
 * records of an entity whose fields equal given values (ServiceNow's
 * delete_multiple, import_query.c), counted for the plan and listed for
 * commit.  Protected records never match.
 */
#include "imports.h"

#include <string.h>

/* SELECT what FROM entity WHERE f1 = ?1 AND ... AND not protected. */
static int query_prepare(ferry_db *db, const char *what, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	sqlite3_stmt **st)
{
	ferry_str sql = FERRY_STR_INIT;
	size_t i;
	int error;

	ferry_str_printf(&sql, "SELECT %s FROM ", what);
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " WHERE sys_policy <> 'protected'");
	for (i = 0; i < n; i++) {
		ferry_str_puts(&sql, " AND ");
		ferry_sq__ident(&sql, fields[i]);
		ferry_str_printf(&sql, " = ?%zu", i + 1);
	}
	ferry_str_puts(&sql, " ORDER BY sys_id");
	error = ferry_imports__prepare(db, &sql, st, "deleting by query");
	ferry_str_dispose(&sql);
	if (error < 0)
		return error;
	for (i = 0; i < n; i++)
		sqlite3_bind_text(*st, (int)i + 1, values[i], -1,
			SQLITE_TRANSIENT);
	return 0;
}

int ferry_sqlite__query_count(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int64_t *count)
{
	sqlite3_stmt *st;
	int error, rc;

	*count = 0;
	if ((error = query_prepare(db, "count(*)", entity, fields, values, n,
	    &st)) < 0)
		return error;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "planning");
}

int ferry_sqlite__query_each(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int (*cb)(const char *sys_id, void *payload), void *payload)
{
	sqlite3_stmt *st;
	ferry_str ids = FERRY_STR_INIT;
	const char *p;
	int error, rc;

	/* The ids first: the callback deletes rows of this table. */
	if ((error = query_prepare(db, "sys_id", entity, fields, values, n,
	    &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_str_puts(&ids, (const char *)sqlite3_column_text(st, 0));
		ferry_str_putc(&ids, '\n');
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "committing");
	else if (ferry_str_failed(&ids))
		error = ferry__oom(db);
	for (p = ids.ptr; !error && p && *p; p = strchr(p, '\n') + 1) {
		char id[64];
		size_t len = (size_t)(strchr(p, '\n') - p);

		if (len >= sizeof(id))
			continue;
		memcpy(id, p, len);
		id[len] = '\0';
		error = cb(id, payload);
	}
	ferry_str_dispose(&ids);
	return error;
}
