/*
 * plan_sql.h - what the PostgreSQL store's plan and commit files
 * (imports_plan.c, imports_apply.c) share: the SQL fragments that make
 * PostgreSQL's JSON text the bytes SQLite's JSON functions give, array
 * parameters for results computed on the client, and the lent functions
 * those files run there.
 *
 * Payloads and facts are TEXT; JSON is read through the json type (never
 * jsonb), whose -> hands back a member's text exactly as stored, so a
 * canonical payload's members keep their bytes as SQLite's -> keeps them.
 */
#ifndef FERRY_STORE_PG_PLAN_SQL_H
#define FERRY_STORE_PG_PLAN_SQL_H

#include "pg.h"

/* The catalog entities are the store's own tables. */
#define CATALOG_ENTITIES "('sys_entity','sys_field')"

/* x (SQL text) as the JSON text SQLite's json_quote() gives: the same
 * escapes as ferry_str_put_json(); null for NULL. */
#define JQ(x) "coalesce(to_json((" x ")::text)::text, 'null')"

/* SQLite's json_type() name of json value x (text, integer, real, true,
 * false, null, object, array); NULL for NULL. */
#define JTYPE(x) "(CASE json_typeof(" x ") WHEN 'string' THEN 'text' " \
	"WHEN 'number' THEN CASE WHEN (" x ")::text ~ '^-?[0-9]+$' THEN " \
	"'integer' ELSE 'real' END WHEN 'boolean' THEN (" x ")::text ELSE " \
	"json_typeof(" x ") END)"

/* A problem holds facts, never words (import_facts.c): a JSON array of
 * [code, value...]; a second problem of a kind on an item adds its first
 * fact to the first problem's, as SQLite's json_insert(.., '$[#]', ..). */
#define PROBLEM_INSERT "INSERT INTO ferry_import_problem (import_id, item, " \
	"kind, severity, facts) "
#define PROBLEM_MERGE " ON CONFLICT (import_id, item, kind) DO UPDATE SET " \
	"facts = left(ferry_import_problem.facts, -1) || ',' || " \
	"(excluded.facts::json -> 0)::text || ']'"

/* Append text as an SQL literal ('it''s'). */
void ferry_pg_plan__literal(ferry_str *s, const char *text);

/* Append the JSON string of text (ferry_str_put_json()) as an SQL
 * literal: '"it''s"'. */
void ferry_pg_plan__json_literal(ferry_str *s, const char *text);

/*
 * An array parameter being built: "{1,2}" or "{\"a\",NULL}", the text
 * form unnest($n::bigint[]) or $n::text[] reads.
 */
typedef struct {
	ferry_str text;
	size_t n;
} ferry_pg_array;

void ferry_pg_array_init(ferry_pg_array *a);
void ferry_pg_array_int(ferry_pg_array *a, int64_t v);
/* A text element; NULL for SQL NULL. */
void ferry_pg_array_text(ferry_pg_array *a, const char *v, size_t len);
/* The parameter's text (closes the braces); NULL when building failed. */
const char *ferry_pg_array_done(ferry_pg_array *a);
void ferry_pg_array_dispose(ferry_pg_array *a);
/* The text[] parameter of n strings, built in a (init here, dispose
 * after); NULL when building failed. */
const char *ferry_pg_array_texts(ferry_pg_array *a, const char *const *v,
	size_t n);

/*
 * Run a built statement (sql is cleared, its memory kept) with n text
 * parameters; *changed (may be NULL) receives the rows it changed.
 */
int ferry_pg_plan__run(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, int64_t *changed, const char *what);
/* The same for a query: the result is handed over in *out. */
int ferry_pg_plan__query(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, PGresult **out, const char *what);

/* Hand each the integer of column 0 of every row of res, which is
 * cleared; a non-zero return stops and is returned. */
int ferry_pg_plan__numbers(PGresult *res, int (*each)(int64_t n,
	void *payload), void *payload);
/* The same for (word, count) rows. */
int ferry_pg_plan__counts(PGresult *res, int (*cb)(const char *word,
	int64_t n, void *payload), void *payload);

/*
 * The lent ferry_fits(type, jtype, value) on the client: how a JSON value
 * of SQLite's json_type() jtype, whose SQL value (json_each's value,
 * ->>'s) has the text value, stands to type text.  *fit: 0 to 2.
 */
int ferry_pg_plan__fits(ferry_db *db, const char *type, const char *jtype,
	const char *value, int *fit);

#endif
