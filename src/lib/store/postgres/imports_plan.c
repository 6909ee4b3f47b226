/*
 * imports_plan.c - the PostgreSQL store's side of imports, part two: the
 * plan (preview) and the resolutions, as sqlite/imports_plan.c does them
 * (the reference: same rows, same facts, same order).  Records are
 * planned entity by entity with a handful of set-wise statements; where
 * SQLite's statements call a lent function (ferry_merge3(), ferry_fits()),
 * the rows it needs are read, the function runs on the client, and its
 * results go back as array parameters of the next statement.
 */
#include "import_rows.h"
#include "plan_sql.h"

#include "../errors.h"

#include <stdlib.h>
#include <string.h>

/* ---- preview ------------------------------------------------------------- */

/* Run each of n statements with $1 = id, until one fails. */
static int run_each(ferry_db *db, const char *const *sql, size_t n,
	int64_t id, const char *what)
{
	ferry_pg_num num;
	const char *params[] = { ferry_pg__num(&num, id) };
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++)
		error = ferry_pg__command(db, sql[i], 1, params, NULL, what);
	return error;
}

int ferry_pg__import_plan_reset(ferry_db *db, int64_t id)
{
	static const char *const sql[] = {
		"DELETE FROM ferry_import_plan WHERE import_id = $1",
		"DELETE FROM ferry_import_problem WHERE import_id = $1",
		"DELETE FROM ferry_import_field WHERE import_id = $1 AND scope = 1",
	};
	int error;

	if ((error = run_each(db, sql, sizeof(sql) / sizeof(sql[0]), id,
	    "planning")) < 0)
		return error;
	return ferry_pg_imports__analyze(db);
}

/*
 * The staged items were written in this transaction or just before,
 * where autovacuum has not seen them.  Without statistics the planner
 * takes the package's items for a handful and checks references with
 * nested loops, each pair parsing a payload (49 s for 20,000 items);
 * with the statistics of an earlier import, whose staged values a
 * TRUNCATE has since emptied, it scanned the whole value table for each
 * item of a load's value checks (over 5 minutes for the second import
 * of 100,000 items).  ANALYZE counts this transaction's own rows.
 */
int ferry_pg_imports__count(ferry_db *db, const char *sql, int64_t id,
	const char *text, int64_t *n, const char *what)
{
	ferry_pg_num a;
	const char *params[] = { ferry_pg__num(&a, id), text };
	PGresult *res;
	int error;

	*n = 0;
	if ((error = ferry_pg__query(db, sql, 2, params, &res, what)) < 0)
		return error;
	*n = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg_imports__analyze(ferry_db *db)
{
	int error;

	if ((error = ferry_pg__exec(db, "ANALYZE ferry_import_item")) < 0)
		return error;
	return ferry_pg__exec(db, "ANALYZE ferry_import_payload");
}

/* The canonical JSON text of column f of row t (types.h), as SQLite's
 * statement gives it from the stored value: integers (bools 1/0) are
 * stored as integers, every other type as text. */
static void canonical_expr(ferry_str *sql, const ferry_field *f)
{
	if (f->type.base == FERRY_T_BOOL) {
		ferry_str_puts(sql, "CASE t.");
		ferry_pg__ident(sql, f->name);
		ferry_str_puts(sql, "::text WHEN '1' THEN 'true' WHEN '0' THEN "
			"'false' ELSE 'null' END");
	} else if (f->type.base == FERRY_T_JSON ||
	    f->type.base == FERRY_T_FLOAT || ferry_type__is_integer(&f->type)) {
		ferry_str_puts(sql, "coalesce(t.");
		ferry_pg__ident(sql, f->name);
		ferry_str_puts(sql, "::text, 'null')");
	} else {
		ferry_str_puts(sql, "coalesce(to_json(t.");
		ferry_pg__ident(sql, f->name);
		ferry_str_puts(sql, "::text)::text, 'null')");
	}
}

/* The target's value of the field named by SQL expression `key`, as
 * canonical JSON ('null' for a field the target lacks). */
static void target_value(ferry_str *sql, const ferry_fieldset *fs,
	const char *key)
{
	size_t i;

	ferry_str_printf(sql, "(CASE %s WHEN '' THEN NULL", key);
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, " WHEN ");
		ferry_pg_plan__literal(sql, fs->fields[i].name);
		ferry_str_puts(sql, " THEN ");
		canonical_expr(sql, &fs->fields[i]);
	}
	ferry_str_puts(sql, " ELSE 'null' END)");
}

/* The target row t of item i: objects are matched by (entity, name),
 * then by sys_id; records by sys_id. */
static void target_join(ferry_str *sql, const char *entity, int by_name,
	const char *join)
{
	ferry_str_printf(sql, " %s ", join);
	ferry_pg__ident(sql, entity);
	if (!by_name) {
		ferry_str_puts(sql, " t ON t.sys_id = i.sys_id");
		return;
	}
	ferry_str_puts(sql, " t ON t.sys_id = coalesce((SELECT x.sys_id FROM ");
	ferry_pg__ident(sql, entity);
	/* SQLite's substr(k, 1, -1) is '' where PostgreSQL's refuses. */
	ferry_str_puts(sql, " x WHERE x.entity = substr(i.rkey, 1, "
		"greatest(strpos(i.rkey, ':') - 1, 0)) AND x.name = "
		"substr(i.rkey, strpos(i.rkey, ':') + 1)), i.sys_id)");
}

/*
 * Each fact of a record item (store.h, ferry_record_fact) as a condition
 * on the columns both the plan and the problems statements name: tid,
 * tver, tpol (the target's id, version, policy), action, version, base,
 * policy (the item's), conflicts, same, applied, decision, and k.item.
 */
static const struct {
	unsigned fact;
	const char *sql;
} fact_sql[] = {
	{ FERRY_FACT_PRESENT, "tid IS NOT NULL" },
	{ FERRY_FACT_SAME, "tid IS NOT NULL AND (tver = version OR "
	  "applied <> 0)" },
	{ FERRY_FACT_INSERT, "action = 'insert'" },
	{ FERRY_FACT_UPDATE, "action = 'update'" },
	{ FERRY_FACT_DELETE, "action = 'delete'" },
	{ FERRY_FACT_HAS_BASE, "base IS NOT NULL" },
	{ FERRY_FACT_AT_BASE, "tver IS NOT DISTINCT FROM base" },
	{ FERRY_FACT_FIELDS, "conflicts IS NOT NULL" },
	{ FERRY_FACT_CONFLICT, "conflicts IS NOT NULL AND conflicts <> '[]'" },
	{ FERRY_FACT_SAME_FIELDS, "same IS NOT NULL AND same <> '[]'" },
	{ FERRY_FACT_MERGE, "decision = 'merge'" },
	{ FERRY_FACT_SKIP, "decision = 'skip'" },
	{ FERRY_FACT_NO_ENTITY, "EXISTS (SELECT 1 FROM ferry_import_problem m "
	  "WHERE m.import_id = k.import_id AND m.item = k.item AND m.kind = "
	  "'missing_entity')" },
	{ FERRY_FACT_TARGET_PROTECTED, "tpol = 'protected'" },
	{ FERRY_FACT_TARGET_CHANGED, "tpol = 'changed'" },
	{ FERRY_FACT_PACKAGE_PROTECTED, "policy = 'protected'" },
	{ FERRY_FACT_PACKAGE_OPEN, "policy = 'open'" },
	{ FERRY_FACT_NOT_RECORD, "t <> 'record' OR entity IN "
	  CATALOG_ENTITIES },
	{ FERRY_FACT_ACCEPTED, "resolution = 'accept'" },
	{ FERRY_FACT_SKIPPED, "resolution = 'skip'" },
	{ FERRY_FACT_MERGED, "resolution = 'merge'" },
	{ FERRY_FACT_WHOLE, "whole <> 0" },
};

#define NFACTS (sizeof(fact_sql) / sizeof(fact_sql[0]))

/* The facts of bits as one condition, each true or false (never NULL),
 * negated when `not`. */
static void facts_cond(ferry_str *sql, unsigned bits, int not)
{
	size_t i;

	for (i = 0; i < NFACTS; i++)
		if (bits & fact_sql[i].fact)
			ferry_str_printf(sql, " AND coalesce((%s), false) = %s",
				fact_sql[i].sql, not ? "false" : "true");
}

/* A table of rules as a CASE giving the first matching row's result
 * (what 0), problem kind (1) or severity (2); NULL when none does. */
static void rule_case(ferry_str *sql, const ferry_decision_table *t,
	int what)
{
	size_t r;

	ferry_str_puts(sql, "CASE");
	for (r = 0; r < t->n; r++) {
		const ferry_decision_rule *row = &t->rows[r];
		const char *v = what == 0 ? row->then : what == 1 ? row->kind :
			row->severity;

		ferry_str_puts(sql, " WHEN true");
		facts_cond(sql, row->all, 0);
		facts_cond(sql, row->none, 1);
		ferry_str_puts(sql, " THEN ");
		if (v)
			ferry_pg_plan__literal(sql, v);
		else
			ferry_str_puts(sql, "decision");
	}
	ferry_str_puts(sql, " END");
}

int ferry_pg__import_acts(ferry_db *db, int64_t id,
	const ferry_decision_table *acts)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	int error;

	/* The plan set act = decision; resolutions change their items,
	 * and only the rows whose act changes are written (a row set to
	 * what it holds is a new row version all the same). */
	ferry_str_puts(&sql, "UPDATE ferry_import_plan AS p SET act = x.act "
		"FROM (SELECT item, ");
	rule_case(&sql, acts, 0);
	ferry_str_puts(&sql, " AS act FROM (SELECT i.item AS item, i.t AS t, "
		"i.entity AS entity, i.action AS action, q.target_id AS tid, "
		"q.decision AS decision, r.resolution AS resolution, r.whole "
		"AS whole FROM ferry_import_resolution r JOIN ferry_import_item "
		"i ON i.import_id = r.import_id AND i.item = r.item JOIN "
		"ferry_import_plan q ON q.import_id = r.import_id AND q.item = "
		"r.item WHERE r.import_id = $1) k) x WHERE p.import_id = $1 AND "
		"p.item = x.item AND p.act IS DISTINCT FROM x.act");
	error = ferry_pg_plan__run(db, &sql, 1, params, NULL, "committing");
	ferry_str_dispose(&sql);
	return error;
}

/* The fields of "old" (those the package changes) that ferry_merge3()
 * decides, item by item, as JSON arrays of names. */
typedef struct {
	ferry_pg_array items, conflicts, same;
	ferry_str c, s;		/* the current item's arrays */
	int64_t item;		/* the current item, -1 before the first */
} merge_facts;

static void merge_flush(merge_facts *m)
{
	if (m->item < 0)
		return;
	ferry_str_putc(&m->c, ']');
	ferry_str_putc(&m->s, ']');
	ferry_pg_array_int(&m->items, m->item);
	ferry_pg_array_text(&m->conflicts, m->c.ptr, m->c.size);
	ferry_pg_array_text(&m->same, m->s.ptr, m->s.size);
}

static void merge_add(ferry_str *a, const char *key)
{
	if (a->size > 1)
		ferry_str_putc(a, ',');
	ferry_str_puts_json(a, key);
}

/*
 * Read, for the updates of entity whose target is neither at their base
 * nor at their version and that carry old values, each old field with
 * its base, target and package values; run ferry_merge3() on each; hand
 * back the arrays (item, conflicts: fields it decides 3, same: 2).
 */
static int merge_read(ferry_db *db, int64_t id, const char *entity,
	const ferry_fieldset *fs, int by_name, merge_facts *m)
{
	ferry_str sql = FERRY_STR_INIT, out = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), entity };
	PGresult *res;
	int error, row;

	ferry_str_puts(&sql, "SELECT i.item, o.key, o.value::text, ");
	target_value(&sql, fs, "o.key");
	ferry_str_puts(&sql, ", (svp.payload::json -> o.key)::text FROM "
		"ferry_import_item i" PG_STAGED("i", "sv"));
	target_join(&sql, entity, by_name, "JOIN");
	ferry_str_puts(&sql, " LEFT JOIN LATERAL json_each(sv.old::json) WITH "
		"ORDINALITY AS o(key, value, n) ON true WHERE i.import_id = $1 "
		"AND i.t = 'record' AND i.entity = $2 AND i.action = 'update' "
		"AND t.sys_version IS DISTINCT FROM sv.base AND t.sys_version "
		"<> sv.version AND sv.old IS NOT NULL ORDER BY i.item, o.n");
	error = ferry_pg_plan__query(db, &sql, 2, params, &res,
		"planning records");
	ferry_str_dispose(&sql);
	if (error < 0)
		return error;
	for (row = 0; row < PQntuples(res) && !error; row++) {
		const char *key = ferry_pg__str(res, row, 1);
		const char *args[] = { ferry_pg__str(res, row, 2),
			ferry_pg__str(res, row, 3),
			ferry_pg__str(res, row, 4) };
		int is_null;

		if (ferry_pg__int(res, row, 0) != m->item) {
			merge_flush(m);
			m->item = ferry_pg__int(res, row, 0);
			ferry_str_clear(&m->c);
			ferry_str_clear(&m->s);
			ferry_str_putc(&m->c, '[');
			ferry_str_putc(&m->s, '[');
		}
		if (!key)
			continue;	/* old is {}: no field */
		ferry_str_clear(&out);
		if ((error = ferry_pg__call(db, "ferry_merge3", 3, args, &out,
		    &is_null)) < 0 || is_null)
			continue;
		if (!strcmp(ferry_str_cstr(&out), "3"))
			merge_add(&m->c, key);
		else if (!strcmp(ferry_str_cstr(&out), "2"))
			merge_add(&m->s, key);
	}
	merge_flush(m);
	PQclear(res);
	ferry_str_dispose(&out);
	if (!error && (ferry_str_failed(&m->c) || ferry_str_failed(&m->s)))
		error = ferry__oom(db);
	return error;
}

int ferry_pg__import_plan_records(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int by_name,
	const ferry_decision_table *decide)
{
	ferry_str sql = FERRY_STR_INIT;
	merge_facts m;
	ferry_pg_num n;
	const char *params[5] = { ferry_pg__num(&n, id), entity };
	int error = 0;

	memset(&m, 0, sizeof(m));
	m.item = -1;
	ferry_pg_array_init(&m.items);
	ferry_pg_array_init(&m.conflicts);
	ferry_pg_array_init(&m.same);
	if (fs) {
		if ((error = merge_read(db, id, entity, fs, by_name, &m)) < 0)
			goto done;
		params[2] = ferry_pg_array_done(&m.items);
		params[3] = ferry_pg_array_done(&m.conflicts);
		params[4] = ferry_pg_array_done(&m.same);
		if (!params[2] || !params[3] || !params[4]) {
			error = ferry__oom(db);
			goto done;
		}
		ferry_str_puts(&sql, "WITH m AS (SELECT * FROM unnest("
			"$3::bigint[], $4::text[], $5::text[]) AS m(item, "
			"conflicts, same)) ");
	}
	ferry_str_puts(&sql, "INSERT INTO ferry_import_plan (import_id, item, "
		"target_id, target_version, target_policy, conflicts, same, "
		"applied, decision, act) SELECT import_id, item, tid, tver, "
		"tpol, conflicts, same, applied, d, d FROM (SELECT import_id, "
		"item, tid, tver, tpol, conflicts, same, applied, ");
	rule_case(&sql, decide, 0);
	ferry_str_puts(&sql, " AS d FROM (SELECT i.import_id, i.item, "
		"i.action, sv.version, sv.base, ");
	if (!fs) {
		ferry_str_puts(&sql, "NULL::text AS tid, NULL::text AS tver, "
			"NULL::text AS tpol, NULL::text AS conflicts, NULL::text "
			"AS same, 0 AS applied FROM ferry_import_item i"
			PG_STAGED("i", "sv"));
		goto where;
	}
	ferry_str_puts(&sql, "t.sys_id AS tid, t.sys_version AS tver, "
		"t.sys_policy AS tpol, m.conflicts AS conflicts, m.same AS "
		"same, ");
	/* Already applied: every field the package declares holds the
	 * package's value (a payload leaves out nulls).  The payload's
	 * members come from one json_each() a row, each as it is written:
	 * a -> a field parsed the whole payload again for every field.
	 * A target at the item's base with a declared field in the item's
	 * old values is not applied, without reading the payload (as in
	 * sqlite/imports_plan.c, applied_expr()). */
	ferry_str_puts(&sql, "CASE WHEN t.sys_id IS NOT NULL AND i.action <> "
		"'delete' AND t.sys_version IS DISTINCT FROM sv.version THEN "
		"(CASE WHEN t.sys_version IS NOT DISTINCT FROM sv.base AND "
		"sv.old IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(CASE "
		"WHEN json_typeof(sv.old::json) = 'object' THEN sv.old::json "
		"ELSE '{}'::json END) o JOIN ferry_import_field d ON d.name = "
		"o.key WHERE d.import_id = i.import_id AND d.scope = 0 AND "
		"d.entity = i.entity) THEN 0 ELSE "
		"(NOT EXISTS (SELECT 1 FROM ferry_import_field d LEFT JOIN "
		"json_each(svp.payload::json) e ON e.key = d.name WHERE "
		"d.import_id = i.import_id AND d.scope = 0 AND d.entity = "
		"i.entity AND ");
	target_value(&sql, fs, "d.name");
	ferry_str_puts(&sql, " IS DISTINCT FROM coalesce(e.value::text, "
		"'null')))::int END) ELSE 0 END AS applied FROM "
		"ferry_import_item i" PG_STAGED("i", "sv"));
	target_join(&sql, entity, by_name, "LEFT JOIN");
	ferry_str_puts(&sql, " LEFT JOIN m ON m.item = i.item");
where:
	/* OFFSET 0 keeps each subquery whole: pulled up, its applied was
	 * computed three times a row (once as a column, once in each of
	 * the two uses of d), which on a populated target was most of the
	 * statement (docs/performance.md, "Already applied, computed once
	 * a record"). */
	ferry_str_puts(&sql, " WHERE i.import_id = $1 AND i.t = 'record' AND "
		"i.entity = $2 OFFSET 0) a OFFSET 0) b");
	error = ferry_pg_plan__run(db, &sql, fs ? 5 : 2, params, NULL,
		"planning records");
done:
	ferry_str_dispose(&sql);
	ferry_str_dispose(&m.c);
	ferry_str_dispose(&m.s);
	ferry_pg_array_dispose(&m.items);
	ferry_pg_array_dispose(&m.conflicts);
	ferry_pg_array_dispose(&m.same);
	return error;
}

int ferry_pg__import_plan_put(ferry_db *db, int64_t id, int64_t item,
	const char *target_id, const char *target_version,
	const char *decision, const char *detail)
{
	ferry_pg_num a, b;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item), target_id, target_version, decision,
		detail };

	/* SQLite's INSERT OR REPLACE: a replaced row keeps nothing of the
	 * old one. */
	return ferry_pg__command(db, "INSERT INTO ferry_import_plan "
		"(import_id, item, target_id, target_version, decision, act, "
		"detail) VALUES ($1, $2, $3::text, $4::text, $5::text, "
		"$5::text, $6::text) ON CONFLICT (import_id, item) DO UPDATE "
		"SET target_id = excluded.target_id, target_version = "
		"excluded.target_version, target_policy = NULL, conflicts = "
		"NULL, decision = excluded.decision, act = excluded.act, fast "
		"= 0, before_id = NULL, before_hash = NULL, outcome = NULL, "
		"detail = excluded.detail, same = NULL, applied = 0", 6, params,
		NULL, "planning");
}

/* Items of kinds other than record, schema, formula, dataset and
 * delete_query. */
#define OTHER_KINDS "(t < 'dataset' OR (t > 'dataset' AND t < " \
	"'delete_query') OR (t > 'delete_query' AND t < 'formula') " \
	"OR (t > 'formula' AND t < 'record') OR (t > 'record' AND t < " \
	"'schema') OR t > 'schema')"

int ferry_pg__import_plan_rest(ferry_db *db, int64_t id)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	int error;

	if ((error = ferry_pg__command(db, "INSERT INTO ferry_import_problem "
	    "(import_id, item, kind, severity, facts) SELECT import_id, "
	    "item, 'unknown_item', 'info', '[[\"unknown_item\",' || " JQ("t")
	    " || ']]' FROM ferry_import_item WHERE import_id = $1 AND "
	    OTHER_KINDS, 1, params, NULL, "planning")) < 0)
		return error;
	return ferry_pg__command(db, "INSERT INTO ferry_import_plan "
		"(import_id, item, decision, act) SELECT import_id, item, "
		"'skip', 'skip' FROM ferry_import_item WHERE import_id = $1 AND "
		OTHER_KINDS, 1, params, NULL, "planning");
}

int ferry_pg__import_problem_put(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const char *facts)
{
	ferry_pg_num a, b;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item), kind, severity, facts };

	return ferry_pg__command(db, PROBLEM_INSERT "VALUES ($1, $2, $3, $4, "
		"$5)" PROBLEM_MERGE, 5, params, NULL, "recording a problem");
}

/* The problem kind (what 1) or severity (2) of table t's code, column
 * c<t>. */
static void code_case(ferry_str *sql, const ferry_decision_table *t,
	int column, int what)
{
	size_t r;

	ferry_str_printf(sql, "CASE c%d", column);
	for (r = 0; r < t->n; r++) {
		ferry_str_puts(sql, " WHEN ");
		ferry_pg_plan__literal(sql, t->rows[r].then);
		ferry_str_puts(sql, " THEN ");
		ferry_pg_plan__literal(sql, what == 1 ? t->rows[r].kind :
			t->rows[r].severity);
	}
	ferry_str_puts(sql, " END");
}

/* The JSON array of the keys of object `json` (text), in its order. */
#define KEYS_OF(json) "(SELECT coalesce('[' || string_agg(to_json(o.key)" \
	"::text, ',' ORDER BY o.n) || ']', '[]') FROM json_each((" json \
	")::json) WITH ORDINALITY AS o(key, value, n))"

/*
 * The problems versions and policies decide, in one pass over the plan:
 * each of the library's three tables gives an item at most one problem
 * (a fact code, its kind and severity), from the facts of store.h.  Two
 * tables giving one item the same kind make one problem with both facts,
 * the first table's severity (SQLite's upsert of one statement).
 */
int ferry_pg__import_problems_records(ferry_db *db, int64_t id,
	const ferry_decision_table tables[3])
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	int t, error;

	/* Every record is planned by now: the problems' statements join
	 * the plan, which the planner must know the size of
	 * (ferry_pg__import_plan_reset()). */
	if ((error = ferry_pg__exec(db, "ANALYZE ferry_import_plan")) < 0)
		return error;
	/* Only the rows with a problem are kept (f), as on SQLite: most
	 * items have none, and keeping every item's row took half of the
	 * statement (docs/performance.md, "The PostgreSQL load and its
	 * plan's marks"). */
	ferry_str_puts(&sql, "WITH k AS (SELECT i.import_id AS "
		"import_id, i.item AS item, i.entity AS entity, i.rkey AS "
		"rkey, i.sys_id AS sys_id, i.action AS action, sv.version AS "
		"version, sv.base AS base, sv.policy AS policy, sv.old AS old, "
		"p.conflicts AS conflicts, p.same AS same, p.target_id AS tid, "
		"p.target_version AS tver, p.target_policy AS tpol, p.applied "
		"AS applied, p.decision AS decision FROM ferry_import_plan p "
		"JOIN ferry_import_item i ON i.import_id = p.import_id AND "
		"i.item = p.item" PG_STAGED("i", "sv") " WHERE p.import_id = $1 "
		"AND i.t = 'record' AND i.entity NOT IN " CATALOG_ENTITIES "), "
		"f AS MATERIALIZED "
		"(SELECT * FROM (SELECT *");
	for (t = 0; t < 3; t++) {
		ferry_str_puts(&sql, ", ");
		rule_case(&sql, &tables[t], 0);
		ferry_str_printf(&sql, " AS c%d", t);
	}
	ferry_str_puts(&sql, " FROM k) x WHERE c0 IS NOT NULL OR c1 IS NOT "
		"NULL OR c2 IS NOT NULL), u AS (");
	for (t = 0; t < 3; t++) {
		ferry_str_printf(&sql, "%sSELECT %d AS n, import_id, item, ",
			t ? " UNION ALL " : "", t);
		code_case(&sql, &tables[t], t, 1);
		ferry_str_puts(&sql, " AS kind, ");
		code_case(&sql, &tables[t], t, 2);
		/* The facts every record problem's words may name. */
		ferry_str_printf(&sql, " AS severity, '[' || " JQ("c%d")
			" || ',' || " JQ("entity") " || ',' || " JQ("rkey")
			" || ',' || " JQ("sys_id") " || ',' || " JQ("policy")
			" || ',' || coalesce(conflicts, '[]') || ',' || "
			KEYS_OF("old") " || ',' || coalesce(same, '[]') || "
			"']' AS fact FROM f WHERE c%d IS NOT NULL", t, t);
	}
	ferry_str_puts(&sql, ") " PROBLEM_INSERT "SELECT import_id, item, "
		"kind, (array_agg(severity ORDER BY n))[1], '[' || "
		"string_agg(fact, ',' ORDER BY n) || ']' FROM u GROUP BY "
		"import_id, item, kind" PROBLEM_MERGE);
	error = ferry_pg_plan__run(db, &sql, 1, params, NULL, "planning");
	ferry_str_dispose(&sql);
	return error;
}

int ferry_pg__import_problems_entity(ferry_db *db, int64_t id,
	const char *entity, const char *facts)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), entity, facts };

	return ferry_pg__command(db, PROBLEM_INSERT "SELECT import_id, item, "
		"'missing_entity', 'error', $3::text FROM ferry_import_item "
		"WHERE import_id = $1 AND t = 'record' AND entity = $2 AND "
		"action <> 'delete'" PROBLEM_MERGE, 3, params, NULL,
		"planning");
}

/* Does the import write (deletes 0) or delete (deletes 1) record
 * ref_entity/v?  An item counts unless it is skipped (or, deleting,
 * hand-merged); accepting a delete deletes. */
static void package_writes(ferry_str *sql, const char *ref_entity,
	const char *v, int deletes)
{
	ferry_str_puts(sql, "EXISTS (SELECT 1 FROM ferry_import_item k LEFT "
		"JOIN ferry_import_resolution kr ON kr.import_id = k.import_id "
		"AND kr.item = k.item WHERE k.import_id = $1 AND k.t = "
		"'record' AND k.entity = ");
	ferry_pg_plan__literal(sql, ref_entity);
	ferry_str_printf(sql, " AND k.sys_id = %s AND ", v);
	ferry_str_puts(sql, deletes ? "k.action = 'delete' AND "
		"(kr.resolution IS NULL OR kr.resolution = 'accept'))" :
		"CASE kr.resolution WHEN 'skip' THEN false WHEN 'merge' THEN "
		"true ELSE k.action <> 'delete' END)");
}

/* Will ref_entity/v exist once the import is committed? */
static void ref_exists(ferry_str *sql, const char *ref_entity, const char *v,
	int table)
{
	ferry_str_putc(sql, '(');
	if (table) {
		ferry_str_puts(sql, "(EXISTS (SELECT 1 FROM ");
		ferry_pg__ident(sql, ref_entity);
		ferry_str_printf(sql, " r WHERE r.sys_id = %s) AND NOT ", v);
		package_writes(sql, ref_entity, v, 1);
		ferry_str_puts(sql, ") OR ");
	}
	package_writes(sql, ref_entity, v, 0);
	ferry_str_putc(sql, ')');
}

/*
 * The items of entity whose field the check applies to: planned to be
 * written, and for a merge only when the package changes the field or
 * the merge is accepted whole (it then writes every field).  Each item
 * comes with its plan row by key (PG_PLAN_ROW), and the field's member
 * is rv.j (NULL when absent), the payload parsed once a row: each -> on
 * a json text parses all of it again.  With kept (FERRY_CHECK_REF_KEPT)
 * the member is read from the reference values the load kept with the
 * item, and a payload only for an item staged without them.
 */
static void field_items(ferry_str *sql, const char *field, int kept)
{
	ferry_str_puts(sql, " FROM ferry_import_item i" PG_PLAN_ROW("i",
		"p.decision", ""));
	if (kept) {
		ferry_str_puts(sql, " CROSS JOIN LATERAL (SELECT (CASE WHEN "
			"i.refs IS NULL THEN (SELECT sv.payload::json FROM "
			"ferry_version_payload sv WHERE sv.k = "
			PG_STAGED_KEY("i.import_id", "i.item") ") ELSE "
			"i.refs::json "
			"END) -> ");
	} else {
		ferry_str_puts(sql, PG_STAGED("i", "sv") " CROSS JOIN LATERAL "
			"(SELECT svp.payload::json -> ");
	}
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, " AS j OFFSET 0) rv WHERE i.import_id = $1 AND "
		"i.t = 'record' AND i.entity = $2 AND "
		"p.decision IN ('insert', 'update', 'merge') AND (p.decision "
		"<> 'merge' OR EXISTS (SELECT 1 FROM ferry_import_resolution "
		"wr WHERE wr.import_id = i.import_id AND wr.item = i.item AND "
		"wr.whole <> 0) OR (");
	ferry_str_puts(sql, kept ? "(SELECT sv.old::json FROM "
		"ferry_import_payload sv WHERE sv.import_id = i.import_id AND "
		"sv.item = i.item)" : "sv.old::json");
	ferry_str_puts(sql, " -> ");
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, ") IS NOT NULL)");
}

/*
 * The values of field that ferry_fits() refuses for type: read with
 * SQLite's json_type() and ->> value, judged on the client; hands back
 * the items as an array parameter.
 */
static int type_refused(ferry_db *db, int64_t id, const char *entity,
	const char *field, const ferry_field *target, ferry_pg_array *items)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), entity };
	PGresult *res;
	int error, row, fit;

	ferry_str_puts(&sql, "SELECT i.item, " JTYPE("rv.j") ", rv.j #>> "
		"'{}'");
	field_items(&sql, field, 0);
	ferry_str_puts(&sql, " AND rv.j IS NOT NULL ORDER BY i.item");
	if ((error = ferry_pg_plan__query(db, &sql, 2, params, &res,
	    "planning")) < 0)
		goto done;
	for (row = 0; row < PQntuples(res) && !error; row++) {
		if ((error = ferry_pg_plan__fits(db, target->type_text,
		    ferry_pg__str(res, row, 1), ferry_pg__str(res, row, 2),
		    &fit)) < 0)
			break;
		if (fit == 0)
			ferry_pg_array_int(items, ferry_pg__int(res, row, 0));
	}
	PQclear(res);
done:
	ferry_str_dispose(&sql);
	return error;
}

int ferry_pg__import_problems_field(ferry_db *db, int64_t id,
	const char *entity, const char *field, ferry_value_check check,
	const ferry_field *target)
{
	ferry_str sql = FERRY_STR_INIT, v = FERRY_STR_INIT;
	ferry_pg_array refused;
	ferry_pg_num n;
	const char *params[3] = { ferry_pg__num(&n, id), entity };
	int error = 0, table;

	ferry_pg_array_init(&refused);
	/* The value as SQLite's ->> gives it (field_items()). */
	ferry_str_puts(&v, "(rv.j #>> '{}')");
	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT i.import_id, i.item, ");
	switch (check) {
	case FERRY_CHECK_MISSING:
		ferry_str_puts(&sql, "'missing_field', 'error', "
			"'[[\"missing_field\",' || " JQ("i.entity") " || ','"
			" || ");
		ferry_pg_plan__json_literal(&sql, field);
		break;
	case FERRY_CHECK_TYPE:
		ferry_str_puts(&sql, "'type_mismatch', 'error', "
			"'[[\"type_mismatch\",' || " JQ("i.entity") " || ',' "
			"|| " JQ("i.rkey") " || ',' || " JQ("$3::text")
			" || ',' || " JQ("$4::text"));
		break;
	case FERRY_CHECK_REF:
	case FERRY_CHECK_REF_KEPT:
		ferry_str_puts(&sql, "'missing_reference', 'error', "
			"'[[\"missing_reference\",' || " JQ("i.entity") " || "
			"',' || " JQ("$3::text") " || ',' || " JQ("$4::text")
			" || ',' || coalesce(rv.j::text, 'null')");
		break;
	}
	ferry_str_puts(&sql, " || ']]'");
	field_items(&sql, field, check == FERRY_CHECK_REF_KEPT);
	ferry_str_puts(&sql, " AND ");
	switch (check) {
	case FERRY_CHECK_MISSING:
		ferry_str_printf(&sql, "%s IS NOT NULL", ferry_str_cstr(&v));
		break;
	case FERRY_CHECK_TYPE:
		if ((error = type_refused(db, id, entity, field, target,
		    &refused)) < 0)
			goto done;
		if (refused.n == 0)
			goto done;
		ferry_str_puts(&sql, "i.item = ANY ($5::bigint[])");
		break;
	case FERRY_CHECK_REF:
	case FERRY_CHECK_REF_KEPT:
		if ((table = ferry_pg__entity_exists(db,
		    target->type.ref)) < 0) {
			error = table;
			goto done;
		}
		ferry_str_printf(&sql, "%s IS NOT NULL AND NOT ",
			ferry_str_cstr(&v));
		ref_exists(&sql, target->type.ref, ferry_str_cstr(&v), table);
		break;
	}
	ferry_str_puts(&sql, PROBLEM_MERGE);
	if (check == FERRY_CHECK_MISSING) {
		error = ferry_pg_plan__run(db, &sql, 2, params, NULL,
			"planning");
	} else if (check == FERRY_CHECK_TYPE) {
		const char *all[5] = { params[0], entity, field,
			target->type_text, ferry_pg_array_done(&refused) };

		error = all[4] ? ferry_pg_plan__run(db, &sql, 5, all, NULL,
			"planning") : ferry__oom(db);
	} else {
		const char *all[4] = { params[0], entity, field,
			target->type.ref };

		error = ferry_pg_plan__run(db, &sql, 4, all, NULL, "planning");
	}
done:
	ferry_str_dispose(&sql);
	ferry_str_dispose(&v);
	ferry_pg_array_dispose(&refused);
	return error;
}

int ferry_pg__import_referrers(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, const char *field,
	const char *ref_entity, void *payload), void *payload)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	PGresult *res;
	int error, row;

	if ((error = ferry_pg__query(db, "SELECT f.entity, f.name, r FROM "
	    "(SELECT entity, name, substr(type, 5, length(type) - 5) AS r "
	    "FROM sys_field WHERE type LIKE 'ref(%') f WHERE r IN (SELECT "
	    "DISTINCT i.entity FROM ferry_import_item i JOIN "
	    "ferry_import_plan p ON p.import_id = i.import_id AND p.item = "
	    "i.item WHERE i.import_id = $1 AND i.t = 'record' AND "
	    "p.decision = 'delete') ORDER BY 1, 2", 1, params, &res,
	    "planning")) < 0)
		return error;
	for (row = 0; row < PQntuples(res) && !error; row++)
		error = cb(ferry_pg__str(res, row, 0),
			ferry_pg__str(res, row, 1),
			ferry_pg__str(res, row, 2), payload);
	PQclear(res);
	return error;
}

/* Does the import re-point target record `entity`/x.sys_id: write it
 * with `field` no longer holding d.sys_id?  A merge that is not
 * accepted whole writes only the fields the package changed (those in
 * its old values) and a hand merge's patch: any other field keeps the
 * target's value, d.sys_id. */
static void package_repoints(ferry_str *sql, const char *entity,
	const char *field)
{
	ferry_str_puts(sql, "EXISTS (SELECT 1 FROM ferry_import_item k LEFT "
		"JOIN ferry_import_resolution kr ON kr.import_id = k.import_id "
		"AND kr.item = k.item LEFT JOIN ferry_import_plan kp ON "
		"kp.import_id = k.import_id AND kp.item = k.item"
		PG_STAGED("k", "ksv") " WHERE k.import_id = $1 AND k.t = "
		"'record' AND k.entity = ");
	ferry_pg_plan__literal(sql, entity);
	ferry_str_puts(sql, " AND k.sys_id = x.sys_id AND k.action <> "
		"'delete' AND kr.resolution IS DISTINCT FROM 'skip' AND CASE "
		"WHEN kr.resolution = 'merge' AND (kr.merged::json -> ");
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, ") IS NOT NULL THEN kr.merged::json ->> ");
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, " WHEN kp.decision = 'merge' AND coalesce("
		"kr.whole, 0) = 0 AND (ksv.old::json -> ");
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, ") IS NULL THEN d.sys_id ELSE "
		"ksvp.payload::json ->> ");
	ferry_pg_plan__literal(sql, field);
	ferry_str_puts(sql, " END IS DISTINCT FROM d.sys_id)");
}

/* At most this many referring records are named in a message. */
#define REFERRERS_NAMED 5

int ferry_pg__import_problems_referenced(ferry_db *db, int64_t id,
	const char *entity, const char *field, const char *ref_entity)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	int error;

	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT import_id, item, "
		"'still_referenced', 'error', '[[\"still_referenced\",' || "
		JQ("rentity") " || ',' || " JQ("rsys_id") " || ',' || ");
	ferry_pg_plan__json_literal(&sql, entity);
	ferry_str_puts(&sql, " || ',' || ");
	ferry_pg_plan__json_literal(&sql, field);
	ferry_str_printf(&sql, " || ',' || n || ',' || names || "
		"',' || (n > %d)::int || ']]' FROM (SELECT d.import_id AS "
		"import_id, d.item AS item, d.entity AS rentity, d.sys_id AS "
		"rsys_id, count(*) AS n, (SELECT coalesce('[' || "
		"string_agg(to_json(s)::text, ',' ORDER BY s) || ']', '[]') "
		"FROM (SELECT y.sys_id AS s FROM ", REFERRERS_NAMED);
	ferry_pg__ident(&sql, entity);
	ferry_str_puts(&sql, " y WHERE y.");
	ferry_pg__ident(&sql, field);
	ferry_str_printf(&sql, " = d.sys_id ORDER BY y.sys_id LIMIT %d) z) "
		"AS names FROM ", REFERRERS_NAMED);
	ferry_pg__ident(&sql, entity);
	ferry_str_puts(&sql, " x JOIN ferry_import_item d ON d.import_id = $1 "
		"AND d.t = 'record' AND d.entity = ");
	ferry_pg_plan__literal(&sql, ref_entity);
	ferry_str_puts(&sql, " AND d.sys_id = x.");
	ferry_pg__ident(&sql, field);
	ferry_str_puts(&sql, " JOIN ferry_import_plan dp ON dp.import_id = "
		"d.import_id AND dp.item = d.item AND dp.decision = 'delete' "
		"WHERE NOT ");
	package_writes(&sql, entity, "x.sys_id", 1);
	ferry_str_puts(&sql, " AND NOT ");
	package_repoints(&sql, entity, field);
	ferry_str_puts(&sql, " GROUP BY d.import_id, d.item, d.entity, "
		"d.sys_id) w" PROBLEM_MERGE);
	error = ferry_pg_plan__run(db, &sql, 1, params, NULL, "planning");
	ferry_str_dispose(&sql);
	return error;
}

/* Problems that keep a commit back: errors without a resolution that
 * answers them. */
#define UNRESOLVED "FROM ferry_import_problem pr LEFT JOIN " \
	"ferry_import_resolution r ON r.import_id = pr.import_id AND r.item " \
	"= pr.item WHERE pr.import_id = $1 AND pr.severity = 'error' AND " \
	"(r.resolution IS NULL OR (r.resolution = 'accept' AND strpos(',' || " \
	"'" FERRY_IMPORT_NOT_ACCEPTABLE "' || ',', ',' || pr.kind || ',') > " \
	"0) OR (r.resolution = 'merge' AND pr.kind IN " \
	"('formula_draft_exists', 'missing_entity')))"

int ferry_pg__import_unresolved(ferry_db *db, int64_t id, int64_t *count,
	int (*each)(int64_t item, void *payload), void *payload)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	PGresult *res;
	int error;

	*count = 0;
	if ((error = ferry_pg__query(db, "SELECT count(DISTINCT pr.item) "
	    UNRESOLVED, 1, params, &res, "reading an import")) < 0)
		return error;
	*count = ferry_pg__int(res, 0, 0);
	PQclear(res);
	if (!each)
		return 0;
	if ((error = ferry_pg__query(db, "SELECT DISTINCT pr.item "
	    UNRESOLVED " ORDER BY pr.item", 1, params, &res,
	    "reading an import")) < 0)
		return error;
	return ferry_pg_plan__numbers(res, each, payload);
}

int ferry_pg__import_discard(ferry_db *db, int64_t id)
{
	static const char *const sql[] = {
		"DELETE FROM ferry_import_problem WHERE import_id = $1",
		"DELETE FROM ferry_import_resolution WHERE import_id = $1",
		"DELETE FROM ferry_import_plan WHERE import_id = $1",
		"DELETE FROM ferry_import_field WHERE import_id = $1",
		"DELETE FROM ferry_import_item WHERE import_id = $1",
		"DELETE FROM ferry_import_payload WHERE import_id = $1",
		/* (no version keeps a payload of an import not committed) */
		("DELETE FROM ferry_version_payload WHERE k BETWEEN "
		 PG_STAGED_KEY("$1::bigint", "0") " AND "
		 PG_STAGED_KEY("$1::bigint", "4294967295")),
		("DELETE FROM ferry_import WHERE id = $1 AND state IN "
		 "('loaded', 'previewed')"),
	};

	return run_each(db, sql, sizeof(sql) / sizeof(sql[0]), id,
		"discarding an import");
}

#define SEVERITY_ORDER "CASE pr.severity WHEN 'error' THEN 0 WHEN " \
	"'warning' THEN 1 ELSE 2 END"

int ferry_pg__import_decision_counts(ferry_db *db, int64_t id,
	int (*cb)(const char *decision, int64_t n, void *payload),
	void *payload)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT decision, count(*) FROM "
	    "ferry_import_plan WHERE import_id = $1 GROUP BY decision ORDER "
	    "BY decision", 1, params, &res, "reading an import")) < 0)
		return error;
	return ferry_pg_plan__counts(res, cb, payload);
}

/* The problems a filter keeps ($2 severity, $3 kind, $4 entity; NULL
 * for any).  The item is read only for an entity filter. */
#define PROBLEM_FILTER "pr.import_id = $1 AND ($2::text IS NULL OR " \
	"pr.severity = $2::text) AND ($3::text IS NULL OR pr.kind = " \
	"$3::text) AND ($4::text IS NULL OR (SELECT coalesce(fi.entity, " \
	"fi.t) FROM ferry_import_item fi WHERE fi.import_id = pr.import_id " \
	"AND fi.item = pr.item) = $4::text)"

int ferry_pg__import_problem_kinds(ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const char *kind, int64_t n, void *payload), void *payload,
	int64_t *matched)
{
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id),
		f ? f->severity : NULL, f ? f->kind : NULL,
		f ? f->entity : NULL };
	PGresult *res;
	int error;

	*matched = 0;
	if ((error = ferry_pg__query(db, "SELECT count(*) FROM "
	    "ferry_import_problem pr WHERE " PROBLEM_FILTER, 4, params, &res,
	    "reading an import")) < 0)
		return error;
	*matched = ferry_pg__int(res, 0, 0);
	PQclear(res);
	if ((error = ferry_pg__query(db, "SELECT kind, count(*) FROM "
	    "ferry_import_problem WHERE import_id = $1 GROUP BY kind ORDER "
	    "BY kind", 1, params, &res, "reading an import")) < 0)
		return error;
	return ferry_pg_plan__counts(res, cb, payload);
}

int ferry_pg__import_problems_each(ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload)
{
	ferry_pg_num n, lim, off;
	const char *params[] = { ferry_pg__num(&n, id),
		f ? f->severity : NULL, f ? f->kind : NULL,
		f ? f->entity : NULL,
		f && f->limit > 0 ? ferry_pg__num(&lim, f->limit) : NULL,
		ferry_pg__num(&off, f && f->offset > 0 ? f->offset : 0) };
	ferry_import_problem_row row;
	PGresult *res;
	int error, r;

	/* LIMIT NULL: no limit, as SQLite's -1. */
	if ((error = ferry_pg__query(db, "SELECT pr.item, i.t, "
	    "coalesce(i.entity, i.t), i.sys_id, i.rkey, pr.kind, "
	    "pr.severity, pr.facts, r.resolution, i.action, p.decision, "
	    "r.whole FROM ferry_import_problem pr JOIN ferry_import_item i "
	    "ON i.import_id = pr.import_id AND i.item = pr.item LEFT JOIN "
	    "ferry_import_plan p ON p.import_id = pr.import_id AND p.item "
	    "= pr.item LEFT JOIN ferry_import_resolution r ON r.import_id "
	    "= pr.import_id AND r.item = pr.item WHERE " PROBLEM_FILTER
	    " ORDER BY pr.item, " SEVERITY_ORDER ", pr.kind LIMIT $5::bigint "
	    "OFFSET $6::bigint", 6, params, &res, "reading an import")) < 0)
		return error;
	for (r = 0; r < PQntuples(res) && !error; r++) {
		const char **cols[] = { &row.t, &row.entity, &row.sys_id,
			&row.key, &row.kind, &row.severity, &row.facts,
			&row.resolution, &row.action, &row.decision };
		size_t k;

		row.item = ferry_pg__int(res, r, 0);
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			*cols[k] = ferry_pg__str(res, r, (int)k + 1);
		row.whole = (int)ferry_pg__int(res, r, 11);
		error = cb(&row, payload);
	}
	PQclear(res);
	return error;
}

/* ---- resolve ------------------------------------------------------------- */

int ferry_pg__import_problem_of(ferry_db *db, int64_t id, int64_t item,
	const char *kinds, ferry_str *kind)
{
	ferry_pg_num a, b;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item), kinds };
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT kind FROM ferry_import_problem "
	    "WHERE import_id = $1 AND item = $2 AND strpos(',' || $3::text "
	    "|| ',', ',' || kind || ',') > 0 ORDER BY kind LIMIT 1", 3,
	    params, &res, "query")) != 0)
		return error;
	ferry_str_puts(kind, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ferry_str_failed(kind) ? ferry__oom(db) : 0;
}

#define RESOLUTION_UPSERT " ON CONFLICT (import_id, item) DO UPDATE SET " \
	"resolution = excluded.resolution, merged = excluded.merged, whole = " \
	"excluded.whole, by = excluded.by, at = excluded.at"

int ferry_pg__import_resolution_set(ferry_db *db, int64_t id,
	int64_t item, const char *resolution, const char *merged, int whole,
	const char *by, const char *at)
{
	ferry_pg_num a, b, w;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item), resolution, merged, by, at,
		ferry_pg__num(&w, whole != 0) };

	return ferry_pg__command(db, "INSERT INTO ferry_import_resolution "
		"(import_id, item, resolution, merged, whole, by, at) VALUES "
		"($1, $2, $3, $4, $7, $5, $6)" RESOLUTION_UPSERT, 7, params,
		NULL, "resolving");
}

int ferry_pg__import_resolutions_planned(ferry_db *db, int64_t id,
	int64_t *n)
{
	return ferry_pg_imports__count(db, "SELECT count(*) FROM "
		"ferry_import_resolution WHERE import_id = $1 AND (resolution "
		"<> $2 OR whole <> 0)", id, "accept", n, "resolving");
}

int ferry_pg__import_resolution_clear(ferry_db *db, int64_t id,
	int64_t item)
{
	ferry_pg_num a, b;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item) };

	return ferry_pg__command(db, "DELETE FROM ferry_import_resolution "
		"WHERE import_id = $1 AND item = $2", 2, params, NULL,
		"resolving");
}

/* Items with an error or a warning of a kind in $2 (comma-separated). */
#define LEFT_ITEMS "FROM ferry_import_problem WHERE import_id = $1 AND " \
	"severity IN ('error', 'warning') AND strpos(',' || $2::text || " \
	"',', ',' || kind || ',') > 0"

int ferry_pg__import_resolve_all(ferry_db *db, int64_t id,
	const char *resolution, int whole, const char *not_kinds,
	const char *by, const char *at, int64_t *resolved, int64_t *left,
	int (*each_left)(int64_t item, void *payload), void *payload)
{
	ferry_pg_num a, w;
	const char *params[] = { ferry_pg__num(&a, id), resolution, not_kinds,
		by, at, ferry_pg__num(&w, whole != 0) };
	const char *left_params[] = { params[0], not_kinds };
	PGresult *res;
	int error;

	*resolved = *left = 0;
	if ((error = ferry_pg__command(db, "INSERT INTO "
	    "ferry_import_resolution (import_id, item, resolution, merged, "
	    "whole, by, at) SELECT $1, item, $2::text, NULL, $6::bigint, "
	    "$4::text, $5::text FROM ferry_import_problem WHERE import_id = "
	    "$1 AND severity IN ('error', 'warning') GROUP BY item HAVING "
	    "$3::text IS NULL OR sum((strpos(',' || $3::text || ',', ',' || "
	    "kind || ',') > 0)::int) = 0" RESOLUTION_UPSERT, 6, params,
	    resolved, "resolving")) < 0)
		return error;
	if (!not_kinds)
		return 0;
	if ((error = ferry_pg__query(db, "SELECT count(DISTINCT item) "
	    LEFT_ITEMS, 2, left_params, &res, "resolving")) < 0)
		return error;
	*left = ferry_pg__int(res, 0, 0);
	PQclear(res);
	if ((error = ferry_pg__query(db, "SELECT DISTINCT item " LEFT_ITEMS
	    " ORDER BY item", 2, left_params, &res, "resolving")) < 0)
		return error;
	return ferry_pg_plan__numbers(res, each_left, payload);
}

int ferry_pg__import_ref_exists(ferry_db *db, int64_t id,
	const char *entity, const char *sys_id, int table)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_num n;
	const char *params[] = { ferry_pg__num(&n, id), sys_id };
	PGresult *res;
	int error;

	ferry_str_puts(&sql, "SELECT (");
	if (table) {
		ferry_str_puts(&sql, "EXISTS (SELECT 1 FROM ");
		ferry_pg__ident(&sql, entity);
		ferry_str_puts(&sql, " WHERE sys_id = $2::text) OR ");
	}
	package_writes(&sql, entity, "$2::text", 0);
	ferry_str_puts(&sql, ")::int");
	error = ferry_pg_plan__query(db, &sql, 2, params, &res, "resolving");
	ferry_str_dispose(&sql);
	if (error < 0)
		return error;
	error = (int)ferry_pg__int(res, 0, 0);
	PQclear(res);
	return error;
}
