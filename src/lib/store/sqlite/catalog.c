/*
 * catalog.c - the store's side of entities and fields: their tables and
 * columns, and the catalog documents.
 */
#include "sq.h"

#include "alloc.h"

#include <string.h>

static int exec_str(ferry_db *db, ferry_str *sql)
{
	int error;

	if (ferry_str_failed(sql))
		error = ferry__oom(db);
	else
		error = ferry_sq__exec(db, sql->ptr);
	ferry_str_dispose(sql);
	return error;
}

void ferry_sqlite__schema_batch_begin(ferry_db *db)
{
	SQ(db)->batch = 1;
}

static ferry_pending_table *pending(ferry_db *db, const char *entity)
{
	size_t i;

	for (i = 0; i < SQ(db)->npending; i++)
		if (!strcmp(SQ(db)->pending[i].name, entity))
			return &SQ(db)->pending[i];
	return NULL;
}

int ferry_sqlite__schema_batch_end(ferry_db *db, int error)
{
	ferry_sqlite *st = SQ(db);
	size_t i;

	for (i = 0; i < st->npending; i++) {
		ferry_str sql = FERRY_STR_INIT;

		if (error == 0) {
			ferry_str_puts(&sql, "CREATE TABLE ");
			ferry_sq__ident(&sql, st->pending[i].name);
			ferry_str_puts(&sql, " (" SYS_COLUMNS);
			ferry_str_put(&sql, st->pending[i].columns.ptr,
				st->pending[i].columns.size);
			ferry_str_putc(&sql, ')');
			if (ferry_str_failed(&st->pending[i].columns))
				sql.failed = 1;
			error = exec_str(db, &sql);
		}
		ferry__free(st->pending[i].name);
		ferry_str_dispose(&st->pending[i].columns);
	}
	ferry__free(st->pending);
	st->pending = NULL;
	st->npending = 0;
	st->batch = 0;
	return error;
}

int ferry_sqlite__table_create(ferry_db *db, const char *entity)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_sqlite *st = SQ(db);

	if (st->batch) {
		ferry_pending_table *p = ferry__realloc(st->pending,
			(st->npending + 1) * sizeof(*p));

		if (!p)
			return ferry__oom(db);
		st->pending = p;
		p += st->npending;
		memset(p, 0, sizeof(*p));
		if ((p->name = ferry__strdup(entity)) == NULL)
			return ferry__oom(db);
		st->npending++;
		return 0;
	}
	ferry_str_puts(&sql, "CREATE TABLE ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " (" SYS_COLUMNS ")");
	return exec_str(db, &sql);
}

int ferry_sqlite__column_add(ferry_db *db, const char *entity,
	const ferry_field *f)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pending_table *p = SQ(db)->batch ? pending(db, entity) : NULL;

	if (p) {
		ferry_str_puts(&p->columns, ", ");
		ferry_sq__ident(&p->columns, f->name);
		return 0;
	}
	ferry_str_puts(&sql, "ALTER TABLE ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " ADD COLUMN ");
	/* No declared type: ferry checks every value itself, and a column
	 * without affinity stores each value exactly as it was bound
	 * ("123" in an nvarchar stays text). */
	ferry_sq__ident(&sql, f->name);
	return exec_str(db, &sql);
}

int ferry_sqlite__column_drop(ferry_db *db, const char *entity,
	const char *field)
{
	ferry_str sql = FERRY_STR_INIT;

	if (SQ(db)->batch && pending(db, entity))
		return ferry__error(db, FERRY_EMISUSE, "cannot drop a column "
			"of table %s inside the schema batch that creates it",
			entity);
	ferry_str_puts(&sql, "ALTER TABLE ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " DROP COLUMN ");
	ferry_sq__ident(&sql, field);
	return exec_str(db, &sql);
}

int ferry_sqlite__column_check(ferry_db *db, const char *entity,
	const ferry_field *f, int (*check)(const ferry_field *, int64_t,
	const char *, int is_int), ferry_str *bad)
{
	ferry_str sql = FERRY_STR_INIT;
	sqlite3_stmt *st = NULL;
	int rc, ok = 1;

	/* A table the batch has still to create holds no rows. */
	if (SQ(db)->batch && pending(db, entity))
		return 1;
	ferry_str_puts(&sql, "SELECT sys_id, ");
	ferry_sq__ident(&sql, f->name);
	ferry_str_puts(&sql, " FROM ");
	ferry_sq__ident(&sql, entity);
	ferry_str_puts(&sql, " WHERE ");
	ferry_sq__ident(&sql, f->name);
	ferry_str_puts(&sql, " IS NOT NULL");
	if (ferry_str_failed(&sql)) {
		ferry_str_dispose(&sql);
		return ferry__oom(db);
	}
	rc = sqlite3_prepare_v2(SQ(db)->conn, sql.ptr, -1, &st, NULL);
	ferry_str_dispose(&sql);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "checking a column");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int is_int = sqlite3_column_type(st, 1) == SQLITE_INTEGER;

		if (!check(f, sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 1), is_int)) {
			ferry_str_puts(bad,
				(const char *)sqlite3_column_text(st, 0));
			ok = 0;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ferry_sq__error(db, rc, "checking a column");
	return ok;
}

int ferry_sqlite__entity_exists(ferry_db *db, const char *entity)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT 1 FROM sys_entity WHERE "
	    "name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(db, rc, "catalog");
}

static char *column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? ferry__strdup((const char *)t) : NULL;
}

int ferry_sqlite__fields_load(ferry_db *db, const char *entity,
	ferry_fieldset *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT name, type, display, "
	    "description, default_value, external_name FROM sys_field WHERE "
	    "entity = ?1 ORDER BY name", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_field f;

		memset(&f, 0, sizeof(f));
		ferry_sq__copy(f.name, sizeof(f.name), st, 0);
		ferry_sq__copy(f.type_text, sizeof(f.type_text), st, 1);
		f.display = column_dup(st, 2);
		f.description = column_dup(st, 3);
		f.default_value = column_dup(st, 4);
		f.external_name = column_dup(st, 5);
		if (ferry_fieldset_add(out, &f) < 0)
			error = ferry__oom(db);
		ferry__free(f.display);
		ferry__free(f.description);
		ferry__free(f.default_value);
		ferry__free(f.external_name);
		if (error < 0)
			break;
	}
	ferry_sq__reset(st);
	if (error < 0)
		return error;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
		ferry_sq__error(db, rc, "reading the catalog");
}

int ferry_sqlite__entity_each(ferry_db *db, const char *name,
	ferry_entity_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc, found = 0;

	if ((error = ferry_sq__prepare(db, "SELECT e.name, e.display, "
	    "e.description, (SELECT count(*) FROM sys_field f WHERE f.entity "
	    "= e.name) FROM sys_entity e WHERE ?1 IS NULL OR e.name = ?1 "
	    "ORDER BY e.name", &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_entity_entry e;

		found = 1;
		e.name = ferry_sq__str(st, 0);
		e.display = ferry_sq__str(st, 1);
		e.description = ferry_sq__str(st, 2);
		e.fields = sqlite3_column_int64(st, 3);
		if ((error = cb(&e, payload)) != 0)
			break;
	}
	error = ferry_sq__rows_end(db, st, rc, error, "reading the catalog");
	return error == 0 && name && !found ? FERRY_ENOTFOUND : error;
}

int ferry_sqlite__catalog_sys_id(ferry_db *db, const char *entity,
	const char *field, ferry_str *sys_id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, field ?
	    "SELECT sys_id FROM sys_field WHERE entity = ?1 AND name = ?2" :
	    "SELECT sys_id FROM sys_entity WHERE name = ?1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	if (field)
		sqlite3_bind_text(st, 2, field, -1, SQLITE_TRANSIENT);
	return ferry_sq__text(db, st, sys_id);
}
