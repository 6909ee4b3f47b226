/*
 * records.c - the store's side of records: rows of entity tables, built
 * with the entity's field list.  Names reach SQL only through
 * ferry_sq__ident(), after the catalog validated them.
 */
#include "sq.h"

#include "../errors.h"
#include "alloc.h"

#include <string.h>

static int prepare_str(ferry_db *db, ferry_str *sql, sqlite3_stmt **st)
{
	int error;

	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_sq__prepare(db, sql->ptr, st);
	ferry_str_dispose(sql);
	return error;
}

/* Bound without a copy (SQLITE_STATIC), as every write below binds its
 * texts: each statement is stepped and reset, its bindings cleared, by
 * ferry_sq__done() before the caller's values may go. */
static void bind_value(sqlite3_stmt *st, int i, const ferry_value *v)
{
	switch (v->kind) {
	case FERRY_V_NULL:
		sqlite3_bind_null(st, i);
		break;
	case FERRY_V_INT:
		sqlite3_bind_int64(st, i, v->i);
		break;
	case FERRY_V_TEXT:
		sqlite3_bind_text(st, i, v->s, (int)v->len, SQLITE_STATIC);
		break;
	}
}

int ferry_sqlite__record_meta(ferry_db *db, const char *entity,
	const char *sys_id, ferry_record_meta *out)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error, rc;

	ferry_str_puts(&sql, "SELECT sys_id, sys_policy, sys_vendor, "
		"sys_version FROM ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " WHERE sys_id = ?1");
	if ((error = prepare_str(db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ferry_sq__copy(out->sys_id, sizeof(out->sys_id), st, 0);
		ferry_sq__copy(out->policy, sizeof(out->policy), st, 1);
		out->vendor = sqlite3_column_int(st, 2);
		ferry_sq__copy(out->version, sizeof(out->version), st, 3);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "reading a record");
}

int ferry_sqlite__record_exists(ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_record_meta m;
	int error = ferry_sqlite__record_meta(db, entity, sys_id, &m);

	if (error == FERRY_ENOTFOUND)
		return 0;
	return error < 0 ? error : 1;
}

int ferry_sqlite__entity_untouched(ferry_db *db, const char *entity)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error, rc;

	ferry_str_puts(&sql, "SELECT NOT EXISTS (SELECT 1 FROM ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, ") AND NOT EXISTS (SELECT 1 FROM ferry_version "
		"WHERE entity = ?1)");
	if ((error = prepare_str(db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		error = sqlite3_column_int(st, 0) != 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? error : ferry_sq__error(db, rc,
		"reading records");
}

/* One lookup a record, the answers asked for in one statement: SQLite
 * answers each from its own pages, so a set would save nothing. */
int ferry_sqlite__record_presence(ferry_db *db, const char *entity,
	const char *const *sys_ids, size_t n, unsigned want,
	unsigned char *present)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	size_t i;
	int error = 0, rc;

	ferry_str_puts(&sql, "SELECT ");
	if (want & FERRY_PRESENT_ROW) {
		ferry_str_puts(&sql, "EXISTS (SELECT 1 FROM ");
		ferry_sq__ident(&sql, entity);
		ferry_str_puts(&sql, " WHERE sys_id = ?1)");
	} else
		ferry_str_puts(&sql, "0");
	ferry_str_puts(&sql, want & FERRY_PRESENT_VERSION ?
		", EXISTS (SELECT 1 FROM ferry_version WHERE entity = ?2 "
		"AND sys_id = ?1)" : ", 0");
	if (ferry_str_failed(&sql))
		error = ferry__oom(db);
	for (i = 0; i < n && !error; i++) {
		if ((error = ferry_sq__prepare(db, sql.ptr, &st)) < 0)
			break;
		sqlite3_bind_text(st, 1, sys_ids[i], -1, SQLITE_STATIC);
		if (want & FERRY_PRESENT_VERSION)
			sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			present[i] = (unsigned char)((sqlite3_column_int(st,
				0) ? FERRY_PRESENT_ROW : 0) |
				(sqlite3_column_int(st, 1) ?
				FERRY_PRESENT_VERSION : 0));
		ferry_sq__reset(st);
		if (rc != SQLITE_ROW)
			error = ferry_sq__error(db, rc, "reading records");
	}
	ferry_str_dispose(&sql);
	return error;
}

void ferry_sqlite__record_insert_into(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs)
{
	size_t i;

	ferry_str_puts(sql, "INSERT INTO ");
	ferry_sq__ident(sql, entity);
	ferry_str_puts(sql, " (sys_id, sys_created_at, sys_created_by, "
		"sys_updated_at, sys_updated_by, sys_policy, sys_vendor, "
		"sys_version");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, ", ");
		ferry_sq__ident(sql, fs->fields[i].name);
	}
	ferry_str_putc(sql, ')');
}

/* The INSERT of a record of entity: ?1 sys_id, ?2 time, ?3 user, ?4
 * policy, ?5 vendor flag, ?6 version, then the fields in fs's order. */
static void insert_sql(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs)
{
	size_t i;

	ferry_sqlite__record_insert_into(sql, entity, fs);
	ferry_str_puts(sql, " VALUES (?1, ?2, ?3, ?2, ?3, ?4, ?5, ?6");
	for (i = 0; i < fs->n; i++)
		ferry_str_printf(sql, ", ?%zu", i + 7);
	ferry_str_putc(sql, ')');
}

/* Insert a record with the statement of insert_sql(). */
static int insert_run(ferry_db *db, const ferry_str *sql,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit)
{
	sqlite3_stmt *st;
	size_t i;
	int error;

	if (ferry_str_failed(sql))
		return ferry__oom(db);
	if ((error = ferry_sq__prepare(db, sql->ptr, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, audit->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, audit->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ferry_policy_name(policy), -1,
		SQLITE_STATIC);
	sqlite3_bind_int(st, 5, vendor ? 1 : 0);
	sqlite3_bind_text(st, 6, version, -1, SQLITE_STATIC);
	for (i = 0; i < fs->n; i++)
		bind_value(st, (int)i + 7, &values[i]);
	return ferry_sq__done(db, st, "inserting a record");
}

int ferry_sqlite__record_insert(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit)
{
	ferry_str sql = FERRY_STR_INIT;
	int error;

	insert_sql(&sql, entity, fs);
	error = insert_run(db, &sql, fs, values, sys_id, policy, vendor,
		version, audit);
	ferry_str_dispose(&sql);
	return error;
}

/* The writes of each record in turn: batching them into multi-row
 * statements gained nothing on SQLite (docs/performance.md).  The rows'
 * INSERT is built once for the batch; a new record's capture is its
 * pack's first. */
int ferry_sqlite__record_insert_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	ferry_str sql = FERRY_STR_INIT;
	const ferry_version_row *v;
	int64_t id;
	size_t i;
	int error = 0;

	insert_sql(&sql, entity, fs);
	for (i = 0; i < n && !error; i++) {
		v = &rows[i].version;
		if ((error = ferry_sqlite__version_insert(db, v, &id)) < 0)
			break;
		if (v->pack_id && (error = ferry_sq__capture_new(db,
		    v->pack_id, entity, v->sys_id, id)) < 0)
			break;
		error = insert_run(db, &sql, fs, rows[i].values, v->sys_id,
			rows[i].policy, v->vendor, v->hash, &rows[i].audit);
	}
	ferry_str_dispose(&sql);
	return error;
}

int ferry_sqlite__record_update_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n)
{
	int64_t id;
	int *set;
	size_t i;
	int error = 0;

	if ((set = ferry__calloc(fs->n ? fs->n : 1, sizeof(*set))) == NULL)
		return ferry__oom(db);
	for (i = 0; i < fs->n; i++)
		set[i] = 1;
	for (i = 0; i < n && !error; i++) {
		const ferry_version_row *v = &rows[i].version;

		if ((error = ferry_sqlite__version_insert(db, v, &id)) == 0 &&
		    v->pack_id)
			error = ferry_sqlite__pack_capture(db, v->pack_id,
				entity, v->sys_id, id, v->parent_id);
		if (error == 0)
			error = ferry_sqlite__record_update(db, entity, fs,
				rows[i].values, set, v->sys_id, rows[i].policy,
				v->vendor, v->hash, &rows[i].audit);
		if (error == 0 && sqlite3_changes(SQ(db)->conn) != 1)
			error = ferry_store__rows_missing(db, entity, 1);
	}
	ferry__free(set);
	return error;
}

int ferry_sqlite__record_update(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values, const int *set,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	size_t i;
	int error, n = 7;

	ferry_str_puts(&sql, "UPDATE ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " SET sys_updated_at = ?2, sys_updated_by = ?3, "
		"sys_policy = ?4, sys_vendor = ?5, sys_version = ?6");
	for (i = 0; i < fs->n; i++) {
		if (!set[i])
			continue;
		ferry_str_puts(&sql, ", ");
		ferry_sq__ident(&sql, fs->fields[i].name);
		ferry_str_printf(&sql, " = ?%d", n++);
	}
	ferry_str_puts(&sql, " WHERE sys_id = ?1");
	if ((error = prepare_str(db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, audit->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, audit->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ferry_policy_name(policy), -1,
		SQLITE_STATIC);
	sqlite3_bind_int(st, 5, vendor ? 1 : 0);
	sqlite3_bind_text(st, 6, version, -1, SQLITE_STATIC);
	for (i = 0, n = 7; i < fs->n; i++)
		if (set[i])
			bind_value(st, n++, &values[i]);
	return ferry_sq__done(db, st, "updating a record");
}

int ferry_sqlite__record_delete(ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error;

	ferry_str_puts(&sql, "DELETE FROM ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " WHERE sys_id = ?1");
	if ((error = prepare_str(db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "deleting a record");
}

static void select_columns(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs)
{
	size_t i;

	ferry_str_puts(sql, "SELECT sys_id, sys_policy, sys_vendor, "
		"sys_version, sys_created_at, sys_created_by, sys_updated_at, "
		"sys_updated_by");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, ", ");
		ferry_sq__ident(sql, fs->fields[i].name);
	}
	ferry_str_puts(sql, " FROM ");
	ferry_sq__ident(sql, entity);
}

#define META_COLUMNS 8

/* Column col as a value as stored; text is borrowed from the statement. */
static void column_value(ferry_value *v, sqlite3_stmt *st, int col)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		break;
	case SQLITE_INTEGER:
		v->kind = FERRY_V_INT;
		v->i = sqlite3_column_int64(st, col);
		break;
	default:
		v->kind = FERRY_V_TEXT;
		v->s = (char *)sqlite3_column_text(st, col);
		v->len = (size_t)sqlite3_column_bytes(st, col);
	}
}

/* One row's facts: the system columns, then values[i] of fs->fields[i]. */
static void record_entry(ferry_record_entry *e, ferry_value *values,
	sqlite3_stmt *st, const ferry_fieldset *fs)
{
	size_t i;

	e->sys_id = ferry_sq__str(st, 0);
	e->policy = ferry_sq__str(st, 1);
	e->vendor = sqlite3_column_int(st, 2);
	e->version = ferry_sq__str(st, 3);
	e->created_at = ferry_sq__str(st, 4);
	e->created_by = ferry_sq__str(st, 5);
	e->updated_at = ferry_sq__str(st, 6);
	e->updated_by = ferry_sq__str(st, 7);
	for (i = 0; i < fs->n; i++)
		column_value(&values[i], st, (int)i + META_COLUMNS);
	e->values = values;
}

/* What the one-record write path reads of a record in three lookups
 * (its row's facts, its values, its newest version), in one statement a
 * record: on SQLite a set would save nothing, as above, but each
 * statement costs its steps. */
int ferry_sqlite__record_current_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *const *sys_ids, size_t n,
	ferry_record_current *current)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	size_t i, f;
	int error = 0, rc, latest = META_COLUMNS + (int)fs->n;

	ferry_str_puts(&sql, "SELECT r.*, v.id, v.hash FROM (");
	select_columns(&sql, entity, fs);
	ferry_str_puts(&sql, " WHERE sys_id = ?1) AS r LEFT JOIN ferry_version "
		"v ON v.id = (SELECT max(id) FROM ferry_version WHERE entity = "
		"?2 AND sys_id = ?1)");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	for (i = 0; i < n && !error; i++) {
		ferry_record_current *c = &current[i];

		c->found = 0;
		c->latest_id = 0;
		c->latest_hash[0] = '\0';
		if ((error = ferry_sq__prepare(db, sql.ptr, &st)) < 0)
			break;
		sqlite3_bind_text(st, 1, sys_ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			c->found = 1;
			ferry_sq__copy(c->meta.sys_id, sizeof(c->meta.sys_id),
				st, 0);
			ferry_sq__copy(c->meta.policy, sizeof(c->meta.policy),
				st, 1);
			c->meta.vendor = sqlite3_column_int(st, 2);
			ferry_sq__copy(c->meta.version,
				sizeof(c->meta.version), st, 3);
			for (f = 0; f < fs->n; f++) {
				ferry_value *v = &c->values[f];

				column_value(v, st, (int)f + META_COLUMNS);
				if (v->kind == FERRY_V_TEXT && (v->s =
				    ferry__strndup(v->s, v->len)) == NULL)
					error = ferry__oom(db);
			}
			c->latest_id = sqlite3_column_int64(st, latest);
			ferry_sq__copy(c->latest_hash, sizeof(c->latest_hash),
				st, latest + 1);
		}
		ferry_sq__reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			error = ferry_sq__error(db, rc, "reading records");
	}
	ferry_str_dispose(&sql);
	return error;
}

int ferry_sqlite__record_values(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_value *values)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st;
	size_t i;
	int error = 0, rc;

	select_columns(&sql, entity, fs);
	ferry_str_puts(&sql, " WHERE sys_id = ?1");
	if ((error = prepare_str(db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, sys_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	for (i = 0; rc == SQLITE_ROW && i < fs->n; i++) {
		ferry_value *v = &values[i];

		column_value(v, st, (int)i + META_COLUMNS);
		if (v->kind == FERRY_V_TEXT && (v->s = ferry__strndup(v->s,
		    v->len)) == NULL)
			error = FERRY_ENOMEM;
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading a record");
	return error ? ferry__error(db, error, "out of memory") : 0;
}

int ferry_sqlite__record_query(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n,
	uint64_t limit, uint64_t offset,
	ferry_record_entry_cb cb, void *payload)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st = NULL;
	ferry_value *values = NULL;
	size_t i;
	int error = 0, rc;

	select_columns(&sql, entity, fs);
	for (i = 0; i < n; i++) {
		ferry_str_puts(&sql, i ? " AND " : " WHERE ");
		ferry_sq__ident(&sql, conds[i].column);
		ferry_str_printf(&sql, conds[i].value.kind == FERRY_V_NULL ?
			" IS NULL" : " = ?%zu", i + 1);
	}
	ferry_str_puts(&sql, " ORDER BY sys_id");
	if (limit || offset)
		ferry_str_printf(&sql, " LIMIT %lld OFFSET %lld",
			limit ? (long long)limit : -1LL, (long long)offset);
	if (ferry_str_failed(&sql) || (fs->n && (values = ferry__calloc(fs->n,
	    sizeof(*values))) == NULL)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	/* Not cached: the callback may run other statements. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, sql.ptr, -1, &st, NULL);
	ferry_str_dispose(&sql);
	if (rc != SQLITE_OK) {
		ferry__free(values);
		return ferry_sq__error(db, rc, "listing records");
	}
	for (i = 0; i < n; i++) {
		const ferry_value *v = &conds[i].value;

		if (v->kind == FERRY_V_INT)
			sqlite3_bind_int64(st, (int)i + 1, v->i);
		else if (v->kind == FERRY_V_TEXT)
			sqlite3_bind_text(st, (int)i + 1, v->s, (int)v->len,
				SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_record_entry e;

		record_entry(&e, values, st, fs);
		if ((error = cb(&e, payload)) != 0)
			break;
	}
	if (!error && rc != SQLITE_DONE)
		error = ferry_sq__error(db, rc, "listing records");
	sqlite3_finalize(st);
	ferry__free(values);
	return error;
}

typedef struct {
	ferry_db *db;
	const char *sys_id;
	ferry_str *who;
	ferry_str field;	/* scratch: "entity.field" of a ref field */
} referrer_state;

/* Look for a referring row through one ref field ("entity.field"). */
static int referrer_in(const char *ref_field, void *payload)
{
	referrer_state *r = payload;
	const char *dot = strchr(ref_field, '.');
	ferry_str sql = FERRY_STR_INIT, entity = FERRY_STR_INIT;
	sqlite3_stmt *st;
	int error, rc;

	if (!dot)
		return 0;
	ferry_str_put(&entity, ref_field, (size_t)(dot - ref_field));
	ferry_str_puts(&sql, "SELECT sys_id FROM ");
	ferry_sq__ident(&sql, ferry_str_cstr(&entity));
	ferry_str_puts(&sql, " WHERE ");
	ferry_sq__ident(&sql, dot + 1);
	ferry_str_puts(&sql, " = ?1 ORDER BY sys_id LIMIT 1");
	ferry_str_dispose(&entity);
	if ((error = prepare_str(r->db, &sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, r->sys_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ferry_str_printf(r->who, "%s %s", ref_field,
			(const char *)sqlite3_column_text(st, 0));
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(r->db, rc,
		"looking for references");
}

int ferry_sqlite__record_referrer(ferry_db *db, const char *entity,
	const char *sys_id, ferry_str *who)
{
	referrer_state r = { db, sys_id, who, FERRY_STR_INIT };
	sqlite3_stmt *st;
	int error;

	/* The ref fields that point at this entity, as "entity.field". */
	if ((error = ferry_sq__prepare(db, "SELECT group_concat(entity || '.' "
	    "|| name, ' ') FROM sys_field WHERE type = 'ref(' || ?1 || ')'",
	    &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	error = ferry_sq__text(db, st, &r.field);
	if (error == 0) {
		char *list = r.field.ptr, *tok, *save = NULL;

		error = FERRY_ENOTFOUND;
		for (tok = list ? strtok_r(list, " ", &save) : NULL; tok;
		    tok = strtok_r(NULL, " ", &save)) {
			int found = referrer_in(tok, &r);

			if (found != 0) {
				error = found > 0 ? 0 : found;
				break;
			}
		}
	}
	ferry_str_dispose(&r.field);
	return error;
}
