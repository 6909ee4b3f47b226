/*
 * import_rows.c - the PostgreSQL store's helpers for import rows: an
 * item row read into ferry_import_item, and a cursor over a long result
 * (import_rows.h).
 */
#include "import_rows.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

static char *col_dup(const PGresult *res, int row, int col, int *failed)
{
	char *s;

	if (PQgetisnull(res, row, col))
		return NULL;
	s = ferry__strndup(PQgetvalue(res, row, col),
		(size_t)PQgetlength(res, row, col));
	if (!s)
		*failed = 1;
	return s;
}

int ferry_pg_imports__item_row(ferry_db *db, const PGresult *res, int row,
	ferry_import_item *it)
{
	int failed = 0;

	ferry_import_item_dispose(it);
	it->item = ferry_pg__int(res, row, 0);
	it->t = col_dup(res, row, 1, &failed);
	it->entity = col_dup(res, row, 2, &failed);
	it->sys_id = col_dup(res, row, 3, &failed);
	it->rkey = col_dup(res, row, 4, &failed);
	it->action = col_dup(res, row, 5, &failed);
	it->version = col_dup(res, row, 6, &failed);
	it->base = col_dup(res, row, 7, &failed);
	it->policy = col_dup(res, row, 8, &failed);
	it->vendor = (int)ferry_pg__int(res, row, 9);
	it->payload = col_dup(res, row, 10, &failed);
	it->old = col_dup(res, row, 11, &failed);
	it->body = col_dup(res, row, 12, &failed);
	it->body_len = it->body ? (size_t)PQgetlength(res, row, 12) : 0;
	it->target_id = col_dup(res, row, 13, &failed);
	it->target_version = col_dup(res, row, 14, &failed);
	it->target_policy = col_dup(res, row, 15, &failed);
	it->decision = col_dup(res, row, 16, &failed);
	it->act = col_dup(res, row, 17, &failed);
	it->resolution = col_dup(res, row, 18, &failed);
	it->merged = col_dup(res, row, 19, &failed);
	it->whole = (int)ferry_pg__int(res, row, 20);
	return failed ? ferry__oom(db) : 0;
}

/* Run a cursor command; its result handed over in *out when asked. */
static int cursor_run(ferry_db *db, const char *sql, int n,
	const char *const *params, PGresult **out, const char *what)
{
	PGresult *res = PQexecParams(PG(db)->conn, sql, n, NULL, params,
		NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(res);
	int error;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		error = ferry_pg__error(db, res, what);
		PQclear(res);
		return error;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

int ferry_pg_imports__cursor(ferry_db *db, const char *sql, int n,
	const char *const *params, int slice, ferry_pg_row_cb cb,
	void *payload, const char *what)
{
	static unsigned next;
	ferry_str declare = FERRY_STR_INIT;
	char name[32], fetch[64], close[48];
	PGresult *res = NULL;
	int error, i, rows;

	/* Outside a transaction there is no cursor: the whole result. */
	if (PG(db)->depth == 0)
		return ferry_pg__each(db, sql, n, params, cb, payload, what);
	snprintf(name, sizeof(name), "ferry_cursor_%u", next++);
	ferry_str_printf(&declare, "DECLARE %s NO SCROLL CURSOR FOR %s", name,
		sql);
	if (ferry_str_failed(&declare)) {
		ferry_str_dispose(&declare);
		return ferry__oom(db);
	}
	error = cursor_run(db, declare.ptr, n, params, NULL, what);
	ferry_str_dispose(&declare);
	if (error < 0)
		return error;
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM %s", slice, name);
	snprintf(close, sizeof(close), "CLOSE %s", name);
	do {
		if ((error = cursor_run(db, fetch, 0, NULL, &res, what)) < 0)
			break;
		rows = PQntuples(res);
		for (i = 0; i < rows && error == 0; i++)
			error = cb(res, i, payload);
		PQclear(res);
	} while (error == 0 && rows == slice);
	/* A failed statement ended the transaction's use: no CLOSE then. */
	if (error >= 0) {
		int closed = cursor_run(db, close, 0, NULL, NULL, what);

		if (error == 0)
			error = closed;
	}
	return error;
}
