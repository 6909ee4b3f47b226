/*
 * imports.h - what the store's import files share, and nothing else
 * sees: imports.c (the import row, load, items, listings),
 * imports_plan.c (preview, resolve) and imports_apply.c (commit, back
 * out).  The functions are declared in store.h, "imports"; the SQL
 * functions their statements call are the library's (functions.c).
 */
#ifndef FERRY_STORE_IMPORTS_H
#define FERRY_STORE_IMPORTS_H

#include "sq.h"

/* ferry's own system entities, as the library lists them (its
 * ferry_system_kind()); user entities may have any other name, sys_
 * prefix included.  The catalog entities are the store's own tables. */
#define IS_SYSTEM(col) "(ferry_system_kind(" col ") > 0)"
#define CATALOG_ENTITIES "('sys_entity','sys_field')"

/* What an item staged beyond its keys (version, base, policy, vendor,
 * old, body, seal) lives in ferry_import_payload, which a commit empties
 * (schema.c, 9 -> 10), under the rowid STAGED_KEY: import and item in
 * one integer (an item number fits 32 bits, import_stage).  A record's
 * payload lives under the same key in ferry_version_payload, where a
 * commit keeps it for the version it writes from it (schema.c,
 * 14 -> 15).  STAGED(i, s) joins item alias i to its staged row s, and
 * s's payload as sp (sp.payload).  LEFT JOINs, so that SQLite keeps the
 * item as the outer loop, and a committed item still reads (its staged
 * values NULL, the payload too: it is joined through s). */
#define STAGED_KEY(import_id, item) "(" import_id " * 4294967296 + " item ")"
#define STAGED(i, s) " LEFT JOIN ferry_import_payload " s " ON " s ".k = " \
	STAGED_KEY(i ".import_id", i ".item") " LEFT JOIN " \
	"ferry_version_payload " s "p ON " s "p.k = " s ".k"
/* The staged rows of import ?1: a range of the key. */
#define STAGED_OF_IMPORT "k BETWEEN ?1 * 4294967296 AND ?1 * 4294967296 + " \
	"4294967295"
/* The columns of an item row, in the order ferry_imports__item_row()
 * reads them. */
#define ITEM_COLUMNS "i.item, i.t, i.entity, i.sys_id, i.rkey, i.action, " \
	"s.version, s.base, s.policy, s.vendor, sp.payload, s.old, s.body, " \
	"p.target_id, p.target_version, p.target_policy, p.decision, p.act, " \
	"r.resolution, r.merged, r.whole"
#define ITEM_STAGED "i.item, i.t, i.entity, i.sys_id, i.rkey, i.action, " \
	"s.version, s.base, s.policy, s.vendor, sp.payload, s.old, s.body, " \
	"NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0"
/* The item's plan and resolution (no staged values: listings). */
#define ITEM_PLAN_JOINS "ferry_import_item i LEFT JOIN ferry_import_plan p " \
	"ON p.import_id = i.import_id AND p.item = i.item LEFT JOIN " \
	"ferry_import_resolution r ON r.import_id = i.import_id AND " \
	"r.item = i.item"
/* ... and its staged values, for ITEM_COLUMNS. */
#define ITEM_JOINS ITEM_PLAN_JOINS STAGED("i", "s")
/* A problem holds facts, never words: a JSON array of [code, value...]
 * that the library words (import_facts.c).  FACT(...) is one of them;
 * a second problem of a kind on an item adds its fact to the first. */
#define PROBLEM_INSERT "INSERT INTO ferry_import_problem (import_id, item, " \
	"kind, severity, facts) "
#define FACT(args) "json_array(json_array(" args "))"
#define PROBLEM_MERGE " ON CONFLICT (import_id, item, kind) DO UPDATE SET " \
	"facts = json_insert(facts, '$[#]', excluded.facts -> '$[0]')"
/* An item's outcome once committed: what commit recorded for it (o,
 * joined by OUTCOME_JOIN; schema.c, 19 -> 20), else what its act did;
 * and its detail: commit's, else the plan's. */
#define OUTCOME "coalesce(o.outcome, CASE p.act WHEN 'insert' THEN " \
	"'inserted' WHEN 'update' THEN 'updated' WHEN 'merge' THEN " \
	"'merged' WHEN 'delete' THEN 'deleted' ELSE 'skipped' END)"
#define OUTCOME_DETAIL "coalesce(o.detail, p.detail)"
#define OUTCOME_JOIN(p) " LEFT JOIN ferry_import_outcome o ON o.import_id " \
	"= " p ".import_id AND o.item = " p ".item"
/* Append a string as an SQL literal ('it''s'). */
void ferry_imports__literal(ferry_str *s, const char *text);
/* The same for a built string: one whose building failed fails s. */
void ferry_imports__literal_of(ferry_str *s, const ferry_str *text);
/* Prepare a statement that is not cached (dynamic or long-running);
 * sql is consumed. */
int ferry_imports__prepare(ferry_db *db, ferry_str *sql, sqlite3_stmt **st,
	const char *what);
/* Run a statement built in sql (consumed), binding ?1 = id and ?2 =
 * text2 (when not NULL). */
int ferry_imports__run_sql(ferry_db *db, ferry_str *sql, int64_t id,
	const char *text2, const char *what);
/* Run cached SQL binding ?1 = id (and ?2 = text2 when not NULL). */
int ferry_imports__run(ferry_db *db, const char *sql, int64_t id,
	const char *text2, const char *what);
/* The integer a cached query of one row answers, binding ?1 = id and
 * ?2 = text2 (a count). */
int ferry_imports__count(ferry_db *db, const char *sql, int64_t id,
	const char *text2, int64_t *n, const char *what);
/* Count the words of column 0 over the rows of a cached statement (?1
 * bound) and hand cb each word and its count, by word; resets it. */
int ferry_imports__counts(ferry_db *db, sqlite3_stmt *st,
	int (*cb)(const char *word, int64_t n, void *payload), void *payload);
/* Hand each the integer of column 0 of every row of a cached statement
 * (parameters bound); resets it. */
int ferry_imports__numbers(ferry_db *db, sqlite3_stmt *st,
	int (*each)(int64_t n, void *payload), void *payload,
	const char *what);
/*
 * The records a commit writes set-wise ("fast"), each with the parent
 * of the version it gets, are kept in temp.ferry_commit_fast under
 * their staged key (imports_apply.c writes them); a commit empties it as
 * it ends (imports.c).
 * ferry_imports__commit_fast() makes sure the table is there.
 */
#define IS_FAST(k) "EXISTS (SELECT 1 FROM temp.ferry_commit_fast f WHERE " \
	"f.k = " k ")"
int ferry_imports__commit_fast(ferry_db *db);

/* Read a row of ITEM_COLUMNS (or ITEM_STAGED) into it. */
int ferry_imports__item_row(ferry_db *db, sqlite3_stmt *st,
	ferry_import_item *it);
/* Step a statement that selects one item row: decode it into out, reset
 * the statement.  FERRY_ENOTFOUND (no message) when there is none. */
int ferry_imports__item_one(ferry_db *db, sqlite3_stmt *st,
	ferry_import_item *out, const char *what);

#endif
