/*
 * imports_plan.c - the store's side of imports, part two: the plan
 * (preview) and the resolutions.  Records are planned entity by entity
 * with a handful of set-wise statements: identity and versions, the
 * field-level three-way check against the live row, the problems versions
 * and policies decide, then one pass per field that can fail (see
 * store.h, "imports").
 */
#include "imports.h"

#include <string.h>

/* ---- preview ------------------------------------------------------------- */

int ferry_sqlite__import_plan_reset(ferry_db *db, int64_t id)
{
	int error;

	if ((error = ferry_imports__run(db, "DELETE FROM ferry_import_plan "
	    "WHERE import_id = ?1", id, NULL, "planning")) < 0 ||
	    (error = ferry_imports__run(db, "DELETE FROM ferry_import_problem "
	    "WHERE import_id = ?1", id, NULL, "planning")) < 0)
		return error;
	return ferry_imports__run(db, "DELETE FROM ferry_import_field WHERE "
		"import_id = ?1 AND scope = 1", id, NULL, "planning");
}

/* The canonical JSON text of column f of row t (types.h). */
static void canonical_expr(ferry_str *sql, const ferry_field *f)
{
	switch (f->type.base) {
	case FERRY_T_BOOL:
		ferry_str_puts(sql, "CASE t.");
		ferry_sq__ident(sql, f->name);
		ferry_str_puts(sql, " WHEN 1 THEN 'true' WHEN 0 THEN 'false' "
			"ELSE 'null' END");
		break;
	case FERRY_T_JSON:
	case FERRY_T_FLOAT:
		ferry_str_puts(sql, "coalesce(t.");
		ferry_sq__ident(sql, f->name);
		ferry_str_puts(sql, ", 'null')");
		break;
	default:
		/* Strings get ferry_str_put_json()'s escapes, integers
		 * their decimal text, NULL gives 'null'. */
		ferry_str_puts(sql, "json_quote(t.");
		ferry_sq__ident(sql, f->name);
		ferry_str_putc(sql, ')');
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
		ferry_imports__literal(sql, fs->fields[i].name);
		ferry_str_puts(sql, " THEN ");
		canonical_expr(sql, &fs->fields[i]);
	}
	ferry_str_puts(sql, " ELSE 'null' END)");
}

/*
 * Already applied: every field the package declares for entity holds
 * the package's value (a payload leaves out nulls).  One call of
 * ferry_has_members() an item for up to 60 fields, a walk of the
 * payload that compares each in turn: a NOT EXISTS over the declared
 * fields, comparing one field a row, was 70% of planning a populated
 * target (docs/performance.md).
 *
 * A target at the item's base holds the base's values, so a declared
 * field in the item's old values (those the package changes, with
 * their base values: ferry_canon__old_values()) holds a value the
 * package changes: not applied, known without reading the payload.
 * That is most items of a populated import, and comparing every field
 * of each was about a quarter of planning one (docs/performance.md).
 * Only a "no" is taken from the old values, never a "yes".
 */
#define MEMBERS_PER_CALL 60

static int applied_expr(ferry_db *db, ferry_str *sql, int64_t id,
	const char *entity, const ferry_fieldset *fs)
{
	ferry_str any = FERRY_STR_INIT, members = FERRY_STR_INIT;
	sqlite3_stmt *st;
	const char *name;
	int error, rc, k, n = 0;

	if ((error = ferry_sq__prepare(db, "SELECT name FROM "
	    "ferry_import_field WHERE import_id = ?1 AND scope = 0 AND "
	    "entity = ?2 ORDER BY name", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(name = (const char *)sqlite3_column_text(st, 0)))
			continue;
		if (n % MEMBERS_PER_CALL == 0)
			ferry_str_puts(&any, n ? ") IS 1 OR ferry_has_any("
				"v.old" : "(ferry_has_any(v.old");
		ferry_str_puts(&any, ", ");
		ferry_imports__literal(&any, name);
		if (n++ % MEMBERS_PER_CALL == 0)
			ferry_str_puts(&members, " AND ferry_has_members("
				"vp.payload");
		ferry_str_puts(&members, ", ");
		ferry_imports__literal(&members, name);
		ferry_str_puts(&members, ", ");
		if ((k = ferry_fieldset_find(fs, name)) >= 0)
			canonical_expr(&members, &fs->fields[k]);
		else
			ferry_str_puts(&members, "'null'");
		if (n % MEMBERS_PER_CALL == 0)
			ferry_str_puts(&members, ") IS 1");
	}
	ferry_sq__reset(st);
	if (rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "planning records");
	if (n % MEMBERS_PER_CALL != 0)
		ferry_str_puts(&members, ") IS 1");
	ferry_str_puts(&any, ") IS 1)");
	if (n == 0) {
		/* Nothing declared: nothing to compare. */
		ferry_str_puts(sql, "(1)");
	} else {
		/* (ferry_has_any() walks the old values once; json_each
		 * over them cost about 1 s of a populated 1M load,
		 * docs/performance.md.) */
		ferry_str_puts(sql, "(CASE WHEN t.sys_version IS v.base AND "
			"v.old IS NOT NULL AND ");
		ferry_str_put(sql, any.ptr, any.size);
		ferry_str_puts(sql, " THEN 0 ELSE (1");
		ferry_str_put(sql, members.ptr, members.size);
		ferry_str_puts(sql, ") END)");
	}
	if (error == 0 && (ferry_str_failed(&any) ||
	    ferry_str_failed(&members)))
		error = ferry__oom(db);
	ferry_str_dispose(&any);
	ferry_str_dispose(&members);
	return error;
}

/* The fields of "old" (those the package changes) that ferry_merge3()
 * decides as `m`, as a JSON array of names. */
static void fields_deciding(ferry_str *sql, const ferry_fieldset *fs, int m)
{
	ferry_str_puts(sql, "CASE WHEN t.sys_id IS NOT NULL AND i.action = "
		"'update' AND t.sys_version IS NOT v.base AND t.sys_version "
		"<> v.version AND v.old IS NOT NULL THEN (SELECT "
		"json_group_array(o.key) FROM json_each(v.old) o WHERE "
		"ferry_merge3(v.old -> o.fullkey, ");
	target_value(sql, fs, "o.key");
	ferry_str_printf(sql, ", vp.payload -> o.fullkey) = %d) END", m);
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
	{ FERRY_FACT_SAME, "tid IS NOT NULL AND (tver = version OR applied)" },
	{ FERRY_FACT_INSERT, "action = 'insert'" },
	{ FERRY_FACT_UPDATE, "action = 'update'" },
	{ FERRY_FACT_DELETE, "action = 'delete'" },
	{ FERRY_FACT_HAS_BASE, "base IS NOT NULL" },
	{ FERRY_FACT_AT_BASE, "tver IS base" },
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
	{ FERRY_FACT_WHOLE, "whole" },
};

#define NFACTS (sizeof(fact_sql) / sizeof(fact_sql[0]))

/* The facts of bits as one condition, each true or false (never NULL),
 * negated when `not`. */
static void facts_cond(ferry_str *sql, unsigned bits, int not)
{
	size_t i;

	for (i = 0; i < NFACTS; i++)
		if (bits & fact_sql[i].fact)
			ferry_str_printf(sql, " AND coalesce((%s), 0) = %d",
				fact_sql[i].sql, !not);
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

		ferry_str_puts(sql, " WHEN 1");
		facts_cond(sql, row->all, 0);
		facts_cond(sql, row->none, 1);
		ferry_str_puts(sql, " THEN ");
		if (v)
			ferry_imports__literal(sql, v);
		else
			ferry_str_puts(sql, "decision");
	}
	ferry_str_puts(sql, " END");
}

/* The act resolved item p.item takes, by the table acts. */
static void resolved_act(ferry_str *sql, const ferry_decision_table *acts)
{
	ferry_str_puts(sql, "(SELECT ");
	rule_case(sql, acts, 0);
	ferry_str_puts(sql, " FROM (SELECT i.t AS t, i.entity AS entity, "
		"i.action AS action, q.target_id AS tid, q.decision AS "
		"decision, r.resolution AS resolution, r.whole AS whole FROM "
		"ferry_import_resolution r JOIN ferry_import_item i ON "
		"i.import_id = r.import_id AND i.item = r.item JOIN "
		"ferry_import_plan q ON q.import_id = r.import_id AND q.item = "
		"r.item WHERE r.import_id = ?1 AND r.item = p.item))");
}

int ferry_sqlite__import_acts(ferry_db *db, int64_t id,
	const ferry_decision_table *acts)
{
	ferry_str sql = FERRY_STR_INIT;

	/* The plan set act = decision; resolutions change their items.
	 * Walked from the resolutions: as UPDATE ... FROM, SQLite walked
	 * every item of the import to find the resolved ones (0.6 s at 1M
	 * items with none resolved, docs/performance.md).  Only the rows
	 * whose act changes are written: SQLite rewrites a row set to what
	 * it holds, and the 50,000 accepts of a populated 1M commit, most
	 * of which keep the act, lie a few to each of the plan's pages
	 * (157 MB of them through the log). */
	ferry_str_puts(&sql, "UPDATE ferry_import_plan AS p SET act = ");
	resolved_act(&sql, acts);
	ferry_str_puts(&sql, " WHERE p.import_id = ?1 AND p.item IN (SELECT "
		"item FROM ferry_import_resolution WHERE import_id = ?1) AND "
		"p.act IS NOT ");
	resolved_act(&sql, acts);
	return ferry_imports__run_sql(db, &sql, id, NULL, "committing");
}

int ferry_sqlite__import_plan_records(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int by_name,
	const ferry_decision_table *decide)
{
	ferry_str sql = FERRY_STR_INIT;
	int error;

	ferry_str_puts(&sql, "INSERT INTO ferry_import_plan (import_id, item, "
		"target_id, target_version, target_policy, conflicts, same, "
		"applied, decision, act) SELECT import_id, item, tid, tver, "
		"tpol, conflicts, same, applied, d, d FROM (SELECT import_id, "
		"item, tid, tver, tpol, conflicts, same, applied, ");
	rule_case(&sql, decide, 0);
	ferry_str_puts(&sql, " AS d FROM (SELECT i.import_id, i.item, "
		"i.action, v.version, v.base, ");
	if (!fs) {
		ferry_str_puts(&sql, "NULL AS tid, NULL AS tver, NULL AS tpol, "
			"NULL AS conflicts, NULL AS same, 0 AS applied FROM "
			"ferry_import_item i" STAGED("i", "v"));
		goto where;
	}
	ferry_str_puts(&sql, "t.sys_id AS tid, t.sys_version AS tver, "
		"t.sys_policy AS tpol, ");
	fields_deciding(&sql, fs, 3);
	ferry_str_puts(&sql, " AS conflicts, ");
	fields_deciding(&sql, fs, 2);
	ferry_str_puts(&sql, " AS same, CASE WHEN t.sys_id IS NOT NULL AND "
		"i.action <> 'delete' AND t.sys_version IS NOT v.version "
		"THEN ");
	if ((error = applied_expr(db, &sql, id, entity, fs)) < 0) {
		ferry_str_dispose(&sql);
		return error;
	}
	ferry_str_puts(&sql, " ELSE 0 END AS applied FROM ferry_import_item i"
		STAGED("i", "v") " LEFT JOIN ");
	ferry_sq__ident(&sql, entity);
	if (by_name) {
		/* Objects are matched by (entity, name), then by sys_id. */
		ferry_str_puts(&sql, " t ON t.sys_id = coalesce((SELECT "
			"x.sys_id FROM ");
		ferry_sq__ident(&sql, entity);
		ferry_str_puts(&sql, " x WHERE x.entity = substr(i.rkey, 1, "
			"instr(i.rkey, ':') - 1) AND x.name = substr(i.rkey, "
			"instr(i.rkey, ':') + 1)), i.sys_id)");
	} else {
		ferry_str_puts(&sql, " t ON t.sys_id = i.sys_id");
	}
where:
	ferry_str_puts(&sql, " WHERE i.import_id = ?1 AND i.t = 'record' AND "
		"i.entity = ?2))");
	return ferry_imports__run_sql(db, &sql, id, entity, "planning records");
}

int ferry_sqlite__import_plan_put(ferry_db *db, int64_t id, int64_t item,
	const char *target_id, const char *target_version,
	const char *decision, const char *detail)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT OR REPLACE INTO "
	    "ferry_import_plan (import_id, item, target_id, target_version, "
	    "decision, act, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	ferry_sq__bind_text(st, 3, target_id);
	ferry_sq__bind_text(st, 4, target_version);
	ferry_sq__bind_text(st, 5, decision);
	ferry_sq__bind_text(st, 6, detail);
	return ferry_sq__done(db, st, "planning");
}

/* Items of kinds other than record, schema, formula, dataset and
 * delete_query: each range of the (import_id, t, ...) index searched on
 * its own, so that finding none costs nothing.  (As one WHERE of ORed
 * ranges SQLite walked every item of the import: 0.3 s at 1M, twice a
 * load, docs/performance.md.) */
#define OTHER_KIND(cond) "SELECT import_id, item, t FROM ferry_import_item " \
	"WHERE import_id = ?1 AND " cond
#define OTHER_KINDS "(" OTHER_KIND("t < 'dataset'") " UNION ALL " \
	OTHER_KIND("t > 'dataset' AND t < 'delete_query'") " UNION ALL " \
	OTHER_KIND("t > 'delete_query' AND t < 'formula'") " UNION ALL " \
	OTHER_KIND("t > 'formula' AND t < 'record'") " UNION ALL " \
	OTHER_KIND("t > 'record' AND t < 'schema'") " UNION ALL " \
	OTHER_KIND("t > 'schema'") ")"

int ferry_sqlite__import_plan_rest(ferry_db *db, int64_t id)
{
	int error;

	if ((error = ferry_imports__run(db, "INSERT INTO ferry_import_problem "
	    "(import_id, item, kind, severity, facts) SELECT import_id, "
	    "item, 'unknown_item', 'info', " FACT("'unknown_item', t") " FROM "
	    OTHER_KINDS, id, NULL, "planning")) < 0)
		return error;
	return ferry_imports__run(db, "INSERT INTO ferry_import_plan "
		"(import_id, item, decision, act) SELECT import_id, item, "
		"'skip', 'skip' FROM " OTHER_KINDS, id, NULL, "planning");
}


int ferry_sqlite__import_problem_put(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const char *facts)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, PROBLEM_INSERT "VALUES (?1, ?2, ?3, "
	    "?4, ?5)" PROBLEM_MERGE, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, severity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, facts, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "recording a problem");
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
		ferry_imports__literal(sql, t->rows[r].then);
		ferry_str_puts(sql, " THEN ");
		ferry_imports__literal(sql, what == 1 ? t->rows[r].kind :
			t->rows[r].severity);
	}
	ferry_str_puts(sql, " END");
}

/*
 * The problems versions and policies decide, in one pass over the plan:
 * each of the library's three tables gives an item at most one problem
 * (a fact code, its kind and severity), from the facts of store.h.  Only
 * the items with a problem are kept for the three inserts: most have
 * none (every item of an import into an empty target), and copying each
 * of them twice cost a load as much as its version checks.
 */
int ferry_sqlite__import_problems_records(ferry_db *db, int64_t id,
	const ferry_decision_table tables[3])
{
	ferry_str sql = FERRY_STR_INIT;
	int t;

	ferry_str_puts(&sql, "WITH f AS MATERIALIZED (SELECT * FROM (SELECT "
		"*");
	for (t = 0; t < 3; t++) {
		ferry_str_puts(&sql, ", ");
		rule_case(&sql, &tables[t], 0);
		ferry_str_printf(&sql, " AS c%d", t);
	}
	ferry_str_puts(&sql, " FROM (SELECT i.import_id AS "
		"import_id, i.item AS item, i.entity AS entity, i.rkey AS "
		"rkey, i.sys_id AS sys_id, i.action AS action, v.version AS "
		"version, v.base AS base, v.policy AS policy, v.old AS old, "
		"p.conflicts AS conflicts, p.same AS same, p.target_id AS tid, "
		"p.target_version AS tver, p.target_policy AS tpol, p.applied "
		"AS applied, p.decision AS decision FROM ferry_import_plan p "
		"JOIN ferry_import_item i ON i.import_id = p.import_id AND "
		"i.item = p.item" STAGED("i", "v") " WHERE p.import_id = ?1 AND "
		"i.t = 'record' AND "
		"i.entity NOT IN " CATALOG_ENTITIES ") k) WHERE c0 IS NOT "
		"NULL OR c1 IS NOT NULL OR c2 IS NOT NULL) " PROBLEM_INSERT);
	for (t = 0; t < 3; t++) {
		ferry_str_printf(&sql, "%sSELECT import_id, item, ",
			t ? " UNION ALL " : "");
		code_case(&sql, &tables[t], t, 1);
		ferry_str_puts(&sql, ", ");
		code_case(&sql, &tables[t], t, 2);
		/* The facts every record problem's words may name. */
		ferry_str_printf(&sql, ", " FACT("c%d, entity, rkey, sys_id, "
			"policy, json(coalesce(conflicts, '[]')), json((SELECT "
			"json_group_array(o.key) FROM json_each(old) o)), "
			"json(coalesce(same, '[]'))") " FROM f WHERE c%d IS NOT "
			"NULL", t, t);
	}
	return ferry_imports__run_sql(db, &sql, id, NULL, "planning");
}

int ferry_sqlite__import_problems_entity(ferry_db *db, int64_t id,
	const char *entity, const char *facts)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, PROBLEM_INSERT "SELECT import_id, "
	    "item, 'missing_entity', 'error', ?3 FROM ferry_import_item WHERE "
	    "import_id = ?1 AND t = 'record' AND entity = ?2 AND action <> "
	    "'delete'" PROBLEM_MERGE, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, facts, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "planning");
}

/* Does the import write (deletes 0) or delete (deletes 1) record
 * ref_entity/v?  An item counts unless it is skipped (or, deleting,
 * hand-merged); accepting a delete deletes. */
static void package_writes(ferry_str *sql, const char *ref_entity,
	const char *v, int deletes)
{
	ferry_str_puts(sql, "EXISTS (SELECT 1 FROM ferry_import_item k LEFT "
		"JOIN ferry_import_resolution kr ON kr.import_id = k.import_id "
		"AND kr.item = k.item WHERE k.import_id = ?1 AND k.t = "
		"'record' AND k.entity = ");
	ferry_imports__literal(sql, ref_entity);
	ferry_str_printf(sql, " AND k.sys_id = %s AND ", v);
	ferry_str_puts(sql, deletes ? "k.action = 'delete' AND "
		"(kr.resolution IS NULL OR kr.resolution = 'accept'))" :
		"CASE kr.resolution WHEN 'skip' THEN 0 WHEN 'merge' THEN 1 "
		"ELSE k.action <> 'delete' END)");
}

/* Will ref_entity/v exist once the import is committed? */
static void ref_exists(ferry_str *sql, const char *ref_entity, const char *v,
	int table)
{
	ferry_str_putc(sql, '(');
	if (table) {
		ferry_str_puts(sql, "(EXISTS (SELECT 1 FROM ");
		ferry_sq__ident(sql, ref_entity);
		ferry_str_printf(sql, " r WHERE r.sys_id = %s) AND NOT ", v);
		package_writes(sql, ref_entity, v, 1);
		ferry_str_puts(sql, ") OR ");
	}
	package_writes(sql, ref_entity, v, 0);
	ferry_str_putc(sql, ')');
}

/*
 * Column col of item i's staged row, as an expression: by the statement's
 * join (v) when it has one, else by a seek of its own, made only for the
 * rows whose test reaches it.
 */
static void staged_column(ferry_str *sql, const char *col, int joined)
{
	if (joined)
		ferry_str_printf(sql, "v.%s", col);
	else
		ferry_str_printf(sql, "(SELECT s.%s FROM ferry_import_payload "
			"s WHERE s.k = " STAGED_KEY("i.import_id", "i.item")
			")", col);
}

/* Item i's staged payload, by a seek of its own (schema.c, 14 -> 15). */
#define STAGED_PAYLOAD "(SELECT s.payload FROM ferry_version_payload s " \
	"WHERE s.k = " STAGED_KEY("i.import_id", "i.item") ")"

/*
 * The field's value in item i (->> path), and with the join its
 * json_type (FERRY_CHECK_TYPE, which always joins, reads it).  For
 * FERRY_CHECK_REF_KEPT the value is read from the reference values the
 * load kept with the item (refs), and from the payload only for an item
 * staged without them: the statement then joins no payloads (about 50
 * bytes a reference against some 600 a payload in the benchmark's).
 */
static void field_value(ferry_str *v, ferry_str *jt, const ferry_str *path,
	int joined)
{
	if (!joined) {
		ferry_str_puts(v, "(CASE WHEN i.refs IS NULL THEN "
			STAGED_PAYLOAD " ->> ");
		ferry_imports__literal_of(v, path);
		ferry_str_puts(v, " ELSE i.refs ->> ");
		ferry_imports__literal_of(v, path);
		ferry_str_puts(v, " END)");
		return;
	}
	ferry_str_puts(v, "(vp.payload ->> ");
	ferry_imports__literal_of(v, path);
	ferry_str_putc(v, ')');
	ferry_str_puts(jt, "json_type(vp.payload, ");
	ferry_imports__literal_of(jt, path);
	ferry_str_putc(jt, ')');
}

int ferry_sqlite__import_problems_field(ferry_db *db, int64_t id,
	const char *entity, const char *field, ferry_value_check check,
	const ferry_field *target)
{
	ferry_str sql = FERRY_STR_INIT, path = FERRY_STR_INIT,
		v = FERRY_STR_INIT, jt = FERRY_STR_INIT;
	int error = 0, table, joined = check != FERRY_CHECK_REF_KEPT;

	ferry_str_puts(&path, "$.");
	ferry_str_puts(&path, field);
	field_value(&v, &jt, &path, joined);
	if (ferry_str_failed(&v) || ferry_str_failed(&jt)) {
		error = ferry__oom(db);
		goto done;
	}
	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT i.import_id, i.item, ");
	switch (check) {
	case FERRY_CHECK_MISSING:
		ferry_str_puts(&sql, "'missing_field', 'error', "
			"json_array(json_array('missing_field', i.entity, ");
		ferry_imports__literal(&sql, field);
		break;
	case FERRY_CHECK_TYPE:
		ferry_str_puts(&sql, "'type_mismatch', 'error', "
			"json_array(json_array('type_mismatch', i.entity, "
			"i.rkey, ");
		ferry_imports__literal(&sql, field);
		ferry_str_puts(&sql, ", ");
		ferry_imports__literal(&sql, target->type_text);
		break;
	case FERRY_CHECK_REF:
	case FERRY_CHECK_REF_KEPT:
		ferry_str_puts(&sql, "'missing_reference', 'error', "
			"json_array(json_array('missing_reference', i.entity, ");
		ferry_imports__literal(&sql, field);
		ferry_str_puts(&sql, ", ");
		ferry_imports__literal(&sql, target->type.ref);
		ferry_str_printf(&sql, ", %s", ferry_str_cstr(&v));
		break;
	}
	ferry_str_puts(&sql, "))");
	ferry_str_puts(&sql, " FROM ferry_import_item i JOIN ferry_import_plan "
		"p ON p.import_id = i.import_id AND p.item = i.item");
	if (joined)
		ferry_str_puts(&sql, STAGED("i", "v"));
	ferry_str_puts(&sql, " WHERE i.import_id = ?1 AND i.t = 'record' "
		"AND i.entity = ?2 AND p.decision IN ('insert', 'update', "
		"'merge') AND (p.decision <> 'merge' OR EXISTS (SELECT 1 FROM "
		"ferry_import_resolution wr WHERE wr.import_id = i.import_id "
		"AND wr.item = i.item AND wr.whole <> 0) OR json_type(");
	staged_column(&sql, "old", joined);
	ferry_str_puts(&sql, ", ");
	ferry_imports__literal_of(&sql, &path);
	ferry_str_puts(&sql, ") IS NOT NULL) AND ");
	switch (check) {
	case FERRY_CHECK_MISSING:
		ferry_str_printf(&sql, "%s IS NOT NULL", ferry_str_cstr(&v));
		break;
	case FERRY_CHECK_TYPE:
		ferry_str_printf(&sql, "%s IS NOT NULL AND ferry_fits(",
			ferry_str_cstr(&jt));
		ferry_imports__literal(&sql, target->type_text);
		ferry_str_printf(&sql, ", %s, %s) = 0", ferry_str_cstr(&jt),
			ferry_str_cstr(&v));
		break;
	case FERRY_CHECK_REF:
	case FERRY_CHECK_REF_KEPT:
		if ((table = ferry_sqlite__entity_exists(db,
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
	error = ferry_imports__run_sql(db, &sql, id, entity, "planning");
done:
	ferry_str_dispose(&sql);
	ferry_str_dispose(&path);
	ferry_str_dispose(&v);
	ferry_str_dispose(&jt);
	return error;
}

int ferry_sqlite__import_referrers(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, const char *field,
	const char *ref_entity, void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	/* The plan walked, the items looked up for its deletes alone
	 * (CROSS JOIN keeps that order): walking the items and looking up
	 * each one's plan row cost 0.8 s at 1M items, none of them a
	 * delete; this 0.15 s (docs/performance.md). */
	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT f.entity, f.name, "
		"substr(f.type, 5, length(f.type) - 5) AS r FROM sys_field f "
		"WHERE f.type LIKE 'ref(%' AND r IN (SELECT DISTINCT i.entity "
		"FROM ferry_import_plan p CROSS JOIN ferry_import_item i ON "
		"i.import_id = p.import_id AND i.item = p.item WHERE "
		"p.import_id = ?1 AND p.decision = 'delete' AND i.t = "
		"'record') ORDER BY 1, 2", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "planning");
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), payload)) != 0)
			break;
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "planning");
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
	ferry_str path = FERRY_STR_INIT;

	ferry_str_puts(&path, "$.");
	ferry_str_puts(&path, field);
	ferry_str_puts(sql, "EXISTS (SELECT 1 FROM ferry_import_item k LEFT "
		"JOIN ferry_import_resolution kr ON kr.import_id = k.import_id "
		"AND kr.item = k.item LEFT JOIN ferry_import_plan kp ON "
		"kp.import_id = k.import_id AND kp.item = k.item"
		STAGED("k", "kv") " WHERE k.import_id = ?1 AND k.t = 'record' "
		"AND k.entity = ");
	ferry_imports__literal(sql, entity);
	ferry_str_puts(sql, " AND k.sys_id = x.sys_id AND k.action <> "
		"'delete' AND kr.resolution IS NOT 'skip' AND CASE WHEN "
		"kr.resolution = 'merge' AND json_type(kr.merged, ");
	ferry_imports__literal_of(sql, &path);
	ferry_str_puts(sql, ") IS NOT NULL THEN kr.merged ->> ");
	ferry_imports__literal_of(sql, &path);
	ferry_str_puts(sql, " WHEN kp.decision = 'merge' AND kr.whole IS NOT "
		"1 AND json_type(kv.old, ");
	ferry_imports__literal_of(sql, &path);
	ferry_str_puts(sql, ") IS NULL THEN d.sys_id ELSE kvp.payload ->> ");
	ferry_imports__literal_of(sql, &path);
	ferry_str_puts(sql, " END IS NOT d.sys_id)");
	ferry_str_dispose(&path);
}

/* At most this many referring records are named in a message. */
#define REFERRERS_NAMED 5

int ferry_sqlite__import_problems_referenced(ferry_db *db, int64_t id,
	const char *entity, const char *field, const char *ref_entity)
{
	ferry_str sql = FERRY_STR_INIT;

	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT import_id, item, "
		"'still_referenced', 'error', json_array(json_array("
		"'still_referenced', rentity, rsys_id, ");
	ferry_imports__literal(&sql, entity);
	ferry_str_puts(&sql, ", ");
	ferry_imports__literal(&sql, field);
	ferry_str_printf(&sql, ", n, json(names), n > %d)) FROM (SELECT "
		"d.import_id AS import_id, d.item AS item, d.entity AS rentity, "
		"d.sys_id AS rsys_id, count(*) AS "
		"n, (SELECT json_group_array(s) FROM (SELECT y.sys_id AS s "
		"FROM ", REFERRERS_NAMED);
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " y WHERE y.");
	ferry_sq__ident(&sql, field);
	ferry_str_printf(&sql, " = d.sys_id ORDER BY y.sys_id LIMIT %d)) AS "
		"names FROM ", REFERRERS_NAMED);
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " x JOIN ferry_import_item d ON d.import_id = ?1 "
		"AND d.t = 'record' AND d.entity = ");
	ferry_imports__literal(&sql, ref_entity);
	ferry_str_puts(&sql, " AND d.sys_id = x.");
	ferry_sq__ident(&sql, field);
	ferry_str_puts(&sql, " JOIN ferry_import_plan dp ON dp.import_id = "
		"d.import_id AND dp.item = d.item AND dp.decision = 'delete' "
		"WHERE NOT ");
	package_writes(&sql, entity, "x.sys_id", 1);
	ferry_str_puts(&sql, " AND NOT ");
	package_repoints(&sql, entity, field);
	ferry_str_puts(&sql, " GROUP BY d.item) WHERE true" PROBLEM_MERGE);
	return ferry_imports__run_sql(db, &sql, id, NULL, "planning");
}

/* Problems that keep a commit back: errors without a resolution that
 * answers them. */
#define UNRESOLVED "FROM ferry_import_problem pr LEFT JOIN " \
	"ferry_import_resolution r ON r.import_id = pr.import_id AND r.item " \
	"= pr.item WHERE pr.import_id = ?1 AND pr.severity = 'error' AND " \
	"(r.resolution IS NULL OR (r.resolution = 'accept' AND instr(',' || " \
	"'" FERRY_IMPORT_NOT_ACCEPTABLE "' || ',', ',' || pr.kind || ',') > " \
	"0) OR (r.resolution = 'merge' AND pr.kind IN " \
	"('formula_draft_exists', 'missing_entity')))"

int ferry_sqlite__import_unresolved(ferry_db *db, int64_t id, int64_t *count,
	int (*each)(int64_t item, void *payload), void *payload)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT count(DISTINCT pr.item) "
	    UNRESOLVED, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading an import");
	if (!each)
		return 0;
	if ((error = ferry_sq__prepare(db, "SELECT DISTINCT pr.item "
	    UNRESOLVED " ORDER BY pr.item", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_imports__numbers(db, st, each, payload,
		"reading an import");
}

/*
 * Constant statements, prepared without the statement cache: a load
 * whose checks fail discards its committed staging (import_load.c) even
 * when memory has run out, and nothing here asks ferry's allocator.
 */
int ferry_sqlite__import_discard(ferry_db *db, int64_t id)
{
	static const char *const sql[] = {
		"DELETE FROM ferry_import_problem WHERE import_id = ?1",
		"DELETE FROM ferry_import_resolution WHERE import_id = ?1",
		"DELETE FROM ferry_import_outcome WHERE import_id = ?1",
		"DELETE FROM ferry_import_plan WHERE import_id = ?1",
		"DELETE FROM ferry_import_field WHERE import_id = ?1",
		"DELETE FROM ferry_import_item WHERE import_id = ?1",
		/* (the staged rows of an import: a key range; no version
		 * keeps a payload of an import not committed) */
		("DELETE FROM ferry_import_payload WHERE " STAGED_OF_IMPORT),
		("DELETE FROM ferry_version_payload WHERE " STAGED_OF_IMPORT),
		("DELETE FROM ferry_import WHERE id = ?1 AND state IN "
		 "('loaded', 'previewed')"),
	};
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == SQLITE_OK;
	    i++) {
		if ((rc = sqlite3_prepare_v2(SQ(db)->conn, sql[i], -1, &st,
		    NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	return rc == SQLITE_OK ? 0 : ferry_sq__error(db, rc,
		"discarding an import");
}

#define SEVERITY_ORDER "CASE pr.severity WHEN 'error' THEN 0 WHEN " \
	"'warning' THEN 1 ELSE 2 END"

int ferry_sqlite__import_decision_counts(ferry_db *db, int64_t id,
	int (*cb)(const char *decision, int64_t n, void *payload),
	void *payload)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT decision FROM "
	    "ferry_import_plan WHERE import_id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_imports__counts(db, st, cb, payload);
}

/* The problems a filter keeps (?2 severity, ?3 kind, ?4 entity; NULL
 * for any).  The item is read only for an entity filter: items are the
 * large rows, and counting without one must not touch them. */
#define PROBLEM_FILTER "pr.import_id = ?1 AND (?2 IS NULL OR pr.severity = " \
	"?2) AND (?3 IS NULL OR pr.kind = ?3) AND (?4 IS NULL OR (SELECT " \
	"coalesce(fi.entity, fi.t) FROM ferry_import_item fi WHERE " \
	"fi.import_id = pr.import_id AND fi.item = pr.item) = ?4)"

static void bind_filter(sqlite3_stmt *st, int64_t id,
	const ferry_problem_filter *f)
{
	sqlite3_bind_int64(st, 1, id);
	ferry_sq__bind_text(st, 2, f ? f->severity : NULL);
	ferry_sq__bind_text(st, 3, f ? f->kind : NULL);
	ferry_sq__bind_text(st, 4, f ? f->entity : NULL);
}

int ferry_sqlite__import_problem_kinds(ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const char *kind, int64_t n, void *payload), void *payload,
	int64_t *matched)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT count(*) FROM "
	    "ferry_import_problem pr WHERE " PROBLEM_FILTER, &st)) < 0)
		return error;
	bind_filter(st, id, f);
	rc = sqlite3_step(st);
	*matched = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading an import");
	if ((error = ferry_sq__prepare(db, "SELECT kind FROM "
	    "ferry_import_problem WHERE import_id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_imports__counts(db, st, cb, payload);
}

int ferry_sqlite__import_problems_each(ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload)
{
	ferry_import_problem_row row;
	sqlite3_stmt *st;
	int error = 0, rc;

	/* Not cached: the callback may read. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT pr.item, i.t, "
		"coalesce(i.entity, i.t), i.sys_id, i.rkey, pr.kind, "
		"pr.severity, pr.facts, r.resolution, i.action, p.decision, "
		"r.whole FROM ferry_import_problem pr JOIN ferry_import_item i "
		"ON i.import_id = pr.import_id AND i.item = pr.item LEFT JOIN "
		"ferry_import_plan p ON p.import_id = pr.import_id AND p.item "
		"= pr.item LEFT JOIN ferry_import_resolution r ON r.import_id "
		"= pr.import_id AND r.item = pr.item WHERE " PROBLEM_FILTER
		" ORDER BY pr.item, " SEVERITY_ORDER ", pr.kind LIMIT ?5 "
		"OFFSET ?6", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "reading an import");
	bind_filter(st, id, f);
	sqlite3_bind_int64(st, 5, f && f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int64(st, 6, f && f->offset > 0 ? f->offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char **cols[] = { &row.t, &row.entity, &row.sys_id,
			&row.key, &row.kind, &row.severity, &row.facts,
			&row.resolution, &row.action, &row.decision };
		size_t k;

		row.item = sqlite3_column_int64(st, 0);
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			*cols[k] = (const char *)sqlite3_column_text(st,
				(int)k + 1);
		row.whole = sqlite3_column_int(st, 11);
		if ((error = cb(&row, payload)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "reading an import");
	return error;
}

/* ---- resolve ------------------------------------------------------------- */

int ferry_sqlite__import_problem_of(ferry_db *db, int64_t id, int64_t item,
	const char *kinds, ferry_str *kind)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT kind FROM "
	    "ferry_import_problem WHERE import_id = ?1 AND item = ?2 AND "
	    "instr(',' || ?3 || ',', ',' || kind || ',') > 0 ORDER BY kind "
	    "LIMIT 1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_text(st, 3, kinds, -1, SQLITE_TRANSIENT);
	return ferry_sq__text(db, st, kind);
}

#define RESOLUTION_UPSERT " ON CONFLICT (import_id, item) DO UPDATE SET " \
	"resolution = excluded.resolution, merged = excluded.merged, whole = " \
	"excluded.whole, by = excluded.by, at = excluded.at"

int ferry_sqlite__import_resolution_set(ferry_db *db, int64_t id,
	int64_t item, const char *resolution, const char *merged, int whole,
	const char *by, const char *at)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO "
	    "ferry_import_resolution (import_id, item, resolution, merged, "
	    "whole, by, at) VALUES (?1, ?2, ?3, ?4, ?7, ?5, ?6)"
	    RESOLUTION_UPSERT, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_text(st, 3, resolution, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 4, merged);
	ferry_sq__bind_text(st, 5, by);
	ferry_sq__bind_text(st, 6, at);
	sqlite3_bind_int(st, 7, whole != 0);
	return ferry_sq__done(db, st, "resolving");
}

int ferry_sqlite__import_resolutions_planned(ferry_db *db, int64_t id,
	int64_t *n)
{
	return ferry_imports__count(db, "SELECT count(*) FROM "
		"ferry_import_resolution WHERE import_id = ?1 AND (resolution "
		"<> ?2 OR whole <> 0)", id, "accept", n, "resolving");
}

int ferry_sqlite__import_resolution_clear(ferry_db *db, int64_t id,
	int64_t item)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "DELETE FROM "
	    "ferry_import_resolution WHERE import_id = ?1 AND item = ?2",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	return ferry_sq__done(db, st, "resolving");
}

/* Items with an error or a warning of a kind in ?2 (comma-separated). */
#define LEFT_ITEMS "FROM ferry_import_problem WHERE import_id = ?1 AND " \
	"severity IN ('error', 'warning') AND instr(',' || ?2 || ',', ',' " \
	"|| kind || ',') > 0"

int ferry_sqlite__import_resolve_all(ferry_db *db, int64_t id,
	const char *resolution, int whole, const char *not_kinds,
	const char *by, const char *at, int64_t *resolved, int64_t *left,
	int (*each_left)(int64_t item, void *payload), void *payload)
{
	sqlite3_stmt *st;
	int error, rc;

	*resolved = *left = 0;
	if ((error = ferry_sq__prepare(db, "INSERT INTO "
	    "ferry_import_resolution (import_id, item, resolution, merged, "
	    "whole, by, at) SELECT ?1, item, ?2, NULL, ?6, ?4, ?5 FROM "
	    "ferry_import_problem WHERE import_id = ?1 AND severity IN "
	    "('error', 'warning') GROUP BY item HAVING ?3 IS NULL OR "
	    "sum(instr(',' || ?3 || ',', ',' || kind || ',') > 0) = 0"
	    RESOLUTION_UPSERT, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, resolution, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 3, not_kinds);
	ferry_sq__bind_text(st, 4, by);
	ferry_sq__bind_text(st, 5, at);
	sqlite3_bind_int(st, 6, whole != 0);
	if ((error = ferry_sq__done(db, st, "resolving")) < 0)
		return error;
	*resolved = sqlite3_changes(SQ(db)->conn);
	if (!not_kinds)
		return 0;
	if ((error = ferry_sq__prepare(db, "SELECT count(DISTINCT item) "
	    LEFT_ITEMS, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, not_kinds, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*left = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "resolving");
	if ((error = ferry_sq__prepare(db, "SELECT DISTINCT item " LEFT_ITEMS
	    " ORDER BY item", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, not_kinds, -1, SQLITE_TRANSIENT);
	return ferry_imports__numbers(db, st, each_left, payload,
		"resolving");
}

int ferry_sqlite__import_ref_exists(ferry_db *db, int64_t id,
	const char *entity, const char *sys_id, int table)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error, rc;

	ferry_str_puts(&sql, "SELECT ");
	if (table) {
		ferry_str_puts(&sql, "EXISTS (SELECT 1 FROM ");
		ferry_sq__ident(&sql, entity);
		ferry_str_puts(&sql, " WHERE sys_id = ?2) OR ");
	}
	package_writes(&sql, entity, "?2", 0);
	if ((error = ferry_imports__prepare(db, &sql, &st, "resolving")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	error = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) :
		ferry_sq__error(db, rc, "resolving");
	sqlite3_finalize(st);
	return error;
}
