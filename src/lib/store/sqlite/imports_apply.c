/*
 * imports_apply.c - the store's side of imports, part three: commit
 * (what each item does, the set-wise inserts and updates, the items left
 * to the write path, version ids, the commit document) and back out
 * (the versions an import wrote, the back out document).
 */
#include "imports.h"

#include <string.h>

/* ---- commit -------------------------------------------------------------- */

/* A set-wise write stores the package's content exactly, so it takes the
 * package's version id: the same content has the same id everywhere. */
#define HASH_EXPR "s.version"
#define VENDOR_EXPR "CASE WHEN ?3 THEN 1 ELSE s.vendor END"
/* The entity's items written set-wise, f their row of
 * temp.ferry_commit_fast.  (Ordered by sys_id: the entity's index
 * order, whereas ORDER BY item would walk the whole import; CROSS JOIN
 * keeps the items outermost.) */
#define FAST_ITEMS "FROM ferry_import_item i CROSS JOIN " \
	"temp.ferry_commit_fast f ON f.k = " \
	STAGED_KEY("i.import_id", "i.item") " JOIN ferry_import_plan p ON " \
	"p.import_id = i.import_id AND p.item = i.item" STAGED("i", "s") \
	" WHERE i.import_id = ?1 AND i.t = 'record' AND i.entity = ?2"

/* The stored value of field f from the canonical payload: json keeps
 * its canonical JSON text; the rest are SQL values (bool true/false come
 * out as 1/0), as ->> gives them.  ferry_member() finds the payload's
 * members once for all its fields, where each ->> parsed it again
 * (functions.c). */
static void value_expr(ferry_str *sql, const ferry_field *f)
{
	ferry_str_puts(sql, "ferry_member(sp.payload, ");
	ferry_imports__literal(sql, f->name);
	ferry_str_puts(sql, f->type.base == FERRY_T_JSON ||
		f->type.base == FERRY_T_FLOAT ? ", 1)" : ", 0)");
}

/* Run a commit statement: ?1 import, ?2 entity, ?3 application, ?4
 * user, ?5 time.  *changes (if not NULL) receives the rows it changed,
 * or for a query 1 if it found a row, else 0. */
static int fast_bind_run(ferry_db *db, ferry_str *sql,
	const ferry_import_write *w, const char *entity, int64_t *changes)
{
	sqlite3_stmt *st;
	int error, rc, query;

	if ((error = ferry_imports__prepare(db, sql, &st, "committing")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, w->import_id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, w->application ? 1 : 0);
	sqlite3_bind_text(st, 4, w->user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, w->at, -1, SQLITE_TRANSIENT);
	query = sqlite3_stmt_readonly(st);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && !(query && rc == SQLITE_ROW))
		return ferry_sq__error(db, rc, "committing");
	if (changes)
		*changes = query ? rc == SQLITE_ROW :
			sqlite3_changes(SQ(db)->conn);
	return 0;
}

/* INSERT of the rows of entity's set-wise items of that act, each
 * straight from its staged payload, in the entity's key order. */
static void rows_from_items(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs, const char *act)
{
	size_t i;

	ferry_sqlite__record_insert_into(sql, entity, fs);
	ferry_str_puts(sql, " SELECT i.sys_id, ?5, ?4, ?5, ?4, s.policy, "
		VENDOR_EXPR ", " HASH_EXPR);
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, ", ");
		value_expr(sql, &fs->fields[i]);
	}
	ferry_str_puts(sql, " " FAST_ITEMS " AND p.act = ");
	ferry_imports__literal(sql, act);
	ferry_str_puts(sql, " ORDER BY i.sys_id");
}

int ferry_sqlite__import_fast(ferry_db *db, const ferry_import_write *w,
	const char *entity, const ferry_fieldset *fs,
	const ferry_fieldset *check, unsigned acts, int64_t *done)
{
	ferry_str sql = FERRY_STR_INIT;
	int64_t n = 0, history = 0;
	size_t i;
	int error;

	*done = 0;
	if (!(acts & (FERRY_FAST_INSERTS | FERRY_FAST_UPDATES)))
		return 0;
	/* Does the entity have any history at all?  (A new entity has
	 * none, and its new versions no parent to look for.) */
	ferry_str_puts(&sql, "SELECT 1 FROM ferry_version WHERE entity = ?2 "
		"LIMIT 1");
	if ((error = fast_bind_run(db, &sql, w, entity, &history)) < 0)
		goto done;
	/* Candidates: inserts, and updates when every target field is the
	 * package's; not hand-merged ones.  Each kept with the parent of
	 * its new version, the record's latest, in the same pass: a second
	 * pass over the same items cost as much again (3.6 s of the
	 * populated 1M commit, docs/performance.md). */
	if ((error = ferry_imports__commit_fast(db)) < 0)
		goto done;
	ferry_str_puts(&sql, "INSERT INTO temp.ferry_commit_fast (k, "
		"before_id, before_hash) SELECT " STAGED_KEY("i.import_id",
		"i.item"));
	ferry_str_puts(&sql, history ? ", v.id, v.hash" : ", NULL, NULL");
	ferry_str_puts(&sql, " FROM ferry_import_item i JOIN "
		"ferry_import_plan q ON q.import_id = i.import_id AND q.item = "
		"i.item LEFT JOIN ferry_import_resolution r ON r.import_id = "
		"i.import_id AND r.item = i.item" STAGED("i", "s"));
	if (history)
		ferry_str_puts(&sql, " LEFT JOIN ferry_version v ON v.id = "
			"(SELECT max(id) FROM ferry_version WHERE entity = ?2 "
			"AND sys_id = i.sys_id)");
	ferry_str_printf(&sql, " WHERE i.import_id = ?1 AND i.t = 'record' AND "
		"i.entity = ?2 AND r.resolution IS NOT 'merge' AND r.whole IS "
		"NOT 1 AND (%s%s%s)",
		acts & FERRY_FAST_INSERTS ? "q.act = 'insert'" : "",
		acts == (FERRY_FAST_INSERTS | FERRY_FAST_UPDATES) ? " OR " : "",
		acts & FERRY_FAST_UPDATES ? "(q.act = 'update' AND i.action <> "
		"'delete' AND q.target_version IS NOT s.version)" : "");
	if ((error = fast_bind_run(db, &sql, w, entity, &n)) < 0 || n == 0)
		goto done;
	/* ... whose every value is already in the stored form of its
	 * target field: the rest are converted one by one.  Only the
	 * fields in check can hold other values (load proved the rest). */
	if (check->n > 0) {
		ferry_str_puts(&sql, "DELETE FROM temp.ferry_commit_fast WHERE "
			"k IN (SELECT s.k FROM ferry_import_item i"
			STAGED("i", "s") " JOIN json_each(sp.payload) j WHERE "
			"i.import_id = ?1 AND i.t = 'record' AND i.entity = ?2 "
			"AND (CASE j.key WHEN '' THEN 0");
		for (i = 0; i < check->n; i++) {
			ferry_str_puts(&sql, " WHEN ");
			ferry_imports__literal(&sql, check->fields[i].name);
			if (!check->fields[i].type_text[0]) {
				ferry_str_puts(&sql, " THEN 0");
				continue;
			}
			ferry_str_puts(&sql, " THEN ferry_fits(");
			ferry_imports__literal(&sql,
				check->fields[i].type_text);
			ferry_str_puts(&sql, ", j.type, j.value)");
		}
		ferry_str_puts(&sql, " ELSE 2 END) < 2)");
		if ((error = fast_bind_run(db, &sql, w, entity, NULL)) < 0)
			goto done;
	}
	ferry_str_clear(&sql);
	/* The payload stays where load staged it, under the staged row's
	 * key: the version names it (schema.c, 14 -> 15).  (Every item
	 * written here is an insert or an update, which a package carries
	 * with its payload; naming s.k, the statement reads no payload.) */
	ferry_str_puts(&sql, "INSERT INTO ferry_version (entity, sys_id, rkey, "
		"action, hash, parent, parent_id, payload, payload_k, policy, "
		"vendor, author, at, pack_id, source, import_id) SELECT "
		"i.entity, i.sys_id, i.rkey, p.act, " HASH_EXPR ", "
		"f.before_hash, f.before_id, '', s.k, s.policy, " VENDOR_EXPR
		", ?4, ?5, NULL, 'import', ?1 " FAST_ITEMS " ORDER BY "
		"i.sys_id");
	if ((error = fast_bind_run(db, &sql, w, entity, &n)) < 0)
		goto done;
	*done = n;
	if (!(acts & FERRY_FAST_INSERTS))
		goto updates;
	rows_from_items(&sql, entity, fs, "insert");
	if ((error = fast_bind_run(db, &sql, w, entity, NULL)) < 0)
		goto done;
updates:
	if (!(acts & FERRY_FAST_UPDATES))
		goto done;
	/* An update as an insert that finds the record's row, its conflict
	 * made the row's update: UPDATE ... FROM first copied every row's
	 * new values into a temporary table and then wrote them, where this
	 * writes each as the join yields it (8.1 s -> 5.8 to 6.3 s for the
	 * 900,000 updates of a populated 1M commit, docs/performance.md).  The
	 * insert itself never happens: the plan, made current inside this
	 * transaction, found each of these rows (act update).  Created at
	 * and by are the insert's only, and stay the row's. */
	rows_from_items(&sql, entity, fs, "update");
	ferry_str_puts(&sql, " ON CONFLICT (sys_id) DO UPDATE SET "
		"sys_updated_at = excluded.sys_updated_at, sys_updated_by = "
		"excluded.sys_updated_by, sys_policy = excluded.sys_policy, "
		"sys_vendor = excluded.sys_vendor, sys_version = "
		"excluded.sys_version");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, ", ");
		ferry_sq__ident(&sql, fs->fields[i].name);
		ferry_str_puts(&sql, " = excluded.");
		ferry_sq__ident(&sql, fs->fields[i].name);
	}
	error = fast_bind_run(db, &sql, w, entity, NULL);
done:
	ferry_str_dispose(&sql);
	return error;
}

int ferry_sqlite__import_adopt(ferry_db *db, const char *entity,
	const char *sys_id, const char *from, const char *to)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_version SET hash = "
	    "?4 WHERE id = (SELECT max(id) FROM ferry_version WHERE entity = "
	    "?1 AND sys_id = ?2) AND hash = ?3", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
	if ((error = ferry_sq__done(db, st, "committing")) < 0)
		return error;
	ferry_str_puts(&sql, "UPDATE ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " SET sys_version = ?3 WHERE sys_id = ?1 AND "
		"sys_version = ?2");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	error = ferry_sq__prepare(db, sql.ptr, &st);
	ferry_str_dispose(&sql);
	if (error < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "committing");
}

int ferry_sqlite__import_act_count(ferry_db *db, int64_t id, const char *act,
	int64_t *n)
{
	return ferry_imports__count(db, "SELECT count(*) FROM "
		"ferry_import_plan WHERE import_id = ?1 AND act = ?2", id, act,
		n, "committing");
}

int ferry_sqlite__import_next(ferry_db *db, int64_t id, const char *entity,
	int what, const char *after, ferry_import_item *out, size_t max,
	size_t *n)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	/* In (entity, sys_id) order, through the unique index: no open
	 * cursor while the caller writes.  Whether commit wrote an item
	 * set-wise is asked of its key, not of its staged row: the row was
	 * looked up for every item of the entity only to be passed over
	 * (nine in ten of the populated 1M commit).  And asked in a term
	 * of its own, which names the item alone, so that SQLite asks it
	 * before it looks up the item's plan. */
	if ((error = ferry_imports__commit_fast(db)) < 0 ||
	    (error = ferry_sq__prepare(db, "SELECT " ITEM_COLUMNS " FROM "
	    ITEM_JOINS " WHERE i.import_id = ?1 AND i.t = 'record' AND "
	    "i.entity = ?2 AND i.sys_id > ?3 AND (?4 <> 1 OR NOT " IS_FAST(
	    STAGED_KEY("i.import_id", "i.item")) ") AND CASE ?4 WHEN 1 THEN "
	    "p.act IN ('insert', 'update', 'merge') ELSE p.act = 'delete' "
	    "END ORDER BY i.sys_id LIMIT ?5", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, what);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)max);
	*n = 0;
	while (!error && (rc = sqlite3_step(st)) == SQLITE_ROW)
		error = ferry_imports__item_row(db, st, &out[(*n)++]);
	ferry_sq__reset(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "committing");
	return error;
}

int ferry_sqlite__import_outcomes(ferry_db *db, int64_t id,
	const int64_t *items, const char *const *outcomes,
	const char *const *details, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++)
		error = ferry_sqlite__import_outcome(db, id, items[i],
			outcomes[i], details[i]);
	return error;
}

/*
 * What commit did with an item, in ferry_import_outcome (schema.c,
 * 19 -> 20).  The payload load staged for it is left where it is: it
 * stays when the outcome says commit wrote the record (store.h), and
 * the commit's unstaging drops the rest with the items no outcome names
 * (DROP_UNKEPT, imports.c), in one walk of the import's key range.
 * (Dropped here one by one, the payloads of 100,000 written items lay a
 * few to each page of those the versions keep, and rewrote 546 MB of
 * pages at 1M: docs/performance.md.)
 */
int ferry_sqlite__import_outcome(ferry_db *db, int64_t id, int64_t item,
	const char *outcome, const char *detail)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_import_outcome "
	    "(import_id, item, outcome, detail) VALUES (?1, ?2, ?3, ?4) ON "
	    "CONFLICT (import_id, item) DO UPDATE SET outcome = "
	    "excluded.outcome, detail = coalesce(excluded.detail, detail)",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_text(st, 3, outcome, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 4, detail);
	return ferry_sq__done(db, st, "committing");
}

/* The catalog or definition items of an import, with their outcome, in
 * item order (through the staging index: few rows). */
#define SOME_ITEMS(where) "SELECT i.item, i.t, i.entity, i.rkey, " OUTCOME \
	", " OUTCOME_DETAIL " FROM ferry_import_item i INDEXED BY " \
	"ferry_import_item_record JOIN ferry_import_plan p ON p.import_id = " \
	"i.import_id AND p.item = i.item" OUTCOME_JOIN("p") " WHERE " \
	"i.import_id = ?1 AND " where " ORDER BY i.item"

int ferry_sqlite__import_outcome_counts(ferry_db *db, int64_t id,
	int (*cb)(const char *outcome, int64_t n, void *payload),
	void *payload)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT " OUTCOME " FROM "
	    "ferry_import_plan p" OUTCOME_JOIN("p") " WHERE p.import_id = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	return ferry_imports__counts(db, st, cb, payload);
}

int ferry_sqlite__import_outcomes_each(ferry_db *db, int64_t id, int what,
	int (*cb)(const ferry_import_outcome_row *row, void *payload),
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, what == FERRY_IMPORT_CATALOG ?
	    SOME_ITEMS("i.t = 'record' AND i.entity IN " CATALOG_ENTITIES) :
	    SOME_ITEMS("i.t IN ('dataset', 'formula')"), &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_import_outcome_row row;

		row.item = sqlite3_column_int64(st, 0);
		row.t = ferry_sq__str(st, 1);
		row.entity = ferry_sq__str(st, 2);
		row.key = ferry_sq__str(st, 3);
		row.outcome = ferry_sq__str(st, 4);
		row.detail = ferry_sq__str(st, 5);
		if ((error = cb(&row, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading an import");
}

/* ---- back out ------------------------------------------------------------ */

/*
 * The touched versions in id order, the newest version of each record
 * beside them.  The item is looked up only for the rows a back out may
 * report on (import_touched_batch in store_ops.h): its record's item,
 * else the one that targeted it (an object matched by name).
 */
static const char touched_sql[] = "SELECT x.id, x.entity, x.sys_id, "
	"x.action, x.latest, x.parent, b.action, " VERSION_PAYLOAD("b")
	", b.policy, b.vendor, b.hash, x.hash, CASE WHEN x.latest <> x.id "
	"OR x.entity IN ('sys_entity', 'sys_field') THEN coalesce((SELECT "
	"i.item FROM "
	"ferry_import_item i WHERE i.import_id = ?1 AND i.t = 'record' AND "
	"i.entity = x.entity AND i.sys_id = x.sys_id), (SELECT i.item FROM "
	"ferry_import_item i JOIN ferry_import_plan p ON p.import_id = "
	"i.import_id AND p.item = i.item WHERE i.import_id = ?1 AND i.t = "
	"'record' AND i.entity = x.entity AND (p.target_id = x.sys_id OR "
	"i.rkey = x.rkey) LIMIT 1), 0) ELSE 0 END FROM (SELECT v.id, "
	"v.hash, v.entity, v.sys_id, v.rkey, v.action, coalesce(v.parent_id, "
	"0) AS parent, (SELECT max(n.id) FROM ferry_version n WHERE n.entity "
	"= v.entity AND n.sys_id = v.sys_id) AS latest FROM ferry_version v "
	"WHERE v.import_id = ?1 AND v.source = 'import' AND v.id > ?2 ORDER "
	"BY v.id LIMIT ?3) x LEFT JOIN ferry_version b ON b.id = x.parent "
	"ORDER BY x.id";

int ferry_sqlite__import_touched_batch(ferry_db *db, int64_t id,
	int64_t after, ferry_import_touched *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int error, rc = SQLITE_DONE;

	*n = 0;
	if ((error = ferry_sq__prepare(db, touched_sql, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_import_touched *t = &out[(*n)++];

		t->id = sqlite3_column_int64(st, 0);
		ferry_sq__copy(t->entity, sizeof(t->entity), st, 1);
		ferry_sq__copy(t->sys_id, sizeof(t->sys_id), st, 2);
		ferry_sq__copy(t->action, sizeof(t->action), st, 3);
		t->latest = sqlite3_column_int64(st, 4);
		t->parent = sqlite3_column_int64(st, 5);
		ferry_str_clear(&t->parent_action);
		ferry_str_clear(&t->parent_payload);
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			ferry_str_puts(&t->parent_action,
				(const char *)sqlite3_column_text(st, 6));
			ferry_str_put(&t->parent_payload,
				(const char *)sqlite3_column_text(st, 7),
				(size_t)sqlite3_column_bytes(st, 7));
		}
		ferry_sq__copy(t->parent_policy, sizeof(t->parent_policy),
			st, 8);
		t->parent_vendor = sqlite3_column_int(st, 9);
		ferry_sq__copy(t->parent_hash, sizeof(t->parent_hash), st, 10);
		ferry_sq__copy(t->hash, sizeof(t->hash), st, 11);
		t->item = sqlite3_column_int64(st, 12);
		if (ferry_str_failed(&t->parent_payload) ||
		    ferry_str_failed(&t->parent_action)) {
			ferry_sq__reset(st);
			return ferry__oom(db);
		}
	}
	if (*n == max)
		rc = SQLITE_DONE;
	ferry_sq__reset(st);
	if (rc != SQLITE_DONE)
		return ferry_sq__error(db, rc, "backing out");
	return 0;
}


int ferry_sqlite__import_problems_of_kinds(ferry_db *db, int64_t id,
	const char *kinds,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT pr.item, coalesce("
	    "i.entity, i.t), i.sys_id, i.rkey, pr.kind, pr.severity, "
	    "pr.facts FROM ferry_import_problem pr LEFT JOIN "
	    "ferry_import_item i ON i.import_id = pr.import_id AND i.item = "
	    "pr.item WHERE pr.import_id = ?1 AND instr(',' || ?2 || ',', ',' "
	    "|| pr.kind || ',') > 0 ORDER BY pr.item, pr.kind", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, kinds, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_import_problem_row row;

		memset(&row, 0, sizeof(row));
		row.item = sqlite3_column_int64(st, 0);
		row.entity = ferry_sq__str(st, 1);
		row.sys_id = ferry_sq__str(st, 2);
		row.key = ferry_sq__str(st, 3);
		row.kind = ferry_sq__str(st, 4);
		row.severity = ferry_sq__str(st, 5);
		row.facts = ferry_sq__str(st, 6);
		if ((error = cb(&row, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading an import");
}
