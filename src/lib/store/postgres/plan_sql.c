/*
 * plan_sql.c - helpers of the PostgreSQL store's plan and commit files
 * (plan_sql.h).
 */
#include "plan_sql.h"

#include "../errors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ferry_pg_plan__literal(ferry_str *s, const char *text)
{
	ferry_str_putc(s, '\'');
	for (; *text; text++) {
		if (*text == '\'')
			ferry_str_putc(s, '\'');
		ferry_str_putc(s, *text);
	}
	ferry_str_putc(s, '\'');
}

void ferry_pg_plan__json_literal(ferry_str *s, const char *text)
{
	ferry_str json = FERRY_STR_INIT;

	ferry_str_puts_json(&json, text);
	/* A text that failed to build fails the statement, which is then
	 * never run half-built. */
	if (ferry_str_failed(&json))
		s->failed = 1;
	ferry_pg_plan__literal(s, ferry_str_cstr(&json));
	ferry_str_dispose(&json);
}

void ferry_pg_array_init(ferry_pg_array *a)
{
	ferry_str_init(&a->text, FERRY_STR_DEFAULT_CAP);
	a->n = 0;
	ferry_str_putc(&a->text, '{');
}

static void separate(ferry_pg_array *a)
{
	if (a->n++ > 0)
		ferry_str_putc(&a->text, ',');
}

void ferry_pg_array_int(ferry_pg_array *a, int64_t v)
{
	separate(a);
	ferry_str_printf(&a->text, "%lld", (long long)v);
}

void ferry_pg_array_text(ferry_pg_array *a, const char *v, size_t len)
{
	size_t i;

	separate(a);
	if (!v) {
		ferry_str_puts(&a->text, "NULL");
		return;
	}
	/* Quoted always: the element "NULL", braces, commas and spaces
	 * stay text; a quote and a backslash are escaped. */
	ferry_str_putc(&a->text, '"');
	for (i = 0; i < len; i++) {
		if (v[i] == '"' || v[i] == '\\')
			ferry_str_putc(&a->text, '\\');
		ferry_str_putc(&a->text, v[i]);
	}
	ferry_str_putc(&a->text, '"');
}

const char *ferry_pg_array_done(ferry_pg_array *a)
{
	ferry_str_putc(&a->text, '}');
	return ferry_str_failed(&a->text) ? NULL : ferry_str_cstr(&a->text);
}

void ferry_pg_array_dispose(ferry_pg_array *a)
{
	ferry_str_dispose(&a->text);
}

const char *ferry_pg_array_texts(ferry_pg_array *a, const char *const *v,
	size_t n)
{
	size_t i;

	ferry_pg_array_init(a);
	for (i = 0; i < n; i++)
		ferry_pg_array_text(a, v[i], strlen(v[i]));
	return ferry_pg_array_done(a);
}

int ferry_pg_plan__run(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, int64_t *changed, const char *what)
{
	int error;

	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_pg__command(db, ferry_str_cstr(sql), n, params,
			changed, what);
	ferry_str_clear(sql);
	return error;
}

int ferry_pg_plan__query(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, PGresult **out, const char *what)
{
	int error;

	*out = NULL;
	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_pg__query(db, ferry_str_cstr(sql), n, params,
			out, what);
	ferry_str_clear(sql);
	return error;
}

/* Hand each the integer of column 0 of every row of res (cleared). */
int ferry_pg_plan__numbers(PGresult *res, int (*each)(int64_t n, void *payload),
	void *payload)
{
	int error = 0, row;

	for (row = 0; row < PQntuples(res) && !error; row++)
		error = each(ferry_pg__int(res, row, 0), payload);
	PQclear(res);
	return error;
}

/* Hand cb each (word, count) row of res (cleared). */
int ferry_pg_plan__counts(PGresult *res, int (*cb)(const char *word, int64_t n,
	void *payload), void *payload)
{
	int error = 0, row;

	for (row = 0; row < PQntuples(res) && !error; row++)
		error = cb(ferry_pg__str(res, row, 0),
			ferry_pg__int(res, row, 1), payload);
	PQclear(res);
	return error;
}

/* The SQL type SQLite hands ferry_fits() a value of json type jtype
 * as: a string stays text however it reads, an integer too large for 64
 * bits comes as a real. */
static ferry_store_type value_type(const char *jtype, const char *value)
{
	char *end;

	if (!jtype || !value)
		return FERRY_STORE_NULL;
	if (!strcmp(jtype, "text") || !strcmp(jtype, "object") ||
	    !strcmp(jtype, "array"))
		return FERRY_STORE_TEXT;
	if (!strcmp(jtype, "integer")) {
		errno = 0;
		(void)strtoll(value, &end, 10);
		return errno == ERANGE ? FERRY_STORE_REAL : FERRY_STORE_INT;
	}
	if (!strcmp(jtype, "real"))
		return FERRY_STORE_REAL;
	return FERRY_STORE_NULL;
}

int ferry_pg_plan__fits(ferry_db *db, const char *type, const char *jtype,
	const char *value, int *fit)
{
	const char *args[] = { type, jtype, value };
	const ferry_store_type types[] = { FERRY_STORE_TEXT, FERRY_STORE_TEXT,
		value_type(jtype, value) };
	ferry_str out = FERRY_STR_INIT;
	int error, is_null;

	error = ferry_pg__call_typed(db, "ferry_fits", 3, args, types, &out,
		&is_null);
	*fit = error < 0 || is_null ? 0 :
		(int)strtol(ferry_str_cstr(&out), NULL, 10);
	ferry_str_dispose(&out);
	return error;
}
