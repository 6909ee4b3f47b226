/*
 * sqltext.c - statements whose text is built at run time (sqltext.h).
 */
#include "sqltext.h"

void ferry_pg__table(ferry_str *s, const char *entity)
{
	ferry_pg__ident(s, PG_SCHEMA);
	ferry_str_putc(s, '.');
	ferry_pg__ident(s, entity);
}

int ferry_pg__exec_str(ferry_db *db, ferry_str *sql)
{
	int error;

	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_pg__exec(db, sql->ptr);
	ferry_str_dispose(sql);
	return error;
}

int ferry_pg__query_str(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, PGresult **out, const char *what)
{
	int error;

	if (out)
		*out = NULL;
	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_pg__query(db, sql->ptr, n, params, out, what);
	ferry_str_dispose(sql);
	return error;
}
