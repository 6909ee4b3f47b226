/*
 * records_many.c - the PostgreSQL store's set-wise record operations for
 * bulk work: what many records' sys_ids hold, new records written a batch
 * at a time (a load), and changes to existing records a batch at a time
 * (a back out's restores).  Each is a few statements over array parameters
 * (unnest), whatever the number of records, where the one-record
 * operations cost a round trip to the server each.
 *
 * Rows are unnested WITH ORDINALITY and inserted in that order, so ids
 * are handed out in the caller's order, as one insert after another
 * would.
 */
#include "plan_sql.h"
#include "sqltext.h"

#include "alloc.h"
#include "../errors.h"

#include <stdlib.h>
#include <string.h>

int ferry_pg__entity_untouched(ferry_db *db, const char *entity)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res = NULL;
	int error;

	ferry_str_puts(&sql, "SELECT (NOT EXISTS (SELECT 1 FROM ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, ") AND NOT EXISTS (SELECT 1 FROM ferry_version "
		"WHERE entity = $1))::int");
	if ((error = ferry_pg__query_str(db, &sql, 1, &entity, &res,
	    "reading records")) < 0)
		return error;
	error = PQntuples(res) == 1 && ferry_pg__int(res, 0, 0) != 0;
	PQclear(res);
	return error;
}

int ferry_pg__record_presence(ferry_db *db, const char *entity,
	const char *const *sys_ids, size_t n, unsigned want,
	unsigned char *present)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_array ids;
	const char *params[2] = { NULL, entity };
	PGresult *res = NULL;
	int error, r;

	memset(present, 0, n);
	if (n == 0)
		return 0;
	if ((params[0] = ferry_pg_array_texts(&ids, sys_ids, n)) == NULL) {
		ferry_pg_array_dispose(&ids);
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	/* $1 the sys_ids; $2 the entity, sent only when it is used. */
	ferry_str_puts(&sql, want & FERRY_PRESENT_ROW ?
		"SELECT s.i, (t.sys_id IS NOT NULL)::int, " : "SELECT s.i, 0, ");
	ferry_str_puts(&sql, want & FERRY_PRESENT_VERSION ?
		"EXISTS (SELECT 1 FROM ferry_version v WHERE v.entity = "
		"$2::text AND v.sys_id = s.id)::int " : "0 ");
	ferry_str_puts(&sql, "FROM unnest($1::text[]) WITH ORDINALITY AS "
		"s(id, i)");
	if (want & FERRY_PRESENT_ROW) {
		ferry_str_puts(&sql, " LEFT JOIN ");
		ferry_pg__table(&sql, entity);
		ferry_str_puts(&sql, " t ON t.sys_id = s.id");
	}
	error = ferry_pg__query_str(db, &sql,
		want & FERRY_PRESENT_VERSION ? 2 : 1, params, &res,
		"reading records");
	ferry_pg_array_dispose(&ids);
	if (error < 0)
		return error;
	for (r = 0; r < PQntuples(res); r++) {
		int64_t at = ferry_pg__int(res, r, 0);

		if (at < 1 || (uint64_t)at > n)
			continue;
		present[at - 1] = (unsigned char)(
			(ferry_pg__int(res, r, 1) ? FERRY_PRESENT_ROW : 0) |
			(ferry_pg__int(res, r, 2) ? FERRY_PRESENT_VERSION : 0));
	}
	PQclear(res);
	return 0;
}

/* Array parameters, one per column, filled row by row. */
typedef struct {
	ferry_pg_array *col;
	const char **params;
	size_t n;
} columns;

static int columns_new(ferry_db *db, columns *c, size_t n)
{
	size_t i;

	c->n = 0;
	c->col = ferry__calloc(n, sizeof(*c->col));
	c->params = ferry__calloc(n, sizeof(*c->params));
	if (!c->col || !c->params) {
		ferry__free(c->col);
		ferry__free(c->params);
		c->col = NULL;
		c->params = NULL;
		return ferry__oom(db);
	}
	for (i = 0; i < n; i++)
		ferry_pg_array_init(&c->col[i]);
	c->n = n;
	return 0;
}

static void columns_dispose(columns *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		ferry_pg_array_dispose(&c->col[i]);
	ferry__free(c->col);
	ferry__free(c->params);
}

static void put_text(columns *c, size_t i, const char *v)
{
	ferry_pg_array_text(&c->col[i], v, v ? strlen(v) : 0);
}

static void put_value(columns *c, size_t i, const ferry_value *v)
{
	ferry_pg_num num;

	switch (v->kind) {
	case FERRY_V_NULL:
		ferry_pg_array_text(&c->col[i], NULL, 0);
		break;
	case FERRY_V_INT:
		put_text(c, i, ferry_pg__num(&num, v->i));
		break;
	case FERRY_V_TEXT:
		ferry_pg_array_text(&c->col[i], v->s ? v->s : "",
			v->s ? v->len : 0);
		break;
	}
}

/* Close every array into its parameter; FERRY_ENOMEM-like failure when
 * one did not build. */
static int columns_done(ferry_db *db, columns *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if ((c->params[i] = ferry_pg_array_done(&c->col[i])) == NULL)
			return ferry__oom(db);
	return 0;
}

/* "ROWS FROM (unnest($k::type[]), ...) WITH ORDINALITY AS u(c1, .., o)"
 * for columns first..first+n-1 of the parameters; types[i] is "text" or
 * "bigint".  ROWS FROM takes any number of arrays (unnest() of several
 * arrays is a function call, held to 100 arguments). */
static void rows_from(ferry_str *sql, int first, size_t n,
	const char *const *types)
{
	size_t i;

	ferry_str_puts(sql, "ROWS FROM (");
	for (i = 0; i < n; i++)
		ferry_str_printf(sql, "%sunnest($%d::%s[])", i ? ", " : "",
			first + (int)i, types[i]);
	ferry_str_puts(sql, ") WITH ORDINALITY AS u(");
	for (i = 0; i < n; i++)
		ferry_str_printf(sql, "c%zu, ", i + 1);
	ferry_str_puts(sql, "o)");
}

/* The version columns, $2..$15 after the entity in $1. */
#define VERSION_COLUMNS 14

static const char *const version_types[VERSION_COLUMNS] = { "text", "text",
	"text", "text", "text", "text", "bigint", "text", "text", "bigint",
	"text", "bigint", "text", "bigint" };

/* Insert the versions; ids[i] receives rows[i]'s, when ids is not
 * NULL. */
static int insert_versions(ferry_db *db, const char *entity,
	const ferry_record_new *rows, size_t n, int64_t *ids)
{
	ferry_str sql = FERRY_STR_INIT;
	const char *params[1 + VERSION_COLUMNS];
	ferry_pg_num num;
	columns c;
	PGresult *res = NULL;
	size_t i;
	int error;

	if ((error = columns_new(db, &c, VERSION_COLUMNS)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		const ferry_version_row *v = &rows[i].version;

		put_text(&c, 0, v->sys_id);
		put_text(&c, 1, v->rkey);
		put_text(&c, 2, v->action);
		put_text(&c, 3, v->hash);
		put_text(&c, 4, v->payload);
		put_text(&c, 5, v->policy);
		put_text(&c, 6, ferry_pg__num(&num, v->vendor ? 1 : 0));
		put_text(&c, 7, v->author);
		put_text(&c, 8, v->at);
		put_text(&c, 9, ferry_pg__num(&num, v->pack_id));
		put_text(&c, 10, v->source);
		put_text(&c, 11, ferry_pg__num(&num, v->import_id));
		put_text(&c, 12, v->parent);
		put_text(&c, 13, ferry_pg__num(&num, v->parent_id));
	}
	if ((error = columns_done(db, &c)) < 0)
		goto done;
	params[0] = entity;
	memcpy(params + 1, c.params, sizeof(*params) * VERSION_COLUMNS);
	ferry_str_puts(&sql, "WITH ins AS (INSERT INTO ferry_version (entity, "
		"sys_id, rkey, action, hash, parent, parent_id, payload, "
		"policy, vendor, author, at, pack_id, source, import_id) "
		"SELECT $1::text, c1, c2, c3, c4, c13, nullif(c14, 0), c5, c6, "
		"c7, c8, "
		"c9, nullif(c10, 0), c11, nullif(c12, 0) FROM ");
	rows_from(&sql, 2, VERSION_COLUMNS, version_types);
	ferry_str_puts(&sql, " ORDER BY o RETURNING id, sys_id) SELECT id, "
		"sys_id FROM ins ORDER BY id");
	if ((error = ferry_pg__query_str(db, &sql, 1 + VERSION_COLUMNS,
	    params, &res, "writing versions")) < 0)
		goto done;
	/* Ids follow the insert's order, which is the rows'. */
	for (i = 0; i < n && !error; i++) {
		if ((size_t)PQntuples(res) != n || strcmp(ferry_pg__str(res,
		    (int)i, 1), rows[i].version.sys_id) != 0)
			error = ferry__error(db, FERRY_ERROR, "writing versions: "
				"the server handed back %d ids for %zu rows, "
				"out of order", PQntuples(res), n);
		else if (ids)
			ids[i] = ferry_pg__int(res, (int)i, 0);
	}
	PQclear(res);
done:
	columns_dispose(&c);
	return error;
}

static const char *const capture_types[4] = { "bigint", "text", "bigint",
	"bigint" };

/*
 * Old values of the updates an insert of items handed back (pack, sys_id,
 * base payload, new payload): ferry_old_values() of each, run here
 * (functions.c), written with one more statement.
 */
static int capture_old(ferry_db *db, const char *entity, PGresult *res)
{
	ferry_str old = FERRY_STR_INIT, sql = FERRY_STR_INIT;
	const char *params[4], *args[2];
	columns c;
	int r, error, is_null, k = 0;

	if (PQntuples(res) == 0)
		return 0;
	if ((error = columns_new(db, &c, 3)) < 0)
		return error;
	for (r = 0; r < PQntuples(res) && !error; r++) {
		args[0] = ferry_pg__str(res, r, 2);
		args[1] = ferry_pg__str(res, r, 3);
		ferry_str_clear(&old);
		if ((error = ferry_pg__call(db, "ferry_old_values", 2, args,
		    &old, &is_null)) < 0 || is_null)
			continue;
		put_text(&c, 0, ferry_pg__str(res, r, 0));
		put_text(&c, 1, ferry_pg__str(res, r, 1));
		ferry_pg_array_text(&c.col[2], old.ptr, old.size);
		k++;
	}
	if (error || k == 0 || (error = columns_done(db, &c)) < 0)
		goto done;
	params[0] = entity;
	memcpy(params + 1, c.params, sizeof(*params) * 3);
	ferry_str_puts(&sql, "UPDATE ferry_pack_item i SET old = u.c3 FROM "
		"ROWS FROM (unnest($2::bigint[]), unnest($3::text[]), "
		"unnest($4::text[])) AS u(c1, c2, c3) WHERE i.pack_id = u.c1 "
		"AND i.entity = $1::text AND i.sys_id = u.c2");
	error = ferry_pg__query_str(db, &sql, 4, params, NULL,
		"capturing versions");
done:
	ferry_str_dispose(&old);
	columns_dispose(&c);
	return error;
}

/*
 * pack_capture() of each new version whose row has a pack: the item
 * points at the version; a first capture keeps the base (the record's
 * version before, version.parent_id) and its hash, a later one keeps the
 * item's base; an update over a live base keeps its old values.
 */
static int capture_versions(ferry_db *db, const char *entity,
	const ferry_record_new *rows, size_t n, const int64_t *ids)
{
	ferry_str sql = FERRY_STR_INIT;
	const char *params[5];
	ferry_pg_num num;
	PGresult *res = NULL;
	columns c;
	size_t i, k = 0, based = 0;
	int error;

	if ((error = columns_new(db, &c, 4)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		if (!rows[i].version.pack_id)
			continue;
		put_text(&c, 0, ferry_pg__num(&num, rows[i].version.pack_id));
		put_text(&c, 1, rows[i].version.sys_id);
		put_text(&c, 2, ferry_pg__num(&num, ids[i]));
		put_text(&c, 3, ferry_pg__num(&num, rows[i].version.parent_id));
		based += rows[i].version.parent_id != 0;
		k++;
	}
	if (k == 0 || (error = columns_done(db, &c)) < 0)
		goto done;
	params[0] = entity;
	memcpy(params + 1, c.params, sizeof(*params) * 4);
	/* New records (a load's inserts): no base, no item before, no old
	 * values, so nothing to read back: a plain insert, a third
	 * cheaper. */
	if (based == 0) {
		ferry_str_puts(&sql, "INSERT INTO ferry_pack_item (pack_id, "
			"entity, sys_id, version_id) SELECT u.c1, $1::text, "
			"u.c2, u.c3 FROM ");
		rows_from(&sql, 2, 4, capture_types);
		ferry_str_puts(&sql, " ORDER BY u.o");
		error = ferry_pg__query_str(db, &sql, 5, params, NULL,
			"capturing versions");
		goto done;
	}
	ferry_str_puts(&sql, "WITH item AS (INSERT INTO ferry_pack_item "
		"(pack_id, entity, sys_id, version_id, base_id, base, old) "
		"SELECT u.c1, $1::text, u.c2, u.c3, nullif(u.c4, 0), b.hash, "
		"NULL FROM ");
	rows_from(&sql, 2, 4, capture_types);
	/* The base's hash joined on the base's id from the batch's own
	 * rows; the payloads of the pairs below are read by id, a scalar
	 * subquery a row, since a join with the CTE's items may be
	 * planned as a scan of every version, once a batch. */
	ferry_str_puts(&sql, " LEFT JOIN ferry_version b ON b.id = "
		"nullif(u.c4, 0) AND b.action <> 'delete' ORDER BY u.o ON "
		"CONFLICT (pack_id, entity, sys_id) DO UPDATE SET version_id = "
		"excluded.version_id, old = NULL RETURNING pack_id, sys_id, "
		"version_id, base_id), pair AS (SELECT item.pack_id, "
		"item.sys_id, (SELECT " PG_VERSION_PAYLOAD("b") " FROM "
		"ferry_version b WHERE "
		"b.id = item.base_id AND b.action <> 'delete') AS base, (SELECT "
		PG_VERSION_PAYLOAD("v") " FROM ferry_version v WHERE v.id = "
		"item.version_id AND "
		"v.action = 'update') AS payload FROM item) SELECT * FROM pair "
		"WHERE base IS NOT NULL AND payload IS NOT NULL");
	if ((error = ferry_pg__query_str(db, &sql, 5, params, &res,
	    "capturing versions")) == 0) {
		error = capture_old(db, entity, res);
		PQclear(res);
	}
done:
	columns_dispose(&c);
	return error;
}

/* The system columns of a new row: $1.. in this order. */
#define ROW_SYS 6

/*
 * The row columns of rows, in this order: sys_id, the change's time and
 * user, policy, vendor, version hash, then every field of fs; types[]
 * their SQL types.  0, or an error with nothing left to dispose.
 */
static int row_columns(ferry_db *db, const ferry_fieldset *fs,
	const ferry_record_new *rows, size_t n, columns *c,
	const char ***types)
{
	ferry_pg_num num;
	size_t i, j, ncol = ROW_SYS + fs->n;
	int error;

	if ((error = columns_new(db, c, ncol)) < 0)
		return error;
	if ((*types = ferry__calloc(ncol, sizeof(**types))) == NULL) {
		columns_dispose(c);
		return ferry__oom(db);
	}
	for (j = 0; j < ncol; j++)
		(*types)[j] = j == 4 ? "bigint" : "text";
	for (i = 0; i < n; i++) {
		const ferry_record_new *r = &rows[i];

		put_text(c, 0, r->version.sys_id);
		put_text(c, 1, r->audit.at);
		put_text(c, 2, r->audit.user);
		put_text(c, 3, ferry_policy_name(r->policy));
		put_text(c, 4, ferry_pg__num(&num, r->version.vendor ? 1 :
			0));
		put_text(c, 5, r->version.hash);
		for (j = 0; j < fs->n; j++)
			put_value(c, ROW_SYS + j, &r->values[j]);
	}
	if ((error = columns_done(db, c)) < 0) {
		ferry__free(*types);
		columns_dispose(c);
	}
	return error;
}

/* Insert the entity rows. */
static int insert_rows(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	ferry_str sql = FERRY_STR_INIT;
	const char **types;
	columns c;
	size_t j, ncol = ROW_SYS + fs->n;
	int error;

	if ((error = row_columns(db, fs, rows, n, &c, &types)) < 0)
		return error;
	ferry_str_puts(&sql, "INSERT INTO ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " (sys_id, sys_created_at, sys_created_by, "
		"sys_updated_at, sys_updated_by, sys_policy, sys_vendor, "
		"sys_version");
	for (j = 0; j < fs->n; j++) {
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[j].name);
	}
	ferry_str_puts(&sql, ") SELECT c1, c2, c3, c2, c3, c4, c5, c6");
	for (j = 0; j < fs->n; j++)
		ferry_str_printf(&sql, ", c%zu", ROW_SYS + j + 1);
	ferry_str_puts(&sql, " FROM ");
	rows_from(&sql, 1, ncol, types);
	ferry_str_puts(&sql, " ORDER BY o");
	error = ferry_pg__query_str(db, &sql, (int)ncol, c.params, NULL,
		"inserting records");
	ferry__free(types);
	columns_dispose(&c);
	return error;
}

/* Update the entity rows: every field, and the system columns a change
 * sets (record_update).  Each row must be there. */
static int update_rows(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res = NULL;
	const char **types;
	columns c;
	size_t j, updated, ncol = ROW_SYS + fs->n;
	int error;

	if ((error = row_columns(db, fs, rows, n, &c, &types)) < 0)
		return error;
	ferry_str_puts(&sql, "UPDATE ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " t SET sys_updated_at = u.c2, sys_updated_by = "
		"u.c3, sys_policy = u.c4, sys_vendor = u.c5, sys_version = "
		"u.c6");
	for (j = 0; j < fs->n; j++) {
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[j].name);
		ferry_str_printf(&sql, " = u.c%zu", ROW_SYS + j + 1);
	}
	ferry_str_puts(&sql, " FROM ");
	rows_from(&sql, 1, ncol, types);
	ferry_str_puts(&sql, " WHERE t.sys_id = u.c1");
	if ((error = ferry_pg__query_str(db, &sql, (int)ncol, c.params, &res,
	    "updating records")) == 0) {
		updated = strtoull(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		if (updated != n)
			error = ferry_store__rows_missing(db, entity,
				n - updated);
	}
	ferry__free(types);
	columns_dispose(&c);
	return error;
}

int ferry_pg__record_update_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	int64_t *ids;
	int error;

	if (n == 0)
		return 0;
	if ((ids = ferry__calloc(n, sizeof(*ids))) == NULL)
		return ferry__oom(db);
	if ((error = insert_versions(db, entity, rows, n, ids)) == 0 &&
	    (error = capture_versions(db, entity, rows, n, ids)) == 0)
		error = update_rows(db, entity, fs, rows, n);
	ferry__free(ids);
	return error;
}

int ferry_pg__record_insert_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	int64_t *ids;
	int error;

	if (n == 0)
		return 0;
	if ((ids = ferry__calloc(n, sizeof(*ids))) == NULL)
		return ferry__oom(db);
	if ((error = insert_versions(db, entity, rows, n, ids)) == 0 &&
	    (error = capture_versions(db, entity, rows, n, ids)) == 0)
		error = insert_rows(db, entity, fs, rows, n);
	ferry__free(ids);
	return error;
}
