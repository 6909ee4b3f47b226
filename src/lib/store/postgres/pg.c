/*
 * pg.c - the PostgreSQL backend's helpers: statements prepared once per
 * connection, results read as text, SQLSTATEs in ferry's words.
 */
#include "pg.h"

#include "../errors.h"
#include "alloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first line of a libpq message, without its "ERROR:  " and the
 * newline: enough to name the failure in one line. */
static void first_line(ferry_str *out, const char *msg)
{
	const char *nl;

	if (!msg || !*msg)
		msg = "unknown error";
	if (!strncmp(msg, "ERROR:  ", 8))
		msg += 8;
	if (!strncmp(msg, "FATAL:  ", 8))
		msg += 8;
	nl = strchr(msg, '\n');
	ferry_str_put(out, msg, nl ? (size_t)(nl - msg) : strlen(msg));
}

int ferry_pg__error(ferry_db *db, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
		NULL;
	const char *location = db->path ? db->path : "the instance";
	ferry_str msg = FERRY_STR_INIT;
	int error;

	first_line(&msg, res ? PQresultErrorMessage(res) :
		db->store && PG(db)->conn ? PQerrorMessage(PG(db)->conn) :
		NULL);
	if (ferry_str_failed(&msg))
		return ferry__oom(db);
	if (!state || !strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		/* No answer: the connection is gone or the server stops. */
		error = ferry__error(db, FERRY_EIO, "lost the PostgreSQL "
			"server of %s during %s (%s); nothing more was "
			"changed: check that the server runs, then try again",
			location, what, msg.ptr);
	else if (!strcmp(state, "55P03") || !strcmp(state, "40001") ||
	    !strcmp(state, "40P01"))
		/* A lock not granted within lock_timeout, or a conflict with
		 * another transaction. */
		error = ferry_store__busy(db);
	else if (!strcmp(state, "53100"))
		error = ferry_store__full(db, what);
	else if (!strcmp(state, "53200"))
		error = ferry__oom(db);
	else if (!strncmp(state, "23", 2))
		error = ferry_store__failed(db, FERRY_ECONFLICT, what, msg.ptr);
	else if (!strcmp(state, "25006"))
		error = ferry__error(db, FERRY_EIO, "%s is read-only and %s "
			"would change it; run this where it can be written",
			location, what);
	else
		error = ferry_store__failed(db, FERRY_ERROR, what, msg.ptr);
	ferry_str_dispose(&msg);
	return error;
}

/* The name of sql's prepared statement, preparing it on first use.  A
 * statement is prepared on its connection for the connection's life;
 * when its set of the cache is full the least recently used one is
 * deallocated (stmt_cache.h). */
static int prepared(ferry_db *db, const char *sql, int n, const char **name)
{
	ferry_pg *pg = PG(db);
	size_t set, i;
	PGresult *res;
	char drop[48], *copy;

	if ((i = ferry_stmt_cache_find(&pg->cache, sql, &set)) <
	    STMT_CACHE_SIZE) {
		*name = pg->names[i];
		return 0;
	}
	/* (a statement's rows are all in its PGresult: none is in use) */
	i = ferry_stmt_cache_victim(&pg->cache, set, NULL, NULL);
	if (pg->cache.keys[i].sql) {
		snprintf(drop, sizeof(drop), "DEALLOCATE %s", pg->names[i]);
		PQclear(PQexec(pg->conn, drop));
		ferry__free(pg->cache.keys[i].sql);
		pg->cache.keys[i].sql = NULL;
	}
	snprintf(pg->names[i], sizeof(pg->names[i]), "f%u", pg->next_name++);
	res = PQprepare(pg->conn, pg->names[i], sql, n, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int error = ferry_pg__error(db, res, "prepare");

		PQclear(res);
		return error;
	}
	PQclear(res);
	if ((copy = ferry__strdup(sql)) == NULL) {
		snprintf(drop, sizeof(drop), "DEALLOCATE %s", pg->names[i]);
		PQclear(PQexec(pg->conn, drop));
		return ferry__oom(db);
	}
	ferry_stmt_cache_fill(&pg->cache, i, copy);
	*name = pg->names[i];
	return 0;
}

int ferry_pg__query(ferry_db *db, const char *sql, int n,
	const char *const *params, PGresult **out, const char *what)
{
	const char *name = NULL;
	PGresult *res;
	ExecStatusType status;
	int error;

	if (out)
		*out = NULL;
	if ((error = prepared(db, sql, n, &name)) < 0)
		return error;
	res = PQexecPrepared(PG(db)->conn, name, n, params, NULL, NULL, 0);
	status = PQresultStatus(res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
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

int ferry_pg__command(ferry_db *db, const char *sql, int n,
	const char *const *params, int64_t *changed, const char *what)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, sql, n, params, &res, what)) < 0)
		return error;
	if (changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int ferry_pg__one(ferry_db *db, const char *sql, int n,
	const char *const *params, PGresult **out, const char *what)
{
	int error;

	if ((error = ferry_pg__query(db, sql, n, params, out, what)) < 0)
		return error;
	if (PQntuples(*out) == 0) {
		PQclear(*out);
		*out = NULL;
		return FERRY_ENOTFOUND;
	}
	return 0;
}

int ferry_pg__each(ferry_db *db, const char *sql, int n,
	const char *const *params, ferry_pg_row_cb cb, void *payload,
	const char *what)
{
	PGresult *res;
	int error, i;

	if ((error = ferry_pg__query(db, sql, n, params, &res, what)) < 0)
		return error;
	for (i = 0; i < PQntuples(res) && error == 0; i++)
		error = cb(res, i, payload);
	PQclear(res);
	return error;
}

int ferry_pg__exec(ferry_db *db, const char *sql)
{
	PGresult *res = PQexec(PG(db)->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	int error = 0;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		error = ferry_pg__error(db, res, "update");
	PQclear(res);
	return error;
}

/* Append a value in COPY's text form. */
void ferry_pg__copy_value(ferry_str *out, const char *v, size_t n, int null)
{
	size_t i, run = 0;

	if (null) {
		ferry_str_put(out, "\\N", 2);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = v[i], e = c == '\\' ? '\\' : c == '\t' ? 't' :
			c == '\n' ? 'n' : c == '\r' ? 'r' : 0;

		if (!e)
			continue;
		ferry_str_put(out, v + run, i - run);
		ferry_str_putc(out, '\\');
		ferry_str_putc(out, e);
		run = i + 1;
	}
	ferry_str_put(out, v + run, n - run);
}

/* Send rows (COPY text) through one COPY statement: 0, or -1 with the
 * refusing answer in *bad (NULL when the connection failed).  Touches
 * only the connection, so that the sender may run it. */
int ferry_pg__copy_send(PGconn *conn, const char *sql, const ferry_str *rows,
	PGresult **bad)
{
	PGresult *res;
	int failed = 0;

	*bad = NULL;
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		*bad = res;
		return -1;
	}
	PQclear(res);
	if (PQputCopyData(conn, rows->ptr, (int)rows->size) != 1 ||
	    PQputCopyEnd(conn, NULL) != 1)
		failed = 1;
	while ((res = PQgetResult(conn)) != NULL) {
		if (!failed && PQresultStatus(res) != PGRES_COMMAND_OK) {
			failed = 1;
			*bad = res;
			continue;
		}
		PQclear(res);
	}
	return failed ? -1 : 0;
}

size_t ferry_pg__copy_unescape(char *s)
{
	char *start = s, *w;

	/* Most values have no escape at all: found at the speed of
	 * strchr(), they are left as they are. */
	if ((s = strchr(s, '\\')) == NULL)
		return strlen(start);
	for (w = s; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'v': *w++ = '\v'; break;
		case 'x': {
			char hex[3] = { 0 };
			int k;

			for (k = 0; k < 2 && strchr("0123456789abcdefABCDEF",
			    s[1]) && s[1]; k++)
				hex[k] = *++s;
			*w++ = (char)strtol(hex, NULL, 16);
			break;
		}
		default:
			if (*s >= '0' && *s <= '7') {
				int v = *s - '0', k;

				for (k = 0; k < 2 && s[1] >= '0' && s[1] <= '7';
				    k++)
					v = v * 8 + *++s - '0';
				*w++ = (char)v;
			} else {
				*w++ = *s;
			}
		}
	}
	*w = '\0';
	return (size_t)(w - start);
}

void ferry_pg__ident(ferry_str *s, const char *name)
{
	ferry_str_putc(s, '"');
	for (; *name; name++) {
		if (*name == '"')
			ferry_str_putc(s, '"');
		ferry_str_putc(s, *name);
	}
	ferry_str_putc(s, '"');
}

const char *ferry_pg__str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int64_t ferry_pg__int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 :
		strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void ferry_pg__copy(char *dst, size_t size, const PGresult *r, int row,
	int col)
{
	const char *s = ferry_pg__str(r, row, col);

	snprintf(dst, size, "%s", s ? s : "");
}

const char *ferry_pg__num(ferry_pg_num *buf, int64_t v)
{
	snprintf(buf->text, sizeof(buf->text), "%" PRId64, v);
	return buf->text;
}
