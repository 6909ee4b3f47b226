/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__import_get(ferry_db *db, int64_t id, ferry_import_row *out)
{
	return ferry_pg__unported(db, "import get");
}

int ferry_pg__import_create(ferry_db *db, const ferry_import_new *n, int64_t *id)
{
	return ferry_pg__unported(db, "import create");
}

int ferry_pg__import_stager_new(ferry_import_stager **out, ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import stager new");
}

void ferry_pg__import_stager_free(ferry_db *db, ferry_import_stager *s)
{
	(void)db;
}

int ferry_pg__import_stage(ferry_db *db, ferry_import_stager *s, int64_t item, const char *line, size_t len)
{
	return ferry_pg__unported(db, "import stage");
}

int ferry_pg__import_field(ferry_db *db, int64_t id, ferry_scope scope, const char *entity, const char *name, const char *type)
{
	return ferry_pg__unported(db, "import field");
}

int ferry_pg__import_check(ferry_db *db, int64_t id, int64_t *item, ferry_str *fact)
{
	return ferry_pg__unported(db, "import check");
}

int ferry_pg__import_check_values(ferry_db *db, int64_t id, const char *entity, const ferry_fieldset *fs, int64_t *item, ferry_str *why)
{
	return ferry_pg__unported(db, "import check values");
}

int ferry_pg__import_previous(ferry_db *db, int64_t id, const char *pack_uid, int64_t *prev, ferry_str *stamp)
{
	return ferry_pg__unported(db, "import previous");
}

int ferry_pg__import_loaded(ferry_db *db, int64_t id, const char *stamp, int64_t items, int64_t previous)
{
	return ferry_pg__unported(db, "import loaded");
}

int ferry_pg__import_last_arrived(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import last arrived");
}

int ferry_pg__query_count(ferry_db *db, const char *entity, const char *const *fields, const char *const *values, size_t n, int64_t *count)
{
	return ferry_pg__unported(db, "query count");
}

int ferry_pg__query_each(ferry_db *db, const char *entity, const char *const *fields, const char *const *values, size_t n, int (*cb)(const char *sys_id, void *payload), void *payload)
{
	return ferry_pg__unported(db, "query each");
}

int ferry_pg__import_each(ferry_db *db, int64_t id, ferry_import_cb cb, void *payload)
{
	return ferry_pg__unported(db, "import each");
}

int ferry_pg__import_entities(ferry_db *db, int64_t id, int (*cb)(const char *entity, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import entities");
}

int ferry_pg__import_items_each(ferry_db *db, int64_t id, const char *t, const char *entity, int (*cb)(const ferry_import_item *it, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import items each");
}

int ferry_pg__import_changed_each(ferry_db *db, int64_t id, int (*cb)(const ferry_import_item *it, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import changed each");
}

int ferry_pg__import_fields_load(ferry_db *db, int64_t id, ferry_scope scope, const char *entity, ferry_fieldset *out)
{
	return ferry_pg__unported(db, "import fields load");
}

int ferry_pg__import_next_definition(ferry_db *db, int64_t id, int64_t after, ferry_import_item *out)
{
	return ferry_pg__unported(db, "import next definition");
}

int ferry_pg__import_item_get(ferry_db *db, int64_t id, int64_t item, ferry_import_item *out)
{
	return ferry_pg__unported(db, "import item get");
}

int ferry_pg__import_set_state(ferry_db *db, int64_t id, const char *state, const char *by, const char *at, const char *backup)
{
	return ferry_pg__unported(db, "import set state");
}

int ferry_pg__import_unstage(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import unstage");
}

int ferry_pg__import_mark_plan(ferry_db *db, int64_t id, int current)
{
	return ferry_pg__unported(db, "import mark plan");
}

int ferry_pg__import_plan_current(ferry_db *db, int64_t id, int *current)
{
	return ferry_pg__unported(db, "import plan current");
}

int ferry_pg__import_item_entries(ferry_db *db, int64_t id, int (*cb)(const ferry_import_item_entry *e, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import item entries");
}

