/*
 * imports.c - the PostgreSQL store's side of imports, part one: the
 * import row, its state, reading staged items back and the listings
 * (store.h, "imports").  Staging and the load checks are in
 * imports_stage.c, delete by query in imports_query.c.  The SQLite
 * store's sqlite/imports.c is the reference: the same rows in the same
 * order.
 */
#include "import_rows.h"

#include "alloc.h"

#include <string.h>

/* How many rows a cursor fetches at a time. */
#define SLICE 1000

/* ---- the import row ------------------------------------------------------ */

int ferry_pg__import_get(ferry_db *db, int64_t id, ferry_import_row *out)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT id, state, mode, stamp, "
	    "pack_uid, items FROM ferry_import WHERE id = $1", 1, &param,
	    &res, "reading imports")) < 0)
		return error;
	out->id = ferry_pg__int(res, 0, 0);
	ferry_pg__copy(out->state, sizeof(out->state), res, 0, 1);
	ferry_pg__copy(out->mode, sizeof(out->mode), res, 0, 2);
	ferry_pg__copy(out->stamp, sizeof(out->stamp), res, 0, 3);
	ferry_pg__copy(out->pack_uid, sizeof(out->pack_uid), res, 0, 4);
	out->items = ferry_pg__int(res, 0, 5);
	PQclear(res);
	return 0;
}

int ferry_pg__import_create(ferry_db *db, const ferry_import_new *n,
	int64_t *id)
{
	const char *params[] = { n->file, n->header, n->kind, n->mode,
		n->pack_uid, n->pack_name, n->source_id, n->source_name, n->by,
		n->at };
	PGresult *res;
	int error;

	/* The next id is SQLite's rowid: one past the largest, so that a
	 * refused load (rolled back) or a discarded last import leaves no
	 * gap an identity sequence would.  The writer's lock is held. */
	if ((error = ferry_pg__query(db, "INSERT INTO ferry_import (id, "
	    "state, file, header, kind, mode, pack_uid, pack_name, "
	    "source_id, source_name, stamp, items, loaded_by, loaded_at) "
	    "VALUES ((SELECT coalesce(max(id), 0) + 1 FROM ferry_import), "
	    "'loaded', $1, $2, $3, $4, $5, $6, $7, $8, '', 0, $9, $10) "
	    "RETURNING id", 10, params, &res, "creating an import")) < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

/*
 * What a plan depends on, in one value: every change to records and the
 * catalog writes a version, every change to formulas and data sets a
 * definition version or a status (docs/import.md, "Commit").  SQLite
 * counts the drafts with their largest rowid; a definition version's
 * key (definition, version) stands for it here.
 */
#define PLAN_MARK "(SELECT coalesce(max(id), 0) FROM ferry_version) || " \
	"'/' || (SELECT count(*) || '.' || coalesce(max(definition_id * " \
	"1000000 + version), 0) FROM ferry_definition_version WHERE status " \
	"= 'draft') || '/' || (SELECT count(*) FROM " \
	"ferry_definition_version) || '/' || (SELECT coalesce(max(id), 0) " \
	"FROM ferry_definition)"

int ferry_pg__import_mark_plan(ferry_db *db, int64_t id, int current)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	return ferry_pg__query(db, current ? "UPDATE ferry_import SET "
		"plan_mark = " PLAN_MARK " WHERE id = $1" : "UPDATE "
		"ferry_import SET plan_mark = NULL WHERE id = $1", 1, &param,
		NULL, "planning");
}

int ferry_pg__import_plan_current(ferry_db *db, int64_t id, int *current)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error;

	*current = 0;
	if ((error = ferry_pg__query(db, "SELECT (plan_mark IS NOT NULL AND "
	    "plan_mark = " PLAN_MARK ")::int FROM ferry_import WHERE id = $1",
	    1, &param, &res, "reading an import")) < 0)
		return error;
	*current = PQntuples(res) > 0 && ferry_pg__int(res, 0, 0) != 0;
	PQclear(res);
	return 0;
}

int ferry_pg__import_set_state(ferry_db *db, int64_t id,
	const char *state, const char *by, const char *at,
	const char *backup)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), state, by, at,
		backup };

	return ferry_pg__query(db, "UPDATE ferry_import SET state = $2, "
		"previewed_at = CASE $2 WHEN 'previewed' THEN $4 ELSE "
		"previewed_at END, committed_by = CASE $2 WHEN 'committed' "
		"THEN $3 ELSE committed_by END, committed_at = CASE $2 WHEN "
		"'committed' THEN $4 ELSE committed_at END, backup = CASE $2 "
		"WHEN 'committed' THEN $5 ELSE backup END, backed_out_by = "
		"CASE $2 WHEN 'backed_out' THEN $3 ELSE backed_out_by END, "
		"backed_out_at = CASE $2 WHEN 'backed_out' THEN $4 ELSE "
		"backed_out_at END WHERE id = $1", 5, params, NULL,
		"updating an import");
}

/*
 * The staged values go, the items stay as they are, and so do the
 * payloads versions kept.  When no other import has staged values,
 * TRUNCATE empties their table and gives its space back at once;
 * else the import's rows are deleted (vacuum takes them back later).
 * (TRUNCATE waits for the readers of the table to end, and the writer
 * lock keeps other writers out.)
 */
int ferry_pg__import_unstage(ferry_db *db, int64_t id)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error, others;

	/* The payloads of the items commit did not write: all but those of
	 * the records it wrote set-wise (fast) and those whose outcome says
	 * it wrote them (store.h). */
	if ((error = ferry_pg__query(db, "DELETE FROM ferry_version_payload "
	    "WHERE k IN (SELECT " PG_STAGED_KEY("i.import_id", "i.item")
	    " FROM ferry_import_item i LEFT JOIN ferry_import_plan p ON "
	    "p.import_id = i.import_id AND p.item = i.item WHERE i.import_id "
	    "= $1 AND p.fast IS DISTINCT FROM 1 AND (p.outcome IS NULL OR "
	    "p.outcome NOT IN " FERRY_OUTCOMES_WRITTEN_SQL "))", 1, &param,
	    NULL, "committing")) < 0)
		return error;
	if ((error = ferry_pg__query(db, "SELECT (EXISTS (SELECT 1 FROM "
	    "ferry_import_payload WHERE import_id < $1) OR EXISTS (SELECT 1 "
	    "FROM ferry_import_payload WHERE import_id > $1))::int", 1,
	    &param, &res, "committing")) < 0)
		return error;
	others = PQntuples(res) > 0 && ferry_pg__int(res, 0, 0) != 0;
	PQclear(res);
	if (others)
		return ferry_pg__query(db, "DELETE FROM ferry_import_payload "
			"WHERE import_id = $1", 1, &param, NULL, "committing");
	return ferry_pg__exec(db, "TRUNCATE ferry_import_payload");
}

/*
 * Nothing: a row deleted inside the commit's transaction keeps its space
 * until vacuum, long after the commit, so deleting an entity's staged
 * rows here would only add work.  import_unstage's TRUNCATE gives the
 * whole table's space back at the end.
 */
int ferry_pg__import_unstage_written(ferry_db *db, int64_t id,
	const char *entity)
{
	(void)db;
	(void)id;
	(void)entity;
	return 0;
}

/* ---- load ---------------------------------------------------------------- */

int ferry_pg__import_last_arrived(ferry_db *db, int64_t id)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	return ferry_pg__query(db, "UPDATE ferry_import_payload AS s SET base "
		"= (SELECT v.hash FROM ferry_version v WHERE v.entity = i.entity "
		"AND v.sys_id = i.sys_id AND v.source = 'import' ORDER BY v.id "
		"DESC LIMIT 1) FROM ferry_import_item i WHERE i.import_id = $1 "
		"AND i.t = 'record' AND i.entity NOT IN " PG_CATALOG_ENTITIES
		" AND s.import_id = i.import_id AND s.item = i.item", 1, &param,
		NULL, "loading");
}

int ferry_pg__import_previous(ferry_db *db, int64_t id,
	const char *pack_uid, int64_t *prev, ferry_str *stamp)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), pack_uid };
	PGresult *res;
	int error;

	*prev = 0;
	error = ferry_pg__one(db, "SELECT id, stamp FROM ferry_import WHERE "
		"pack_uid = $2 AND id < $1 AND state = 'committed' ORDER BY "
		"id DESC LIMIT 1", 2, params, &res, "reading imports");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	*prev = ferry_pg__int(res, 0, 0);
	ferry_str_puts(stamp, PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int ferry_pg__import_loaded(ferry_db *db, int64_t id, const char *stamp,
	int64_t items, int64_t previous)
{
	ferry_pg_num i, n, p;
	const char *params[] = { ferry_pg__num(&i, id), stamp,
		ferry_pg__num(&n, items), ferry_pg__num(&p, previous) };

	return ferry_pg__query(db, "UPDATE ferry_import SET stamp = $2, "
		"items = $3, previous_id = nullif($4::bigint, 0) WHERE id = $1",
		4, params, NULL, "updating an import");
}

/* ---- listing ------------------------------------------------------------- */

typedef struct {
	ferry_db *db;
	ferry_import_cb cb;
	void *payload;
	int found;
	ferry_str completed;
} each_ctx;

static int import_entry(const PGresult *res, int row, void *payload)
{
	each_ctx *c = payload;
	ferry_import_entry e;
	int is_null = 1, number = 0, error;

	c->found = 1;
	ferry_str_clear(&c->completed);
	if ((error = ferry_pg_imports__completed(c->db, ferry_pg__str(res,
	    row, 9), &c->completed, &is_null, &number)) < 0)
		return error;
	e.id = ferry_pg__int(res, row, 0);
	e.state = ferry_pg__str(res, row, 1);
	e.stamp = ferry_pg__str(res, row, 2);
	e.kind = ferry_pg__str(res, row, 3);
	e.mode = ferry_pg__str(res, row, 4);
	e.file = ferry_pg__str(res, row, 5);
	e.items = ferry_pg__int(res, row, 6);
	e.pack_uid = ferry_pg__str(res, row, 7);
	e.pack_name = ferry_pg__str(res, row, 8);
	e.completed_at = is_null ? NULL : ferry_str_cstr(&c->completed);
	e.completed_number = number;
	e.source_id = ferry_pg__str(res, row, 10);
	e.source_name = ferry_pg__str(res, row, 11);
	e.previous_id = ferry_pg__int(res, row, 12);
	e.previous_found = (int)ferry_pg__int(res, row, 13);
	e.previous_stamp = ferry_pg__str(res, row, 14);
	e.loaded_by = ferry_pg__str(res, row, 15);
	e.loaded_at = ferry_pg__str(res, row, 16);
	e.previewed_at = ferry_pg__str(res, row, 17);
	e.committed_by = ferry_pg__str(res, row, 18);
	e.committed_at = ferry_pg__str(res, row, 19);
	e.backup = ferry_pg__str(res, row, 20);
	e.backed_out_by = ferry_pg__str(res, row, 21);
	e.backed_out_at = ferry_pg__str(res, row, 22);
	return c->cb(&e, c->payload);
}

int ferry_pg__import_each(ferry_db *db, int64_t id, ferry_import_cb cb,
	void *payload)
{
	each_ctx c = { db, cb, payload, 0, FERRY_STR_INIT };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	int error;

	error = ferry_pg__each(db, "SELECT m.id, m.state, m.stamp, m.kind, "
		"m.mode, m.file, m.items, m.pack_uid, m.pack_name, m.header, "
		"m.source_id, m.source_name, m.previous_id, (p.id IS NOT "
		"NULL)::int, p.stamp, m.loaded_by, m.loaded_at, "
		"m.previewed_at, m.committed_by, m.committed_at, m.backup, "
		"m.backed_out_by, m.backed_out_at FROM ferry_import m LEFT JOIN "
		"ferry_import p ON p.id = m.previous_id WHERE $1::bigint = 0 "
		"OR m.id = $1 ORDER BY m.id", 1, &param, import_entry, &c,
		"reading imports");
	ferry_str_dispose(&c.completed);
	return error == 0 && id && !c.found ? FERRY_ENOTFOUND : error;
}

/* ---- items --------------------------------------------------------------- */

typedef struct {
	int (*cb)(const char *text, void *payload);
	void *payload;
} text_ctx;

static int text_row(const PGresult *res, int row, void *payload)
{
	text_ctx *c = payload;

	return c->cb(ferry_pg__str(res, row, 0), c->payload);
}

int ferry_pg__import_entities(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, void *payload), void *payload)
{
	text_ctx c = { cb, payload };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	int error;

	if ((error = ferry_pg_imports__flush(db, id)) < 0)
		return error;
	/* One index seek an entity, as the SQLite store does. */
	return ferry_pg__each(db, "WITH RECURSIVE e(name) AS (SELECT "
		"(SELECT min(entity) FROM ferry_import_item WHERE import_id = "
		"$1 AND t = 'record') UNION ALL SELECT (SELECT min(entity) "
		"FROM ferry_import_item WHERE import_id = $1 AND t = 'record' "
		"AND entity > e.name) FROM e WHERE e.name IS NOT NULL) SELECT "
		"name FROM e WHERE name IS NOT NULL", 1, &param, text_row, &c,
		"reading an import");
}

typedef struct {
	ferry_db *db;
	int (*cb)(const ferry_import_item *it, void *payload);
	void *payload;
	ferry_import_item it;
} items_ctx;

static int item_of_row(const PGresult *res, int row, void *payload)
{
	items_ctx *c = payload;
	int error;

	if ((error = ferry_pg_imports__item_row(c->db, res, row,
	    &c->it)) < 0)
		return error;
	return c->cb(&c->it, c->payload);
}

/* Hand every item row of sql to cb through a cursor. */
static int items_run(ferry_db *db, const char *sql, int n,
	const char *const *params, int (*cb)(const ferry_import_item *it,
	void *payload), void *payload)
{
	items_ctx c;
	int error;

	memset(&c, 0, sizeof(c));
	c.db = db;
	c.cb = cb;
	c.payload = payload;
	error = ferry_pg_imports__cursor(db, sql, n, params, SLICE,
		item_of_row, &c, "reading an import");
	ferry_import_item_dispose(&c.it);
	return error;
}

int ferry_pg__import_items_each(ferry_db *db, int64_t id, const char *t,
	const char *entity, int (*cb)(const ferry_import_item *it,
	void *payload), void *payload)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), t, entity };
	int error;

	if ((error = ferry_pg_imports__flush(db, id)) < 0)
		return error;
	/* In the index's order, (entity, sys_id), as SQLite walks
	 * ferry_import_item_record: records by entity and sys_id, items
	 * without them (NULLs first there) by item. */
	return items_run(db, "SELECT " PG_ITEM_STAGED " FROM "
		"ferry_import_item i" PG_STAGED("i", "s") " WHERE i.import_id = "
		"$1 AND i.t = $2::text "
		"AND ($3::text IS NULL OR i.entity = $3::text) ORDER BY "
		"i.entity NULLS FIRST, i.sys_id NULLS FIRST, i.item", 3, params,
		cb, payload);
}

int ferry_pg__import_changed_each(ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	return items_run(db, "SELECT " PG_ITEM_COLUMNS " FROM " PG_ITEM_JOINS
		" WHERE i.import_id = $1 AND i.t = 'record' AND ((p.target_id "
		"IS NOT NULL AND p.decision <> 'skip') OR EXISTS (SELECT 1 FROM "
		"ferry_import_problem pr WHERE pr.import_id = i.import_id AND "
		"pr.item = i.item AND pr.kind IN ('local_change', "
		"'same_change'))) ORDER BY i.item", 1, &param, cb, payload);
}

static int item_one(ferry_db *db, const char *sql, int n,
	const char *const *params, ferry_import_item *out)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, sql, n, params, &res,
	    "reading an import")) < 0)
		return error;
	error = ferry_pg_imports__item_row(db, res, 0, out);
	PQclear(res);
	return error;
}

int ferry_pg__import_item_get(ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out)
{
	ferry_pg_num i, n;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&n, item) };

	return item_one(db, "SELECT " PG_ITEM_COLUMNS " FROM " PG_ITEM_JOINS
		" WHERE i.import_id = $1 AND i.item = $2", 2, params, out);
}

int ferry_pg__import_next_definition(ferry_db *db, int64_t id,
	int64_t after, ferry_import_item *out)
{
	ferry_pg_num i, a;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&a, after) };

	return item_one(db, "SELECT " PG_ITEM_COLUMNS " FROM " PG_ITEM_JOINS
		" WHERE i.import_id = $1 AND i.t IN ('dataset', 'formula') AND "
		"i.item > $2 ORDER BY i.item LIMIT 1", 2, params, out);
}

typedef struct {
	ferry_db *db;
	ferry_fieldset *out;
} fields_ctx;

static int field_row(const PGresult *res, int row, void *payload)
{
	fields_ctx *c = payload;
	ferry_field f;

	memset(&f, 0, sizeof(f));
	ferry_pg__copy(f.name, sizeof(f.name), res, row, 0);
	ferry_pg__copy(f.type_text, sizeof(f.type_text), res, row, 1);
	return ferry_fieldset_add(c->out, &f) < 0 ? ferry__oom(c->db) : 0;
}

int ferry_pg__import_fields_load(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, ferry_fieldset *out)
{
	fields_ctx c = { db, out };
	ferry_pg_num i, s;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&s, (int64_t)scope), entity };

	return ferry_pg__each(db, "SELECT name, type FROM ferry_import_field "
		"WHERE import_id = $1 AND scope = $2 AND entity = $3 ORDER BY "
		"name", 3, params, field_row, &c, "reading an import");
}

/* ---- the items of an import, as shown ------------------------------------ */

typedef struct {
	int (*cb)(const ferry_import_item_entry *e, void *payload);
	void *payload;
} entries_ctx;

static int entry_row(const PGresult *res, int row, void *payload)
{
	entries_ctx *c = payload;
	ferry_import_item_entry e;

	e.item = ferry_pg__int(res, row, 0);
	e.t = ferry_pg__str(res, row, 1);
	e.entity = ferry_pg__str(res, row, 2);
	e.sys_id = ferry_pg__str(res, row, 3);
	e.key = ferry_pg__str(res, row, 4);
	e.act = ferry_pg__str(res, row, 5);
	e.action = ferry_pg__str(res, row, 6);
	e.resolution = ferry_pg__str(res, row, 7);
	e.whole = (int)ferry_pg__int(res, row, 8);
	e.resolved_by = ferry_pg__str(res, row, 9);
	e.resolved_at = ferry_pg__str(res, row, 10);
	e.outcome = ferry_pg__str(res, row, 11);
	e.detail = ferry_pg__str(res, row, 12);
	e.problems = ferry_pg__int(res, row, 13);
	return c->cb(&e, c->payload);
}

int ferry_pg__import_item_entries(ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item_entry *e, void *payload),
	void *payload)
{
	entries_ctx c = { cb, payload };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	/* A long listing: through a cursor, a slice at a time. */
	return ferry_pg_imports__cursor(db, "SELECT i.item, i.t, "
		"coalesce(i.entity, i.t), i.sys_id, i.rkey, coalesce(p.act, "
		"p.decision, i.action), i.action, r.resolution, r.whole, r.by, "
		"r.at, CASE WHEN p.act IS NULL OR (SELECT committed_at FROM "
		"ferry_import WHERE id = $1) IS NULL THEN NULL ELSE " PG_OUTCOME
		" END, p.detail, (SELECT count(*) FROM ferry_import_problem pr "
		"WHERE pr.import_id = i.import_id AND pr.item = i.item) FROM "
		PG_ITEM_PLAN_JOINS " WHERE i.import_id = $1 ORDER BY i.item",
		1, &param, SLICE, entry_row, &c, "reading an import");
}
