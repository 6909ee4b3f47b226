/*
 * imports_apply.c - the PostgreSQL store's side of imports, part three:
 * commit (what each item does, the set-wise inserts and updates, the
 * items left to the write path, version ids) and back out (the versions
 * an import wrote), as sqlite/imports_apply.c does them.  The one lent
 * function commit's statements call, ferry_fits(), runs on the client
 * over the values it judges; the items it sends to the write path go
 * back as an array parameter.
 */
#include "import_rows.h"
#include "plan_sql.h"

#include "../errors.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- commit -------------------------------------------------------------- */

/* A set-wise write stores the package's content exactly, so it takes the
 * package's version id: the same content has the same id everywhere. */
#define HASH_EXPR "s.version"
#define VENDOR_EXPR "CASE WHEN $3::int <> 0 THEN 1 ELSE s.vendor END"
/* The items of an entity the commit writes set-wise (fast = 1), each
 * with its plan row by key (PG_PLAN_ROW).  (Ordered by sys_id, as on
 * SQLite: version ids follow that order.) */
#define FAST_FROM "FROM ferry_import_item i" \
	PG_PLAN_ROW("i", "*", " AND p.fast = 1") PG_STAGED("i", "s")
#define FAST_WHERE " WHERE i.import_id = $1 AND i.t = 'record' AND " \
	"i.entity = $2"
#define FAST_ITEMS FAST_FROM FAST_WHERE

/* Whether field f keeps its member's JSON text (json and float do), or
 * the member's value as text. */
static int keeps_json(const ferry_field *f)
{
	return f->type.base == FERRY_T_JSON || f->type.base == FERRY_T_FLOAT;
}

/*
 * The stored value of field f from the canonical payload, as SQLite
 * stores it: json and float keep their canonical JSON text, integers
 * (bools as 1/0) are integers, the rest text.  The payload's members
 * come from x, the payload parsed once a row (payload_fields()): each
 * -> on a json text parses all of it again.  A json null stays the text
 * null, as -> gives it (json_to_record() makes it SQL NULL).
 */
static void value_expr(ferry_str *sql, const ferry_field *f)
{
	if (keeps_json(f)) {
		ferry_str_puts(sql, "coalesce(x.");
		ferry_pg__ident(sql, f->name);
		ferry_str_puts(sql, "::text, (sp.payload::json -> ");
		ferry_pg_plan__literal(sql, f->name);
		ferry_str_puts(sql, ")::text)");
	} else if (f->type.base == FERRY_T_BOOL) {
		ferry_str_puts(sql, "CASE x.");
		ferry_pg__ident(sql, f->name);
		ferry_str_puts(sql, " WHEN 'true' THEN 1 WHEN 'false' THEN 0 "
			"END");
	} else {
		ferry_str_puts(sql, "x.");
		ferry_pg__ident(sql, f->name);
		if (ferry_type__is_integer(&f->type))
			ferry_str_puts(sql, "::bigint");
	}
}

/*
 * ", json_to_record(sp.payload::json) AS x(f json, g text, ...)": each
 * field's member, which value_expr() reads.  A field that keeps its JSON
 * text is typed json (its text as written); the rest text, which is the
 * member's value as #>> '{}' gives it (a string unescaped, any other
 * value its JSON text) made in the same pass: extracting each of them
 * from a json member afterwards took as long as parsing the payload
 * (docs/performance.md, "PostgreSQL at 1M, again").
 */
static void payload_fields(ferry_str *sql, const ferry_fieldset *fs)
{
	size_t i;

	if (fs->n == 0)
		return;
	ferry_str_puts(sql, " CROSS JOIN LATERAL json_to_record("
		"sp.payload::json) AS x(");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, i ? ", " : "");
		ferry_pg__ident(sql, fs->fields[i].name);
		ferry_str_puts(sql, keeps_json(&fs->fields[i]) ? " json" :
			" text");
	}
	ferry_str_putc(sql, ')');
}

/* The parameters of a commit statement: $1 import, $2 entity, $3
 * application, $4 user, $5 time; a statement names the first n. */
typedef struct {
	ferry_pg_num id, app;
	const char *params[5];
} fast_params;

static void fast_params_init(fast_params *p, const ferry_import_write *w,
	const char *entity)
{
	p->params[0] = ferry_pg__num(&p->id, w->import_id);
	p->params[1] = entity;
	p->params[2] = ferry_pg__num(&p->app, w->application ? 1 : 0);
	p->params[3] = w->user;
	p->params[4] = w->at;
}

/*
 * The candidates (fast = 1) with a value of a field in check that is not
 * in the stored form of its type (ferry_fits() below 2) go to the write
 * path, which converts it: fast = 0.  A member named '' or a field
 * without a type never is.
 */
static int fast_refuse(ferry_db *db, const fast_params *p,
	const ferry_fieldset *check)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_array names, slow;
	const char *params[3];
	PGresult *res = NULL;
	int64_t last = -1;
	int error, row;
	size_t i;

	ferry_pg_array_init(&names);
	ferry_pg_array_init(&slow);
	ferry_pg_array_text(&names, "", 0);
	for (i = 0; i < check->n; i++)
		ferry_pg_array_text(&names, check->fields[i].name,
			strlen(check->fields[i].name));
	params[0] = p->params[0];
	params[1] = p->params[1];
	if ((params[2] = ferry_pg_array_done(&names)) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	ferry_str_puts(&sql, "SELECT i.item, j.key, " JTYPE("j.value")
		", j.value #>> '{}' FROM ferry_import_item i JOIN "
		"ferry_import_plan p ON p.import_id = i.import_id AND p.item = "
		"i.item" PG_STAGED("i", "s") " CROSS JOIN LATERAL "
		"json_each(sp.payload::json) AS j "
		"WHERE i.import_id = $1 AND i.t = 'record' AND i.entity = $2 "
		"AND p.fast = 1 AND j.key = ANY ($3::text[]) ORDER BY i.item");
	if ((error = ferry_pg_plan__query(db, &sql, 3, params, &res,
	    "committing")) < 0)
		goto done;
	for (row = 0; row < PQntuples(res); row++) {
		int64_t item = ferry_pg__int(res, row, 0);
		const char *key = ferry_pg__str(res, row, 1);
		int k, fit = 0;

		if (item == last)
			continue;	/* already refused */
		k = *key ? ferry_fieldset_find(check, key) : -1;
		if (k >= 0 && check->fields[k].type_text[0] &&
		    (error = ferry_pg_plan__fits(db,
		    check->fields[k].type_text, ferry_pg__str(res, row, 2),
		    ferry_pg__str(res, row, 3), &fit)) < 0)
			goto done;
		if (fit < 2) {
			ferry_pg_array_int(&slow, item);
			last = item;
		}
	}
	if (slow.n > 0) {
		const char *up[2] = { p->params[0],
			ferry_pg_array_done(&slow) };

		error = up[1] ? ferry_pg__command(db, "UPDATE "
			"ferry_import_plan SET fast = 0 WHERE import_id = $1 "
			"AND fast = 1 AND item = ANY ($2::bigint[])", 2, up,
			NULL, "committing") : ferry__oom(db);
	}
done:
	PQclear(res);
	ferry_str_dispose(&sql);
	ferry_pg_array_dispose(&names);
	ferry_pg_array_dispose(&slow);
	return error;
}

int ferry_pg__import_fast(ferry_db *db, const ferry_import_write *w,
	const char *entity, const ferry_fieldset *fs,
	const ferry_fieldset *check, unsigned acts, int64_t *done)
{
	ferry_str sql = FERRY_STR_INIT;
	fast_params p;
	PGresult *res;
	int64_t n = 0;
	int history, error;
	size_t i;

	*done = 0;
	if (!(acts & (FERRY_FAST_INSERTS | FERRY_FAST_UPDATES)))
		return 0;
	fast_params_init(&p, w, entity);
	/* Candidates: inserts, and updates when every target field is the
	 * package's; not hand-merged ones.  Marked by key (an array), each
	 * found with its plan row by key (PG_PLAN_ROW). */
	ferry_str_printf(&sql, "UPDATE ferry_import_plan SET fast = 1 WHERE "
		"import_id = $1 AND item = ANY (ARRAY(SELECT i.item FROM "
		"ferry_import_item i" PG_PLAN_ROW("i", "p.act, p.target_version",
		"") " LEFT JOIN ferry_import_resolution r ON r.import_id = i.import_id AND "
		"r.item = i.item" PG_STAGED("i", "s") " WHERE i.import_id = $1 "
		"AND i.t = 'record' AND i.entity = $2 AND r.resolution IS "
		"DISTINCT FROM 'merge' AND "
		"r.whole IS DISTINCT FROM 1 AND (%s%s%s)))",
		acts & FERRY_FAST_INSERTS ? "p.act = 'insert'" : "",
		acts == (FERRY_FAST_INSERTS | FERRY_FAST_UPDATES) ? " OR " : "",
		acts & FERRY_FAST_UPDATES ? "(p.act = 'update' AND i.action <> "
		"'delete' AND p.target_version IS DISTINCT FROM s.version)" :
		"");
	if ((error = ferry_pg_plan__run(db, &sql, 2, p.params, &n,
	    "committing")) < 0 || n == 0)
		goto done;
	/* ... whose every value is already in the stored form of its
	 * target field: the rest are converted one by one.  Only the
	 * fields in check can hold other values (load proved the rest). */
	if (check->n > 0 && (error = fast_refuse(db, &p, check)) < 0)
		goto done;
	/* The parent of each new version: the record's latest, if the
	 * entity has any history at all (a new entity has none). */
	if ((error = ferry_pg__query(db, "SELECT 1 FROM ferry_version WHERE "
	    "entity = $1 LIMIT 1", 1, &p.params[1], &res, "committing")) < 0)
		goto done;
	history = PQntuples(res) > 0;
	PQclear(res);
	if (history && (error = ferry_pg__command(db, "UPDATE "
	    "ferry_import_plan AS p SET (before_id, before_hash) = (SELECT "
	    "v.id, v.hash FROM ferry_version v WHERE v.entity = $2 AND "
	    "v.sys_id = (SELECT i.sys_id FROM ferry_import_item i WHERE "
	    "i.import_id = p.import_id AND i.item = p.item) ORDER BY v.id "
	    "DESC LIMIT 1) WHERE p.import_id = $1 AND p.fast = 1 AND p.item "
	    "IN (SELECT item FROM ferry_import_item WHERE import_id = $1 AND "
	    "t = 'record' AND entity = $2)", 2, p.params, NULL,
	    "committing")) < 0)
		goto done;
	/* The payload stays where load staged it, under the staged key: the
	 * version names it (schema.c, 15 -> 16).  (Every item written here
	 * is an insert or an update, which a package carries with its
	 * payload; naming the key, the statement reads no payload.) */
	if ((error = ferry_pg__command(db, "INSERT INTO ferry_version (entity, "
	    "sys_id, rkey, action, hash, parent, parent_id, payload, "
	    "payload_k, policy, vendor, author, at, pack_id, source, "
	    "import_id) SELECT i.entity, i.sys_id, i.rkey, p.act, " HASH_EXPR
	    ", p.before_hash, p.before_id, '', " PG_STAGED_KEY("i.import_id",
	    "i.item") ", s.policy, " VENDOR_EXPR ", $4, $5, NULL, 'import', "
	    "$1 " FAST_ITEMS " ORDER BY i.sys_id", 5, p.params, &n,
	    "committing")) < 0)
		goto done;
	*done = n;
	if (!(acts & FERRY_FAST_INSERTS))
		goto updates;
	ferry_str_puts(&sql, "INSERT INTO ");
	ferry_pg__ident(&sql, entity);
	ferry_str_puts(&sql, " (sys_id, sys_created_at, sys_created_by, "
		"sys_updated_at, sys_updated_by, sys_policy, sys_vendor, "
		"sys_version");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[i].name);
	}
	ferry_str_puts(&sql, ") SELECT i.sys_id, $5, $4, $5, $4, s.policy, "
		VENDOR_EXPR ", " HASH_EXPR);
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, ", ");
		value_expr(&sql, &fs->fields[i]);
	}
	ferry_str_puts(&sql, " " FAST_FROM);
	payload_fields(&sql, fs);
	ferry_str_puts(&sql, FAST_WHERE " AND p.act = 'insert' ORDER BY "
		"i.sys_id");
	if ((error = ferry_pg_plan__run(db, &sql, 5, p.params, NULL,
	    "committing")) < 0)
		goto done;
updates:
	if (!(acts & FERRY_FAST_UPDATES))
		goto done;
	ferry_str_puts(&sql, "UPDATE ");
	ferry_pg__ident(&sql, entity);
	ferry_str_puts(&sql, " AS t SET sys_updated_at = $5, sys_updated_by = "
		"$4, sys_policy = s.policy, sys_vendor = " VENDOR_EXPR ", "
		"sys_version = " HASH_EXPR);
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[i].name);
		ferry_str_puts(&sql, " = ");
		value_expr(&sql, &fs->fields[i]);
	}
	ferry_str_puts(&sql, " " FAST_FROM);
	payload_fields(&sql, fs);
	ferry_str_puts(&sql, FAST_WHERE " AND p.act = 'update' AND t.sys_id = "
		"i.sys_id");
	error = ferry_pg_plan__run(db, &sql, 5, p.params, NULL, "committing");
done:
	ferry_str_dispose(&sql);
	return error;
}

int ferry_pg__import_adopt(ferry_db *db, const char *entity,
	const char *sys_id, const char *from, const char *to)
{
	ferry_str sql = FERRY_STR_INIT;
	const char *params[] = { entity, sys_id, from, to };
	int error;

	if ((error = ferry_pg__command(db, "UPDATE ferry_version SET hash = "
	    "$4 WHERE id = (SELECT max(id) FROM ferry_version WHERE entity = "
	    "$1 AND sys_id = $2) AND hash = $3", 4, params, NULL,
	    "committing")) < 0)
		return error;
	ferry_str_puts(&sql, "UPDATE ");
	ferry_pg__ident(&sql, entity);
	ferry_str_puts(&sql, " SET sys_version = $3 WHERE sys_id = $1 AND "
		"sys_version = $2");
	error = ferry_pg_plan__run(db, &sql, 3, params + 1, NULL,
		"committing");
	ferry_str_dispose(&sql);
	return error;
}

int ferry_pg__import_act_count(ferry_db *db, int64_t id, const char *act,
	int64_t *n)
{
	return ferry_pg_imports__count(db, "SELECT count(*) FROM "
		"ferry_import_plan WHERE import_id = $1 AND act = $2", id, act,
		n, "committing");
}

int ferry_pg__import_next(ferry_db *db, int64_t id, const char *entity,
	int what, const char *after, ferry_import_item *out, size_t max,
	size_t *n)
{
	ferry_pg_num a, b, c;
	const char *params[] = { ferry_pg__num(&a, id), entity,
		after ? after : "", ferry_pg__num(&b, what),
		ferry_pg__num(&c, (int64_t)max) };
	PGresult *res;
	int error, r;

	/* In (entity, sys_id) order, through the unique index. */
	*n = 0;
	if ((error = ferry_pg__query(db, "SELECT " PG_ITEM_COLUMNS " FROM "
	    PG_ITEM_JOINS " WHERE "
	    "i.import_id = $1 AND i.t = 'record' AND i.entity = $2 AND "
	    "i.sys_id > $3 AND CASE $4::int WHEN 1 THEN p.act IN ('insert', "
	    "'update', 'merge') AND p.fast = 0 ELSE p.act = 'delete' END "
	    "ORDER BY i.sys_id LIMIT $5", 5, params, &res, "committing")) < 0)
		return error;
	for (r = 0; r < PQntuples(res) && (size_t)r < max && !error; r++)
		error = ferry_pg_imports__item_row(db, res, r, &out[(*n)++]);
	PQclear(res);
	return error;
}

int ferry_pg__import_outcomes(ferry_db *db, int64_t id,
	const int64_t *items, const char *const *outcomes,
	const char *const *details, size_t n)
{
	ferry_pg_array it, oc, de;
	ferry_pg_num a;
	const char *params[4];
	size_t i;
	int error;

	if (n == 0)
		return 0;
	ferry_pg_array_init(&it);
	ferry_pg_array_init(&oc);
	ferry_pg_array_init(&de);
	for (i = 0; i < n; i++) {
		ferry_pg_array_int(&it, items[i]);
		ferry_pg_array_text(&oc, outcomes[i], strlen(outcomes[i]));
		ferry_pg_array_text(&de, details[i], details[i] ?
			strlen(details[i]) : 0);
	}
	params[0] = ferry_pg__num(&a, id);
	params[1] = ferry_pg_array_done(&it);
	params[2] = ferry_pg_array_done(&oc);
	params[3] = ferry_pg_array_done(&de);
	if (!params[1] || !params[2] || !params[3])
		error = ferry__oom(db);
	else
		error = ferry_pg__command(db, "UPDATE ferry_import_plan p SET "
			"outcome = u.o, detail = coalesce(u.d, p.detail) FROM "
			"ROWS FROM (unnest($2::bigint[]), unnest($3::text[]), "
			"unnest($4::text[])) AS u(i, o, d) WHERE p.import_id = "
			"$1 AND p.item = u.i", 4, params, NULL, "committing");
	ferry_pg_array_dispose(&it);
	ferry_pg_array_dispose(&oc);
	ferry_pg_array_dispose(&de);
	return error;
}

int ferry_pg__import_outcome(ferry_db *db, int64_t id, int64_t item,
	const char *outcome, const char *detail)
{
	ferry_pg_num a, b;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, item), outcome, detail };

	return ferry_pg__command(db, "UPDATE ferry_import_plan SET outcome = "
		"$3, detail = coalesce($4::text, detail) WHERE import_id = $1 "
		"AND item = $2", 4, params, NULL, "committing");
}

/* An item's outcome once committed: what commit recorded for it, else
 * what its act did. */
#define OUTCOME "coalesce(p.outcome, CASE p.act WHEN 'insert' THEN " \
	"'inserted' WHEN 'update' THEN 'updated' WHEN 'merge' THEN " \
	"'merged' WHEN 'delete' THEN 'deleted' ELSE 'skipped' END)"

/* The catalog or definition items of an import, with their outcome, in
 * item order. */
#define SOME_ITEMS(where) "SELECT i.item, i.t, i.entity, i.rkey, " OUTCOME \
	", p.detail FROM ferry_import_item i JOIN ferry_import_plan p ON " \
	"p.import_id = i.import_id AND p.item = i.item WHERE i.import_id = " \
	"$1 AND " where " ORDER BY i.item"

int ferry_pg__import_outcome_counts(ferry_db *db, int64_t id,
	int (*cb)(const char *outcome, int64_t n, void *payload),
	void *payload)
{
	ferry_pg_num a;
	const char *params[] = { ferry_pg__num(&a, id) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT o, count(*) FROM (SELECT "
	    OUTCOME " AS o FROM ferry_import_plan p WHERE p.import_id = $1) "
	    "x GROUP BY o ORDER BY o COLLATE \"C\"", 1, params, &res,
	    "reading an import")) < 0)
		return error;
	return ferry_pg_plan__counts(res, cb, payload);
}

int ferry_pg__import_outcomes_each(ferry_db *db, int64_t id, int what,
	int (*cb)(const ferry_import_outcome_row *row, void *payload),
	void *payload)
{
	ferry_pg_num a;
	const char *params[] = { ferry_pg__num(&a, id) };
	PGresult *res;
	int error, r;

	if ((error = ferry_pg__query(db, what == FERRY_IMPORT_CATALOG ?
	    SOME_ITEMS("i.t = 'record' AND i.entity IN " CATALOG_ENTITIES) :
	    SOME_ITEMS("i.t IN ('dataset', 'formula')"), 1, params, &res,
	    "reading an import")) < 0)
		return error;
	for (r = 0; r < PQntuples(res) && !error; r++) {
		ferry_import_outcome_row row;

		row.item = ferry_pg__int(res, r, 0);
		row.t = ferry_pg__str(res, r, 1);
		row.entity = ferry_pg__str(res, r, 2);
		row.key = ferry_pg__str(res, r, 3);
		row.outcome = ferry_pg__str(res, r, 4);
		row.detail = ferry_pg__str(res, r, 5);
		error = cb(&row, payload);
	}
	PQclear(res);
	return error;
}

/* ---- back out ------------------------------------------------------------ */

int ferry_pg__import_touched_batch(ferry_db *db, int64_t id,
	int64_t after, ferry_import_touched *out, size_t max, size_t *n)
{
	ferry_pg_num a, b, c;
	const char *params[] = { ferry_pg__num(&a, id),
		ferry_pg__num(&b, after), ferry_pg__num(&c, (int64_t)max) };
	PGresult *res;
	int error, row, rows;

	/* The item only where a back out may report on it (store_ops.h):
	 * its record's, else the one that targeted it (an object matched
	 * by name), the first by sys_id as SQLite's index gives it. */
	*n = 0;
	if ((error = ferry_pg__query(db, "SELECT x.id, x.entity, x.sys_id, "
	    "x.action, x.latest, x.parent, b.action, " PG_VERSION_PAYLOAD("b")
	    ", b.policy, "
	    "b.vendor, b.hash, x.hash, CASE WHEN x.latest <> x.id OR x.entity "
	    "IN ('sys_entity', 'sys_field') THEN coalesce((SELECT i.item FROM "
	    "ferry_import_item i WHERE i.import_id = $1 AND i.t = 'record' AND "
	    "i.entity = x.entity AND i.sys_id = x.sys_id), (SELECT i.item FROM "
	    "ferry_import_item i JOIN ferry_import_plan p ON p.import_id = "
	    "i.import_id AND p.item = i.item WHERE i.import_id = $1 AND i.t = "
	    "'record' AND i.entity = x.entity AND (p.target_id = x.sys_id OR "
	    "i.rkey = x.rkey) ORDER BY i.sys_id LIMIT 1), 0) ELSE 0 END FROM "
	    "(SELECT v.id, v.hash, v.entity, v.sys_id, v.rkey, v.action, "
	    "coalesce(v.parent_id, 0) AS parent, (SELECT max(n.id) FROM "
	    "ferry_version n WHERE n.entity = v.entity AND n.sys_id = "
	    "v.sys_id) AS latest FROM ferry_version v WHERE v.import_id = $1 "
	    "AND v.source = 'import' AND v.id > $2 ORDER BY v.id LIMIT $3) x "
	    "LEFT JOIN ferry_version b ON b.id = x.parent ORDER BY x.id", 3,
	    params, &res, "backing out")) != 0)
		return error;
	rows = PQntuples(res);
	for (row = 0; row < rows && *n < max; row++) {
		ferry_import_touched *t = &out[(*n)++];

		t->id = ferry_pg__int(res, row, 0);
		ferry_pg__copy(t->entity, sizeof(t->entity), res, row, 1);
		ferry_pg__copy(t->sys_id, sizeof(t->sys_id), res, row, 2);
		ferry_pg__copy(t->action, sizeof(t->action), res, row, 3);
		t->latest = ferry_pg__int(res, row, 4);
		t->parent = ferry_pg__int(res, row, 5);
		ferry_str_clear(&t->parent_action);
		ferry_str_clear(&t->parent_payload);
		if (!PQgetisnull(res, row, 6)) {
			ferry_str_puts(&t->parent_action,
				PQgetvalue(res, row, 6));
			ferry_str_put(&t->parent_payload,
				PQgetvalue(res, row, 7),
				(size_t)PQgetlength(res, row, 7));
		}
		ferry_pg__copy(t->parent_policy, sizeof(t->parent_policy),
			res, row, 8);
		t->parent_vendor = (int)ferry_pg__int(res, row, 9);
		ferry_pg__copy(t->parent_hash, sizeof(t->parent_hash), res,
			row, 10);
		ferry_pg__copy(t->hash, sizeof(t->hash), res, row, 11);
		t->item = ferry_pg__int(res, row, 12);
		if (ferry_str_failed(&t->parent_payload) ||
		    ferry_str_failed(&t->parent_action)) {
			PQclear(res);
			return ferry__oom(db);
		}
	}
	PQclear(res);
	return 0;
}

int ferry_pg__import_problems_of_kinds(ferry_db *db, int64_t id,
	const char *kinds,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload)
{
	ferry_pg_num a;
	const char *params[] = { ferry_pg__num(&a, id), kinds };
	PGresult *res;
	int error, r;

	if ((error = ferry_pg__query(db, "SELECT pr.item, coalesce(i.entity, "
	    "i.t), i.sys_id, i.rkey, pr.kind, pr.severity, pr.facts FROM "
	    "ferry_import_problem pr LEFT JOIN ferry_import_item i ON "
	    "i.import_id = pr.import_id AND i.item = pr.item WHERE "
	    "pr.import_id = $1 AND strpos(',' || $2::text || ',', ',' || "
	    "pr.kind || ',') > 0 ORDER BY pr.item, pr.kind", 2, params, &res,
	    "reading an import")) < 0)
		return error;
	for (r = 0; r < PQntuples(res) && !error; r++) {
		ferry_import_problem_row row;

		memset(&row, 0, sizeof(row));
		row.item = ferry_pg__int(res, r, 0);
		row.entity = ferry_pg__str(res, r, 1);
		row.sys_id = ferry_pg__str(res, r, 2);
		row.key = ferry_pg__str(res, r, 3);
		row.kind = ferry_pg__str(res, r, 4);
		row.severity = ferry_pg__str(res, r, 5);
		row.facts = ferry_pg__str(res, r, 6);
		error = cb(&row, payload);
	}
	PQclear(res);
	return error;
}
