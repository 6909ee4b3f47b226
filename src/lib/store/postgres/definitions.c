/*
 * definitions.c - the PostgreSQL store's side of formulas and data sets:
 * the definitions (kind, unique name), their numbered versions, the
 * pack references to a version, and the item lines export writes for
 * them.  The statements are sqlite/definitions.c's.
 *
 * A version's signature and outputs are canonical JSON text built by
 * formula.c and stored as given, so "identical signature" is a text
 * comparison here too, and an item line carries them unchanged.
 */
#include "pg.h"

#include "jsonw.h"

#include <string.h>

/* The columns a version row is read with, in ferry_definition_row order. */
#define VERSION_COLUMNS \
	"v.version, v.status, v.start_date, v.signature, v.outputs, " \
	"v.body, v.parent, v.master, v.created_by"

static void column_str(ferry_str *out, const PGresult *res, int col)
{
	const char *t = ferry_pg__str(res, 0, col);

	ferry_str_clear(out);
	if (t)
		ferry_str_put(out, t, (size_t)PQgetlength(res, 0, col));
}

int ferry_pg__definition_find(ferry_db *db, const char *kind,
	const char *name, int64_t *id)
{
	const char *params[] = { kind, name };
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT id FROM ferry_definition "
	    "WHERE kind = $1 AND name = $2", 2, params, &res,
	    "reading definitions")) < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__definition_same(ferry_db *db, const char *kind,
	const char *name, const char *signature, const char *outputs,
	const char *body, const char *start, ferry_str *found, int *version)
{
	const char *params[] = { kind, name, signature, outputs, body, start };
	PGresult *res;
	int error;

	/* The name itself, or a name an import renamed it to
	 * ("<name>_<date>", "<name>_<date>_2", ...): by bytes, as on
	 * SQLite. */
	if ((error = ferry_pg__one(db, "SELECT d.name, v.version FROM "
	    "ferry_definition d JOIN ferry_definition_version v ON "
	    "v.definition_id = d.id WHERE d.kind = $1 AND (d.name = $2 OR "
	    "(d.name > ($2 || '_') COLLATE \"C\" AND d.name < ($2 || '`') "
	    "COLLATE \"C\")) AND v.import_id IS NOT NULL AND v.signature = "
	    "$3 AND v.outputs = $4 AND v.body = $5 AND v.start_date >= $6 "
	    "ORDER BY d.name = $2 DESC, d.name, v.version DESC LIMIT 1", 6,
	    params, &res, "reading definitions")) < 0)
		return error;
	ferry_str_clear(found);
	ferry_str_puts(found, PQgetvalue(res, 0, 0));
	*version = (int)ferry_pg__int(res, 0, 1);
	PQclear(res);
	return ferry_str_failed(found) ? ferry__oom(db) : 0;
}

int ferry_pg__definition_insert(ferry_db *db, const char *kind,
	const char *name, const char *at, int64_t *id)
{
	const char *params[] = { kind, name, at };
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "INSERT INTO ferry_definition "
	    "(kind, name, created_at) VALUES ($1, $2, $3) RETURNING id", 3,
	    params, &res, "creating a definition")) < 0)
		return error;
	*id = ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__definition_remove(ferry_db *db, int64_t id)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	return ferry_pg__query(db, "DELETE FROM ferry_definition WHERE id = "
		"$1", 1, &param, NULL, "deleting a definition");
}

int ferry_pg__definition_version_get(ferry_db *db, int64_t id,
	int version, ferry_definition_row *row)
{
	ferry_pg_num i, v;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&v, version) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT " VERSION_COLUMNS " FROM "
	    "ferry_definition_version v WHERE v.definition_id = $1 AND "
	    "($2::bigint = 0 OR v.version = $2::bigint) ORDER BY v.version "
	    "DESC LIMIT 1", 2, params, &res, "reading definitions")) < 0)
		return error;
	row->version = (int)ferry_pg__int(res, 0, 0);
	ferry_pg__copy(row->status, sizeof(row->status), res, 0, 1);
	ferry_pg__copy(row->start_date, sizeof(row->start_date), res, 0, 2);
	column_str(&row->signature, res, 3);
	column_str(&row->outputs, res, 4);
	column_str(&row->body, res, 5);
	column_str(&row->parent, res, 6);
	column_str(&row->master, res, 7);
	ferry_pg__copy(row->created_by, sizeof(row->created_by), res, 0, 8);
	PQclear(res);
	if (ferry_str_failed(&row->signature) ||
	    ferry_str_failed(&row->outputs) || ferry_str_failed(&row->body) ||
	    ferry_str_failed(&row->parent) || ferry_str_failed(&row->master))
		return ferry__oom(db);
	return 0;
}

int ferry_pg__definition_version_with(ferry_db *db, int64_t id,
	const char *status, int *version)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, id), status };
	PGresult *res;
	int error;

	*version = 0;
	if ((error = ferry_pg__query(db, "SELECT max(version) FROM "
	    "ferry_definition_version WHERE definition_id = $1 AND status = "
	    "$2", 2, params, &res, "reading definitions")) < 0)
		return error;
	*version = (int)ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__definition_version_insert(ferry_db *db, int64_t id,
	const ferry_definition_row *row, const char *by, const char *at,
	int64_t import_id)
{
	ferry_pg_num i, v, imp;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&v, row->version), row->status, row->start_date,
		ferry_str_cstr(&row->signature),
		row->outputs.size ? ferry_str_cstr(&row->outputs) : "[]",
		ferry_str_cstr(&row->body),
		row->parent.size ? ferry_str_cstr(&row->parent) : NULL,
		row->master.size ? ferry_str_cstr(&row->master) : NULL,
		by, at, import_id > 0 ? ferry_pg__num(&imp, import_id) : NULL };

	return ferry_pg__query(db, "INSERT INTO ferry_definition_version "
		"(definition_id, version, status, start_date, signature, "
		"outputs, body, parent, master, created_by, created_at, "
		"import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
		"$11, $12)", 12, params, NULL,
		"writing a definition version");
}

int ferry_pg__definition_version_set_status(ferry_db *db, int64_t id,
	int version, const char *status)
{
	ferry_pg_num i, v;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&v, version), status };

	return ferry_pg__query(db, "UPDATE ferry_definition_version SET "
		"status = $3 WHERE definition_id = $1 AND version = $2", 3,
		params, NULL, "changing a version's status");
}

int ferry_pg__definition_version_delete(ferry_db *db, int64_t id,
	int version, int *left)
{
	ferry_pg_num i, v;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&v, version) };
	PGresult *res;
	int error;

	*left = 0;
	if ((error = ferry_pg__query(db, "DELETE FROM "
	    "ferry_definition_version WHERE definition_id = $1 AND version = "
	    "$2", 2, params, NULL, "deleting a version")) < 0 ||
	    (error = ferry_pg__query(db, "SELECT count(*) FROM "
	    "ferry_definition_version WHERE definition_id = $1", 1, params,
	    &res, "reading definitions")) < 0)
		return error;
	*left = (int)ferry_pg__int(res, 0, 0);
	PQclear(res);
	return 0;
}

int ferry_pg__definition_completed_pack(ferry_db *db, const char *kind,
	const char *name, int version, ferry_str *pack)
{
	ferry_pg_num v;
	const char *params[] = { kind, name, ferry_pg__num(&v, version) };
	PGresult *res;
	int error;

	if ((error = ferry_pg__one(db, "SELECT p.name FROM "
	    "ferry_pack_definition d JOIN ferry_pack p ON p.id = d.pack_id "
	    "WHERE d.kind = $1 AND d.name = $2 AND d.version = $3 AND "
	    "p.state = 'completed' ORDER BY p.name LIMIT 1", 3, params, &res,
	    "query")) < 0)
		return error;
	ferry_str_puts(pack, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ferry_str_failed(pack) ? ferry__oom(db) : 0;
}

int ferry_pg__definition_unpack(ferry_db *db, const char *kind,
	const char *name, int version)
{
	ferry_pg_num v;
	const char *params[] = { kind, name, ferry_pg__num(&v, version) };

	return ferry_pg__query(db, "DELETE FROM ferry_pack_definition WHERE "
		"kind = $1 AND name = $2 AND version = $3", 3, params, NULL,
		"removing a version from packs");
}

typedef struct {
	ferry_definition_cb cb;
	void *payload;
} definition_each_ctx;

static int definition_entry(const PGresult *res, int row, void *payload)
{
	definition_each_ctx *c = payload;
	ferry_definition_entry d;

	d.id = ferry_pg__int(res, row, 0);
	d.kind = ferry_pg__str(res, row, 1);
	d.name = ferry_pg__str(res, row, 2);
	d.created_at = ferry_pg__str(res, row, 3);
	d.versions = ferry_pg__int(res, row, 4);
	d.latest = (int)ferry_pg__int(res, row, 5);
	d.active = (int)ferry_pg__int(res, row, 6);
	d.draft = (int)ferry_pg__int(res, row, 7);
	return c->cb(&d, c->payload);
}

int ferry_pg__definition_each(ferry_db *db, const char *kind, int64_t id,
	ferry_definition_cb cb, void *payload)
{
	definition_each_ctx c = { cb, payload };
	ferry_pg_num i;
	const char *params[] = { kind, ferry_pg__num(&i, id) };

	return ferry_pg__each(db, "SELECT d.id, d.kind, d.name, d.created_at, "
		"(SELECT count(*) FROM ferry_definition_version v WHERE "
		"v.definition_id = d.id), (SELECT max(version) FROM "
		"ferry_definition_version v WHERE v.definition_id = d.id), "
		"(SELECT max(version) FROM ferry_definition_version v WHERE "
		"v.definition_id = d.id AND v.status = 'active'), (SELECT "
		"max(version) FROM ferry_definition_version v WHERE "
		"v.definition_id = d.id AND v.status = 'draft') FROM "
		"ferry_definition d WHERE d.kind = $1 AND ($2::bigint = 0 OR "
		"d.id = $2::bigint) ORDER BY d.name", 2, params,
		definition_entry, &c, "reading definitions");
}

typedef struct {
	ferry_definition_version_cb cb;
	void *payload;
} version_each_ctx;

static int version_entry(const PGresult *res, int row, void *payload)
{
	version_each_ctx *c = payload;
	ferry_definition_version_entry v;

	v.version = (int)ferry_pg__int(res, row, 0);
	v.status = ferry_pg__str(res, row, 1);
	v.start_date = ferry_pg__str(res, row, 2);
	v.signature = ferry_pg__str(res, row, 3);
	v.outputs = ferry_pg__str(res, row, 4);
	v.body = ferry_pg__str(res, row, 5);
	v.parent = ferry_pg__str(res, row, 6);
	v.master = ferry_pg__str(res, row, 7);
	v.created_by = ferry_pg__str(res, row, 8);
	v.created_at = ferry_pg__str(res, row, 9);
	v.import_id = ferry_pg__int(res, row, 10);
	return c->cb(&v, c->payload);
}

int ferry_pg__definition_versions_each(ferry_db *db, int64_t id,
	ferry_definition_version_cb cb, void *payload)
{
	version_each_ctx c = { cb, payload };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);

	return ferry_pg__each(db, "SELECT version, status, start_date, "
		"signature, outputs, body, parent, master, created_by, "
		"created_at, import_id FROM ferry_definition_version WHERE "
		"definition_id = $1 ORDER BY version", 1, &param,
		version_entry, &c, "reading definitions");
}

int ferry_pg__definition_version_exists(ferry_db *db, const char *kind,
	const char *name, int version)
{
	ferry_pg_num v;
	const char *params[] = { kind, name, ferry_pg__num(&v, version) };
	PGresult *res;
	int error;

	error = ferry_pg__one(db, "SELECT 1 FROM ferry_definition d JOIN "
		"ferry_definition_version v ON v.definition_id = d.id WHERE "
		"d.kind = $1 AND d.name = $2 AND v.version = $3", 3, params,
		&res, "reading definitions");
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	PQclear(res);
	return 1;
}

typedef struct {
	int (*cb)(const char *line, size_t len, void *payload);
	void *payload;
	ferry_str line;
	int oom;		/* a line could not be built */
} item_ctx;

/*
 * The item line of a packed version (docs/formulas.md, "Items"), as
 * sqlite/definitions.c's json_object() writes it: a formula carries
 * inputs and outputs, a data set columns; key order is fixed, strings
 * escaped as SQLite does (ferry_str_put_json()), the stored canonical
 * JSON put in as it is.
 */
static int item_line(const PGresult *res, int row, void *payload)
{
	item_ctx *c = payload;
	ferry_str *s = &c->line;
	const char *kind = ferry_pg__str(res, row, 0);
	int formula = !strcmp(kind, "formula");

	ferry_str_clear(s);
	ferry_json_open(s, NULL, '{');
	ferry_json_str(s, "t", kind);
	ferry_json_str(s, "name", ferry_pg__str(res, row, 1));
	ferry_json_int(s, "version", ferry_pg__int(res, row, 2));
	ferry_json_str(s, "status", ferry_pg__str(res, row, 3));
	ferry_json_str(s, "start_date", ferry_pg__str(res, row, 4));
	ferry_json_raw(s, formula ? "inputs" : "columns",
		ferry_pg__str(res, row, 5), (size_t)PQgetlength(res, row, 5));
	if (formula)
		ferry_json_raw(s, "outputs", ferry_pg__str(res, row, 6),
			(size_t)PQgetlength(res, row, 6));
	ferry_json_str(s, "body", ferry_pg__str(res, row, 7));
	ferry_json_str(s, "parent", ferry_pg__str(res, row, 8));
	ferry_json_str(s, "master", ferry_pg__str(res, row, 9));
	ferry_json_close(s, '}');
	if (ferry_str_failed(s)) {
		c->oom = 1;
		return FERRY_ENOMEM;
	}
	return c->cb(s->ptr, s->size, c->payload);
}

int ferry_pg__definition_items(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload), void *payload)
{
	item_ctx c = { cb, payload, FERRY_STR_INIT, 0 };
	ferry_pg_num p;
	const char *param = ferry_pg__num(&p, pack_id);
	int error;

	error = ferry_pg__each(db, "SELECT d.kind, d.name, v.version, "
		"v.status, v.start_date, v.signature, v.outputs, v.body, "
		"v.parent, v.master FROM ferry_pack_definition p JOIN "
		"ferry_definition d ON d.kind = p.kind AND d.name = p.name "
		"JOIN ferry_definition_version v ON v.definition_id = d.id AND "
		"v.version = p.version WHERE p.pack_id = $1 ORDER BY p.kind, "
		"p.name", 1, &param, item_line, &c, "export");
	ferry_str_dispose(&c.line);
	return c.oom ? ferry__oom(db) : error;
}
