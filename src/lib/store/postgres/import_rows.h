/*
 * import_rows.h - what the PostgreSQL store's import files share: the
 * columns of an item row and their reading, and a cursor that walks a
 * long result a slice at a time (a million staged items are never read
 * into memory at once).  The SQLite store's sqlite/imports.h is the
 * model; the column lists are the same, in the same order.
 */
#ifndef FERRY_STORE_PG_IMPORT_ROWS_H
#define FERRY_STORE_PG_IMPORT_ROWS_H

#include "pg.h"

/* The catalog entities are the store's own tables. */
#define PG_CATALOG_ENTITIES "('sys_entity','sys_field')"

/*
 * What an item staged beyond its keys lives in ferry_import_payload,
 * which a commit empties (schema.c, 9 -> 10), and a record's payload in
 * ferry_version_payload under the key PG_STAGED_KEY, where a version a
 * commit writes from it keeps it (15 -> 16).  PG_STAGED(i, s) joins item
 * alias i to its staged row s and that row's payload sp.payload, NULLs
 * for a committed item (the join goes through s).  A statement that
 * reads no column of sp does not join it (PostgreSQL drops the join).
 */
#define PG_STAGED_KEY(import_id, item) "(" import_id " * 4294967296 + " \
	item ")"
/* ... and the same key computed on the client, for the load's COPY. */
#define PG_STAGED_K(import_id, item) ((int64_t)(import_id) * 4294967296 + \
	(int64_t)(item))
#define PG_STAGED(i, s) " LEFT JOIN ferry_import_payload " s " ON " s \
	".import_id = " i ".import_id AND " s ".item = " i ".item LEFT JOIN " \
	"ferry_version_payload " s "p ON " s "p.k = " \
	PG_STAGED_KEY(s ".import_id", s ".item")
/*
 * PG_PLAN_ROW(i, cols, cond) joins item alias i to its plan row p (cols
 * of it, where cond holds), looked up by key: OFFSET 0 keeps the
 * planner from joining the other way round, a hash of the import's
 * whole plan for every entity's statement (O(entities x records); the
 * plan's statistics predate what a commit marks in it).  An entity's
 * items are found through the staging's (import_id, t, entity, sys_id)
 * index.
 */
#define PG_PLAN_ROW(i, cols, cond) " CROSS JOIN LATERAL (SELECT " cols \
	" FROM ferry_import_plan p WHERE p.import_id = " i ".import_id AND " \
	"p.item = " i ".item" cond " OFFSET 0) p"
/* The columns of an item row, in the order ferry_pg_imports__item_row()
 * reads them. */
#define PG_ITEM_COLUMNS "i.item, i.t, i.entity, i.sys_id, i.rkey, " \
	"i.action, s.version, s.base, s.policy, s.vendor, sp.payload, s.old, " \
	"s.body, p.target_id, p.target_version, p.target_policy, " \
	"p.decision, p.act, r.resolution, r.merged, r.whole"
#define PG_ITEM_STAGED "i.item, i.t, i.entity, i.sys_id, i.rkey, " \
	"i.action, s.version, s.base, s.policy, s.vendor, sp.payload, s.old, " \
	"s.body, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0"
/* The item's plan and resolution (no staged values: listings). */
#define PG_ITEM_PLAN_JOINS "ferry_import_item i LEFT JOIN ferry_import_plan " \
	"p ON p.import_id = i.import_id AND p.item = i.item LEFT JOIN " \
	"ferry_import_resolution r ON r.import_id = i.import_id AND " \
	"r.item = i.item"
/* ... and its staged values, for PG_ITEM_COLUMNS. */
#define PG_ITEM_JOINS PG_ITEM_PLAN_JOINS PG_STAGED("i", "s")
/* An item's outcome once committed: what commit recorded for it, else
 * what its act did. */
#define PG_OUTCOME "coalesce(p.outcome, CASE p.act WHEN 'insert' THEN " \
	"'inserted' WHEN 'update' THEN 'updated' WHEN 'merge' THEN " \
	"'merged' WHEN 'delete' THEN 'deleted' ELSE 'skipped' END)"

/* Read row `row` of PG_ITEM_COLUMNS (or PG_ITEM_STAGED) into it. */
int ferry_pg_imports__item_row(ferry_db *db, const PGresult *res, int row,
	ferry_import_item *it);

/*
 * Run the query sql (text, parameters $1..$n) through a cursor and hand
 * cb every row, `slice` rows fetched at a time; a non-zero return from
 * cb stops and is returned.  Inside a transaction only (a cursor lives
 * in one).  cb may run other statements.
 */
int ferry_pg_imports__cursor(ferry_db *db, const char *sql, int n,
	const char *const *params, int slice, ferry_pg_row_cb cb,
	void *payload, const char *what);

/* Send the rows staged so far for import id (imports_stage.c); before
 * anything reads that import's items. */
int ferry_pg_imports__flush(ferry_db *db, int64_t id);

/* The integer a query of one row answers, $1 = id and $2 = text (a
 * count). */
int ferry_pg_imports__count(ferry_db *db, const char *sql, int64_t id,
	const char *text, int64_t *n, const char *what);

/* Statistics of the staging's two tables for the planner
 * (imports_plan.c): once an import's items are staged, before a
 * statement joins them. */
int ferry_pg_imports__analyze(ferry_db *db);

/* The header's pack.completed_at as SQLite's ->> hands it out
 * (imports_stage.c): text appended to out, *is_null for NULL, *number
 * for the text of a number or truth. */
int ferry_pg_imports__completed(ferry_db *db, const char *header,
	ferry_str *out, int *is_null, int *number);

#endif
