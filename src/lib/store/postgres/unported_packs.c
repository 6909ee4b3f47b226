/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__pack_description(ferry_db *db, int64_t id, ferry_str *out)
{
	return ferry_pg__unported(db, "pack description");
}

int ferry_pg__pack_set_state(ferry_db *db, int64_t id, ferry_pack_state state, const char *completed_at)
{
	return ferry_pg__unported(db, "pack set state");
}

int ferry_pg__pack_switch_users(ferry_db *db, int64_t from, int64_t to)
{
	return ferry_pg__unported(db, "pack switch users");
}

int ferry_pg__pack_capture(ferry_db *db, int64_t pack_id, const char *entity, const char *sys_id, int64_t version_id, int64_t base_id)
{
	return ferry_pg__unported(db, "pack capture");
}

int ferry_pg__pack_each(ferry_db *db, int64_t id, ferry_pack_cb cb, void *payload)
{
	return ferry_pg__unported(db, "pack each");
}

int ferry_pg__pack_rename(ferry_db *db, int64_t id, const char *name)
{
	return ferry_pg__unported(db, "pack rename");
}

int ferry_pg__pack_exported(ferry_db *db, int64_t id, const char *at, int *recorded)
{
	return ferry_pg__unported(db, "pack exported");
}

int ferry_pg__pack_count(ferry_db *db, int64_t id, int64_t *n)
{
	return ferry_pg__unported(db, "pack count");
}

int ferry_pg__pack_delete(ferry_db *db, int64_t id, int64_t to)
{
	return ferry_pg__unported(db, "pack delete");
}

int ferry_pg__pack_remove(ferry_db *db, int64_t id, const char *kind, const char *entity, const char *key, int *removed)
{
	return ferry_pg__unported(db, "pack remove");
}

int ferry_pg__pack_items_each(ferry_db *db, int64_t pack_id, ferry_pack_item_cb cb, void *payload)
{
	return ferry_pg__unported(db, "pack items each");
}

int ferry_pg__pack_definitions_each(ferry_db *db, int64_t pack_id, ferry_pack_definition_cb cb, void *payload)
{
	return ferry_pg__unported(db, "pack definitions each");
}

int ferry_pg__definition_version_exists(ferry_db *db, const char *kind, const char *name, int version)
{
	return ferry_pg__unported(db, "definition version exists");
}

int ferry_pg__pack_add_definition(ferry_db *db, int64_t pack_id, const char *kind, const char *name, int version)
{
	return ferry_pg__unported(db, "pack add definition");
}

int ferry_pg__export_rows(ferry_db *db, int64_t pack_id, ferry_export_cb cb, void *payload)
{
	return ferry_pg__unported(db, "export rows");
}

int ferry_pg__pack_entities(ferry_db *db, int64_t pack_id, int (*cb)(const char *entity, void *payload), void *payload)
{
	return ferry_pg__unported(db, "pack entities");
}

int ferry_pg__definition_items(ferry_db *db, int64_t pack_id, int (*cb)(const char *line, size_t len, void *payload), void *payload)
{
	return ferry_pg__unported(db, "definition items");
}

int ferry_pg__definition_find(ferry_db *db, const char *kind, const char *name, int64_t *id)
{
	return ferry_pg__unported(db, "definition find");
}

int ferry_pg__definition_insert(ferry_db *db, const char *kind, const char *name, const char *at, int64_t *id)
{
	return ferry_pg__unported(db, "definition insert");
}

int ferry_pg__definition_same(ferry_db *db, const char *kind, const char *name, const char *signature, const char *outputs, const char *body, const char *start, ferry_str *found, int *version)
{
	return ferry_pg__unported(db, "definition same");
}

int ferry_pg__definition_remove(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "definition remove");
}

int ferry_pg__definition_version_get(ferry_db *db, int64_t id, int version, ferry_definition_row *row)
{
	return ferry_pg__unported(db, "definition version get");
}

int ferry_pg__definition_version_with(ferry_db *db, int64_t id, const char *status, int *version)
{
	return ferry_pg__unported(db, "definition version with");
}

int ferry_pg__definition_version_insert(ferry_db *db, int64_t id, const ferry_definition_row *row, const char *by, const char *at, int64_t import_id)
{
	return ferry_pg__unported(db, "definition version insert");
}

int ferry_pg__definition_version_set_status(ferry_db *db, int64_t id, int version, const char *status)
{
	return ferry_pg__unported(db, "definition version set status");
}

int ferry_pg__definition_version_delete(ferry_db *db, int64_t id, int version, int *left)
{
	return ferry_pg__unported(db, "definition version delete");
}

int ferry_pg__definition_completed_pack(ferry_db *db, const char *kind, const char *name, int version, ferry_str *pack)
{
	return ferry_pg__unported(db, "definition completed pack");
}

int ferry_pg__definition_unpack(ferry_db *db, const char *kind, const char *name, int version)
{
	return ferry_pg__unported(db, "definition unpack");
}

int ferry_pg__definition_each(ferry_db *db, const char *kind, int64_t id, ferry_definition_cb cb, void *payload)
{
	return ferry_pg__unported(db, "definition each");
}

int ferry_pg__definition_versions_each(ferry_db *db, int64_t id, ferry_definition_version_cb cb, void *payload)
{
	return ferry_pg__unported(db, "definition versions each");
}

