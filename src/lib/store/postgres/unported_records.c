/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

void ferry_pg__schema_batch_begin(ferry_db *db)
{
	(void)db;
}

int ferry_pg__schema_batch_end(ferry_db *db, int error)
{
	return ferry_pg__unported(db, "schema batch end");
}

int ferry_pg__table_create(ferry_db *db, const char *entity)
{
	return ferry_pg__unported(db, "table create");
}

int ferry_pg__column_add(ferry_db *db, const char *entity, const ferry_field *f)
{
	return ferry_pg__unported(db, "column add");
}

int ferry_pg__column_drop(ferry_db *db, const char *entity, const char *field)
{
	return ferry_pg__unported(db, "column drop");
}

int ferry_pg__column_check(ferry_db *db, const char *entity, const ferry_field *f, int (*check)(const ferry_field *, int64_t, const char *, int is_int), ferry_str *bad)
{
	return ferry_pg__unported(db, "column check");
}

int ferry_pg__entity_exists(ferry_db *db, const char *entity)
{
	return ferry_pg__unported(db, "entity exists");
}

int ferry_pg__fields_load(ferry_db *db, const char *entity, ferry_fieldset *out)
{
	return ferry_pg__unported(db, "fields load");
}

int ferry_pg__entity_each(ferry_db *db, const char *name, ferry_entity_cb cb, void *payload)
{
	return ferry_pg__unported(db, "entity each");
}

int ferry_pg__catalog_sys_id(ferry_db *db, const char *entity, const char *field, ferry_str *sys_id)
{
	return ferry_pg__unported(db, "catalog sys id");
}

int ferry_pg__record_meta(ferry_db *db, const char *entity, const char *sys_id, ferry_record_meta *out)
{
	return ferry_pg__unported(db, "record meta");
}

int ferry_pg__record_exists(ferry_db *db, const char *entity, const char *sys_id)
{
	return ferry_pg__unported(db, "record exists");
}

int ferry_pg__record_insert(ferry_db *db, const char *entity, const ferry_fieldset *fs, const ferry_value *values, const char *sys_id, ferry_policy policy, int vendor, const char *version, const ferry_audit *audit)
{
	return ferry_pg__unported(db, "record insert");
}

int ferry_pg__record_update(ferry_db *db, const char *entity, const ferry_fieldset *fs, const ferry_value *values, const int *set, const char *sys_id, ferry_policy policy, int vendor, const char *version, const ferry_audit *audit)
{
	return ferry_pg__unported(db, "record update");
}

int ferry_pg__record_values(ferry_db *db, const char *entity, const ferry_fieldset *fs, const char *sys_id, ferry_value *values)
{
	return ferry_pg__unported(db, "record values");
}

int ferry_pg__record_delete(ferry_db *db, const char *entity, const char *sys_id)
{
	return ferry_pg__unported(db, "record delete");
}

int ferry_pg__record_referrer(ferry_db *db, const char *entity, const char *sys_id, ferry_str *who)
{
	return ferry_pg__unported(db, "record referrer");
}

int ferry_pg__record_query(ferry_db *db, const char *entity, const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n, uint64_t limit, uint64_t offset, ferry_record_entry_cb cb, void *payload)
{
	return ferry_pg__unported(db, "record query");
}

int ferry_pg__version_insert(ferry_db *db, const ferry_version_row *v, int64_t *id)
{
	return ferry_pg__unported(db, "version insert");
}

int ferry_pg__version_latest(ferry_db *db, const char *entity, const char *sys_id, ferry_version_ref *out)
{
	return ferry_pg__unported(db, "version latest");
}

int ferry_pg__version_find(ferry_db *db, const char *entity, const char *sys_id, const char *hash, ferry_version_ref *out)
{
	return ferry_pg__unported(db, "version find");
}

int ferry_pg__version_parent(ferry_db *db, int64_t id, int64_t *parent)
{
	return ferry_pg__unported(db, "version parent");
}

int ferry_pg__version_each(ferry_db *db, const char *entity, const char *sys_id, ferry_version_cb cb, void *payload)
{
	return ferry_pg__unported(db, "version each");
}

int ferry_pg__objects_each(ferry_db *db, const char *table, const char *entity, ferry_object_cb cb, void *payload)
{
	return ferry_pg__unported(db, "objects each");
}

int ferry_pg__object_find(ferry_db *db, const char *table, const char *entity, const char *name, ferry_record_meta *out)
{
	return ferry_pg__unported(db, "object find");
}

int ferry_pg__field_deleted(ferry_db *db, const char *rkey)
{
	return ferry_pg__unported(db, "field deleted");
}

