/*
 * imports_plan.c - the store's side of imports, part two: the plan
 * (preview) and the resolutions.  Records are planned entity by entity
 * with a handful of set-wise statements: identity and versions, the
 * field-level three-way check against the live row, the problems versions
 * and policies decide, then one pass per field that can fail (see
 * store.h, "imports").
 */
#include "imports.h"

#include "records.h"

#include <string.h>

/* ---- preview ------------------------------------------------------------- */

int ferry_store__import_plan_reset(ferry_db *db, int64_t id)
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

int ferry_store__import_plan_records(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs)
{
	ferry_str sql = FERRY_STR_INIT;
	size_t i;

	ferry_str_puts(&sql, "INSERT INTO ferry_import_plan (import_id, item, "
		"target_id, target_version, target_policy, conflicts, "
		"decision, act) SELECT import_id, item, tid, tver, tpol, "
		"conflicts, d, d FROM (SELECT import_id, item, tid, tver, "
		"tpol, conflicts, CASE WHEN tid IS NULL THEN CASE WHEN "
		"action = 'delete' THEN 'skip' ELSE 'insert' END WHEN tver = "
		"version THEN 'skip' WHEN action = 'delete' THEN 'delete' "
		"WHEN tver IS base THEN 'update' WHEN conflicts = '[]' THEN "
		"'merge' ELSE 'update' END AS d FROM (SELECT i.import_id, "
		"i.item, i.action, "
		"i.version, i.base, ");
	if (!fs) {
		ferry_str_puts(&sql, "NULL AS tid, NULL AS tver, NULL AS tpol, "
			"NULL AS conflicts FROM ferry_import_item i");
		goto where;
	}
	/* The three-way check: the fields the package changes (the keys
	 * of "old") must still hold their base values in the target. */
	ferry_str_puts(&sql, "t.sys_id AS tid, t.sys_version AS tver, "
		"t.sys_policy AS tpol, CASE WHEN t.sys_id IS NOT NULL AND "
		"i.action = 'update' AND t.sys_version IS NOT i.base AND "
		"t.sys_version <> i.version AND i.old IS NOT NULL THEN (SELECT "
		"json_group_array(o.key) FROM json_each(i.old) o WHERE (CASE "
		"o.key WHEN '' THEN NULL");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, " WHEN ");
		ferry_imports__literal(&sql, fs->fields[i].name);
		ferry_str_puts(&sql, " THEN ");
		canonical_expr(&sql, &fs->fields[i]);
	}
	ferry_str_puts(&sql, " ELSE 'null' END) IS NOT (i.old -> o.fullkey)) "
		"END AS conflicts FROM ferry_import_item i LEFT JOIN ");
	ferry_sq__ident(&sql, entity);
	if (ferry__is_system_entity(entity)) {
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

int ferry_store__import_plan_put(ferry_db *db, int64_t id, int64_t item,
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

/* Items of kinds other than record, schema, formula and dataset: as
 * ranges of the (import_id, t, ...) index, so that finding none costs
 * nothing. */
#define OTHER_KINDS "(t < 'dataset' OR (t > 'dataset' AND t < 'formula') " \
	"OR (t > 'formula' AND t < 'record') OR (t > 'record' AND t < " \
	"'schema') OR t > 'schema')"

int ferry_store__import_plan_rest(ferry_db *db, int64_t id)
{
	int error;

	if ((error = ferry_imports__run(db, "INSERT INTO ferry_import_problem "
	    "(import_id, item, kind, severity, message) SELECT import_id, "
	    "item, 'unknown_item', 'info', printf('item of kind %s, which this "
	    "ferry does not know: skipped (a newer ferry may apply it)', "
	    "substr(json_quote(t), 1, 40)) FROM ferry_import_item WHERE "
	    "import_id = ?1 AND " OTHER_KINDS, id, NULL, "planning")) < 0)
		return error;
	return ferry_imports__run(db, "INSERT INTO ferry_import_plan "
		"(import_id, item, decision, act) SELECT import_id, item, "
		"'skip', 'skip' FROM "
		"ferry_import_item WHERE import_id = ?1 AND " OTHER_KINDS, id,
		NULL, "planning");
}


int ferry_store__import_problem_put(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const char *message)
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
	sqlite3_bind_text(st, 5, message, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "recording a problem");
}

/* What resolving an error means, for its message. */
#define RESOLVE_HINT(accept) "printf('; ''ferry import resolve %d " \
	"accept %d'' " accept ", ''skip'' keeps the target''s', " \
	"import_id, item)"

/*
 * The problems versions and policies decide, in one pass over the plan:
 * v is the version problem of a record item (at most one), pol its
 * protection problem.  Only items with a problem are kept.
 */
#define RECORD_PROBLEMS "WITH k AS MATERIALIZED (SELECT i.import_id AS " \
	"import_id, i.item AS item, i.entity AS entity, i.rkey AS rkey, " \
	"i.sys_id AS sys_id, i.action AS action, i.version AS version, " \
	"i.policy AS policy, i.old AS old, p.conflicts AS conflicts, CASE " \
	"WHEN i.action = 'delete' AND p.target_id IS NULL THEN " \
	"'already_deleted' WHEN p.target_id IS NOT NULL AND p.target_version " \
	"= i.version THEN 'already_applied' WHEN p.decision = 'merge' THEN " \
	"'merged' WHEN p.target_id IS NOT NULL AND p.conflicts IS NOT NULL " \
	"AND p.conflicts <> '[]' THEN 'conflict' WHEN p.target_id IS NOT " \
	"NULL AND p.target_version IS NOT i.base AND p.conflicts IS NULL " \
	"THEN 'changed' WHEN i.action = 'update' AND p.target_id IS NULL " \
	"THEN 'gone' END AS v, CASE WHEN p.target_id IS NULL OR p.decision " \
	"= 'skip' THEN NULL WHEN p.target_policy = 'protected' AND i.policy " \
	"<> 'protected' THEN 'protected' WHEN p.target_policy = 'changed' " \
	"AND i.policy = 'open' THEN 'customized' END AS pol FROM " \
	"ferry_import_plan p JOIN ferry_import_item i ON i.import_id = " \
	"p.import_id AND i.item = p.item WHERE p.import_id = ?1 AND i.t = " \
	"'record' AND i.entity NOT IN " CATALOG_ENTITIES " AND (v IS NOT " \
	"NULL OR pol IS NOT NULL)) "

int ferry_store__import_problems_records(ferry_db *db, int64_t id)
{
	return ferry_imports__run(db, RECORD_PROBLEMS PROBLEM_INSERT

	"SELECT import_id, item, 'already_deleted', 'info', printf('%s "
	"record %s is not in the target; nothing to delete', entity, "
	"sys_id) FROM k WHERE v = 'already_deleted' "

	"UNION ALL SELECT import_id, item, 'already_applied', 'info', "
	"printf('%s record %s already has this version (%s); nothing to "
	"do', entity, rkey, substr(version, 1, 12)) FROM k WHERE v = "
	"'already_applied' "

	/* A clean field-level merge. */
	"UNION ALL SELECT import_id, item, 'local_change', 'info', printf('%s "
	"record %s changed in the target since the package''s base version, "
	"but not in the fields the package changes (%s): they are merged "
	"in, the target''s other changes are kept', entity, rkey, "
	"coalesce((SELECT group_concat(o.key, ', ') FROM json_each(old) o), "
	"'none')) FROM k WHERE v = 'merged' "

	/* A conflicting change. */
	"UNION ALL SELECT import_id, item, 'local_change', 'error', printf('%s "
	"record %s changed in the target since the package''s base version, "
	"and %s (%s) also changed there', entity, rkey, CASE WHEN "
	"json_array_length(conflicts) = 1 THEN 'a field the package "
	"changes' ELSE 'fields the package changes' END, (SELECT "
	"group_concat(c.value, ', ') FROM json_each(conflicts) c)) || "
	RESOLVE_HINT("takes the package''s version") " || printf(', or "
	"''merge %d JSON'' uses a payload you merged by hand', item) FROM k "
	"WHERE v = 'conflict' "

	/* Changed in the target, nothing to merge with. */
	"UNION ALL SELECT import_id, item, 'local_change', 'error', CASE WHEN "
	"action = 'insert' THEN printf('%s record %s already exists in the "
	"target with other content', entity, rkey) || " RESOLVE_HINT(
	"overwrites it with the package''s version") " WHEN action = "
	"'delete' THEN printf('%s record %s changed in the target since the "
	"package''s base version; deleting it loses that change', entity, "
	"rkey) || " RESOLVE_HINT("deletes it anyway") " ELSE printf('%s "
	"record %s changed in the target since the package''s base version "
	"and the package carries no base values to merge with', entity, "
	"rkey) || " RESOLVE_HINT("takes the package''s version") " END FROM "
	"k WHERE v = 'changed' "

	/* Updated in the package, gone from the target. */
	"UNION ALL SELECT import_id, item, 'local_change', 'error', "
	"printf('%s record %s is not in the target (deleted there since the "
	"package''s base version, or never imported) but the package "
	"updates it', entity, rkey) || " RESOLVE_HINT("inserts the "
	"package''s version") " FROM k WHERE v = 'gone' AND NOT EXISTS "
	"(SELECT 1 FROM ferry_import_problem m WHERE m.import_id = "
	"k.import_id AND m.item = k.item AND m.kind = 'missing_entity') "

	/* The protection matrix (docs/import.md). */
	"UNION ALL SELECT import_id, item, 'protected', 'error', printf('%s "
	"record %s is protected in the target (it belongs to an installed "
	"application) and the package''s version is %s', entity, rkey, "
	"policy) || " RESOLVE_HINT("overwrites it anyway (a strong "
	"overwrite)") " FROM k WHERE pol = 'protected' "

	"UNION ALL SELECT import_id, item, 'customized', 'error', printf('%s "
	"record %s was customised in the target (policy changed) and the "
	"package''s version is open: importing it would overwrite the "
	"customisation', entity, rkey) || " RESOLVE_HINT("overwrites it "
	"anyway (a strong overwrite)") " FROM k WHERE pol = 'customized'",
	id, NULL, "planning");
}

int ferry_store__import_problems_entity(ferry_db *db, int64_t id,
	const char *entity, const char *message)
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
	sqlite3_bind_text(st, 3, message, -1, SQLITE_TRANSIENT);
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

int ferry_store__import_problems_field(ferry_db *db, int64_t id,
	const char *entity, const char *field, ferry_value_check check,
	const ferry_field *target)
{
	ferry_str sql = FERRY_STR_INIT, path = FERRY_STR_INIT,
		v = FERRY_STR_INIT, jt = FERRY_STR_INIT;
	int error = 0, table;

	ferry_str_puts(&path, "$.");
	ferry_str_puts(&path, field);
	ferry_str_puts(&v, "(i.payload ->> ");
	ferry_imports__literal(&v, ferry_str_cstr(&path));
	ferry_str_putc(&v, ')');
	ferry_str_puts(&jt, "json_type(i.payload, ");
	ferry_imports__literal(&jt, ferry_str_cstr(&path));
	ferry_str_putc(&jt, ')');
	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT i.import_id, i.item, ");
	switch (check) {
	case FERRY_CHECK_MISSING:
		ferry_str_puts(&sql, "'missing_field', 'error', printf('%s "
			"has no field %s in the target and the package does "
			"not add it: add the field (''ferry field add''), or "
			"''ferry import resolve %d merge %d JSON'' without it, "
			"or skip the record', i.entity, ");
		ferry_imports__literal(&sql, field);
		ferry_str_puts(&sql, ", i.import_id, i.item)");
		break;
	case FERRY_CHECK_TYPE:
		ferry_str_puts(&sql, "'type_mismatch', 'error', printf('%s "
			"record %s: a value does not fit the target (%s is "
			"%s): ''ferry import resolve %d merge %d JSON'' with "
			"values that fit, or skip the record', i.entity, "
			"i.rkey, ");
		ferry_imports__literal(&sql, field);
		ferry_str_puts(&sql, ", ");
		ferry_imports__literal(&sql, target->type_text);
		ferry_str_puts(&sql, ", i.import_id, i.item)");
		break;
	case FERRY_CHECK_REF:
		ferry_str_puts(&sql, "'missing_reference', 'error', "
			"printf('%s.%s refers to %s record %s, which is "
			"neither in the target nor written by the package: "
			"import that record first, or ''ferry import resolve "
			"%d merge %d JSON'' without the reference, or skip the "
			"record', i.entity, ");
		ferry_imports__literal(&sql, field);
		ferry_str_puts(&sql, ", ");
		ferry_imports__literal(&sql, target->type.ref);
		ferry_str_printf(&sql, ", %s, i.import_id, i.item)",
			ferry_str_cstr(&v));
		break;
	}
	ferry_str_puts(&sql, " FROM ferry_import_item i JOIN ferry_import_plan "
		"p ON p.import_id = i.import_id AND p.item = i.item WHERE "
		"i.import_id = ?1 AND i.t = 'record' AND i.entity = ?2 AND "
		"p.decision IN ('insert', 'update', 'merge') AND (p.decision "
		"<> 'merge' OR json_type(i.old, ");
	ferry_imports__literal(&sql, ferry_str_cstr(&path));
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
		if ((table = ferry_store__entity_exists(db,
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

int ferry_store__import_referrers(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, const char *field,
	const char *ref_entity, void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	rc = sqlite3_prepare_v2(db->store->conn, "SELECT f.entity, f.name, "
		"substr(f.type, 5, length(f.type) - 5) AS r FROM sys_field f "
		"WHERE f.type LIKE 'ref(%' AND r IN (SELECT DISTINCT i.entity "
		"FROM ferry_import_item i JOIN ferry_import_plan p ON "
		"p.import_id = i.import_id AND p.item = i.item WHERE "
		"i.import_id = ?1 AND i.t = 'record' AND p.decision = "
		"'delete') ORDER BY 1, 2", -1, &st, NULL);
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

int ferry_store__import_problems_referenced(ferry_db *db, int64_t id,
	const char *entity, const char *field, const char *ref_entity)
{
	ferry_str sql = FERRY_STR_INIT;

	ferry_str_puts(&sql, PROBLEM_INSERT "SELECT d.import_id, d.item, "
		"'still_referenced', 'warning', printf('%s record %s is still "
		"referred to by %s.%s of %d target record(s) the package keeps "
		"(%s%s): after the delete they refer to nothing; skip the "
		"delete, or change them first', d.entity, d.sys_id, ");
	ferry_imports__literal(&sql, entity);
	ferry_str_puts(&sql, ", ");
	ferry_imports__literal(&sql, field);
	ferry_str_puts(&sql, ", count(*), min(x.sys_id), CASE WHEN count(*) > "
		"1 THEN ', ...' ELSE '' END) FROM ");
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
	ferry_str_puts(&sql, " GROUP BY d.item" PROBLEM_MERGE);
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

int ferry_store__import_unresolved(ferry_db *db, int64_t id, int64_t *count)
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
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading an "
		"import");
}

#define SEVERITY_ORDER "CASE pr.severity WHEN 'error' THEN 0 WHEN " \
	"'warning' THEN 1 ELSE 2 END"

int ferry_store__import_preview_doc(ferry_db *db, int64_t id,
	ferry_str *json)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT json_object('id', m.id, "
	    "'state', m.state, 'stamp', m.stamp, 'pack', " PACK_JSON ", "
	    "'items', m.items, 'actions', json((SELECT json_object('insert', "
	    "count(*) FILTER (WHERE decision = 'insert'), 'update', count(*) "
	    "FILTER (WHERE decision = 'update'), 'merge', count(*) FILTER "
	    "(WHERE decision = 'merge'), 'delete', count(*) FILTER (WHERE "
	    "decision = 'delete'), 'skip', count(*) FILTER (WHERE decision = "
	    "'skip')) FROM ferry_import_plan WHERE import_id = ?1)), "
	    "'unresolved', (SELECT count(DISTINCT pr.item) " UNRESOLVED "), "
	    "'problem_count', (SELECT count(*) FROM ferry_import_problem "
	    "WHERE import_id = ?1)) FROM ferry_import m WHERE m.id = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_sq__text(db, st, json);
}

int ferry_store__import_problems_each(ferry_db *db, int64_t id,
	int (*cb)(const char *json, size_t len, void *payload),
	void *payload)
{
	return ferry_sq__each_line(db, "SELECT json_object('item', "
		"pr.item, 'entity', coalesce(i.entity, i.t), 'sys_id', "
		"i.sys_id, 'key', i.rkey, 'kind', pr.kind, 'severity', "
		"pr.severity, 'message', pr.message, 'resolution', "
		"r.resolution) FROM ferry_import_problem pr JOIN "
		"ferry_import_item i ON i.import_id = pr.import_id AND i.item "
		"= pr.item LEFT JOIN ferry_import_resolution r ON r.import_id "
		"= pr.import_id AND r.item = pr.item WHERE pr.import_id = ?1 "
		"ORDER BY pr.item, " SEVERITY_ORDER ", pr.kind",
		id, cb, payload, "reading an import");
}

/* ---- resolve ------------------------------------------------------------- */

int ferry_store__import_problem_of(ferry_db *db, int64_t id, int64_t item,
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
	"resolution = excluded.resolution, merged = excluded.merged, by = " \
	"excluded.by, at = excluded.at"

int ferry_store__import_resolution_set(ferry_db *db, int64_t id,
	int64_t item, const char *resolution, const char *merged,
	const char *by, const char *at)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO "
	    "ferry_import_resolution (import_id, item, resolution, merged, "
	    "by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" RESOLUTION_UPSERT,
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_text(st, 3, resolution, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 4, merged);
	ferry_sq__bind_text(st, 5, by);
	ferry_sq__bind_text(st, 6, at);
	return ferry_sq__done(db, st, "resolving");
}

int ferry_store__import_resolve_all(ferry_db *db, int64_t id,
	const char *resolution, const char *not_kinds, const char *by,
	const char *at, int64_t *resolved, int64_t *left)
{
	sqlite3_stmt *st;
	int error, rc;

	*resolved = *left = 0;
	if ((error = ferry_sq__prepare(db, "INSERT INTO "
	    "ferry_import_resolution (import_id, item, resolution, merged, "
	    "by, at) SELECT ?1, item, ?2, NULL, ?4, ?5 FROM "
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
	if ((error = ferry_sq__done(db, st, "resolving")) < 0)
		return error;
	*resolved = sqlite3_changes(db->store->conn);
	if (!not_kinds)
		return 0;
	if ((error = ferry_sq__prepare(db, "SELECT count(DISTINCT item) FROM "
	    "ferry_import_problem WHERE import_id = ?1 AND severity IN "
	    "('error', 'warning') AND instr(',' || ?2 || ',', ',' || kind || "
	    "',') > 0", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, not_kinds, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*left = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "resolving");
}

int ferry_store__import_ref_exists(ferry_db *db, int64_t id,
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
