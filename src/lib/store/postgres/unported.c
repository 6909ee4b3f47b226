/*
 * unported.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__backup_inspect(ferry_db *db, const char *path, ferry_backup_info *out)
{
	return ferry_pg__unported(db, "backup inspect");
}

int ferry_pg__restore(ferry_db *db, const char *path)
{
	return ferry_pg__unported(db, "restore");
}

int ferry_pg__backup(ferry_db *db, const char *path)
{
	return ferry_pg__unported(db, "backup");
}

int ferry_pg__user_get(ferry_db *db, const char *name, ferry_user_row *out)
{
	return ferry_pg__unported(db, "user get");
}

int ferry_pg__user_first_admin(ferry_db *db, ferry_user_row *out)
{
	return ferry_pg__unported(db, "user first admin");
}

int ferry_pg__user_insert(ferry_db *db, const char *name, int admin, const char *tz, int64_t pack, const char *now)
{
	return ferry_pg__unported(db, "user insert");
}

int ferry_pg__user_update(ferry_db *db, const char *name, const char *tz, int admin)
{
	return ferry_pg__unported(db, "user update");
}

int ferry_pg__user_count_admins(ferry_db *db, int64_t *out)
{
	return ferry_pg__unported(db, "user count admins");
}

int ferry_pg__user_set_pack(ferry_db *db, const char *name, int64_t pack)
{
	return ferry_pg__unported(db, "user set pack");
}

int ferry_pg__user_each(ferry_db *db, ferry_user_cb cb, void *payload)
{
	return ferry_pg__unported(db, "user each");
}

int ferry_pg__property_set(ferry_db *db, const char *key, const char *value)
{
	return ferry_pg__unported(db, "property set");
}

int ferry_pg__property_get(ferry_db *db, const char *key, ferry_str *out)
{
	return ferry_pg__unported(db, "property get");
}

int ferry_pg__property_each(ferry_db *db, ferry_property_cb cb, void *payload)
{
	return ferry_pg__unported(db, "property each");
}

int ferry_pg__password_get(ferry_db *db, const char *user, char *out, size_t size)
{
	return ferry_pg__unported(db, "password get");
}

int ferry_pg__password_set(ferry_db *db, const char *user, const char *hash)
{
	return ferry_pg__unported(db, "password set");
}

int ferry_pg__token_insert(int64_t *id, ferry_db *db, const char *user, const char *label, const char *hash, const char *now)
{
	return ferry_pg__unported(db, "token insert");
}

int ferry_pg__token_by_hash(ferry_db *db, const char *hash, ferry_token_row *out)
{
	return ferry_pg__unported(db, "token by hash");
}

int ferry_pg__token_by_id(ferry_db *db, int64_t id, ferry_token_row *out)
{
	return ferry_pg__unported(db, "token by id");
}

int ferry_pg__token_used(ferry_db *db, int64_t id, const char *now)
{
	return ferry_pg__unported(db, "token used");
}

int ferry_pg__token_revoke(ferry_db *db, int64_t id, const char *now)
{
	return ferry_pg__unported(db, "token revoke");
}

int ferry_pg__token_each(ferry_db *db, const char *user, ferry_token_cb cb, void *payload)
{
	return ferry_pg__unported(db, "token each");
}

int ferry_pg__session_insert(ferry_db *db, const char *hash, const char *user, const char *csrf, const char *address, const char *now, int64_t expires_at)
{
	return ferry_pg__unported(db, "session insert");
}

int ferry_pg__session_get(ferry_db *db, const char *hash, int64_t now, char *user, size_t user_size, char *csrf, size_t csrf_size)
{
	return ferry_pg__unported(db, "session get");
}

int ferry_pg__session_delete(ferry_db *db, const char *hash)
{
	return ferry_pg__unported(db, "session delete");
}

int ferry_pg__session_purge(ferry_db *db, int64_t now)
{
	return ferry_pg__unported(db, "session purge");
}

int ferry_pg__login_failures(ferry_db *db, const char *user, const char *address, int64_t *failures, int64_t *last_at)
{
	return ferry_pg__unported(db, "login failures");
}

int ferry_pg__login_failed(ferry_db *db, const char *user, const char *address, int64_t now)
{
	return ferry_pg__unported(db, "login failed");
}

int ferry_pg__login_clear(ferry_db *db, const char *user, const char *address)
{
	return ferry_pg__unported(db, "login clear");
}

int ferry_pg__audit_insert(ferry_db *db, const char *at, const char *user, const char *address, const char *operation, const char *object, const char *outcome)
{
	return ferry_pg__unported(db, "audit insert");
}

int ferry_pg__audit_each(ferry_db *db, const char *user, const char *since, int64_t limit, int64_t offset, int64_t *total, ferry_audit_cb cb, void *payload)
{
	return ferry_pg__unported(db, "audit each");
}

int ferry_pg__key_current(ferry_db *db, ferry_key_row *out)
{
	return ferry_pg__unported(db, "key current");
}

int ferry_pg__key_replace(ferry_db *db, const char *public_key, const char *fingerprint, const char *by, const char *now)
{
	return ferry_pg__unported(db, "key replace");
}

int ferry_pg__trust_by_name(ferry_db *db, const char *name, ferry_key_row *out)
{
	return ferry_pg__unported(db, "trust by name");
}

int ferry_pg__trust_by_key(ferry_db *db, const char *public_key, ferry_key_row *out)
{
	return ferry_pg__unported(db, "trust by key");
}

int ferry_pg__trust_insert(ferry_db *db, const ferry_key_row *row)
{
	return ferry_pg__unported(db, "trust insert");
}

int ferry_pg__trust_delete(ferry_db *db, const char *name)
{
	return ferry_pg__unported(db, "trust delete");
}

int ferry_pg__trust_each(ferry_db *db, ferry_trust_cb cb, void *payload)
{
	return ferry_pg__unported(db, "trust each");
}

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

int ferry_pg__pack_description(ferry_db *db, int64_t id, ferry_str *out)
{
	return ferry_pg__unported(db, "pack description");
}

int ferry_pg__pack_get(ferry_db *db, const char *name, ferry_pack_row *out)
{
	return ferry_pg__unported(db, "pack get");
}

int ferry_pg__pack_get_id(ferry_db *db, int64_t id, ferry_pack_row *out)
{
	return ferry_pg__unported(db, "pack get id");
}

int ferry_pg__pack_insert(ferry_db *db, const char *uid, const char *name, const char *description, int is_default, const char *by, const char *at, int64_t *id)
{
	return ferry_pg__unported(db, "pack insert");
}

int ferry_pg__pack_set_state(ferry_db *db, int64_t id, ferry_pack_state state, const char *completed_at)
{
	return ferry_pg__unported(db, "pack set state");
}

int ferry_pg__pack_switch_users(ferry_db *db, int64_t from, int64_t to)
{
	return ferry_pg__unported(db, "pack switch users");
}

int ferry_pg__pack_default_id(ferry_db *db, int64_t *id)
{
	return ferry_pg__unported(db, "pack default id");
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

int ferry_pg__import_plan_reset(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import plan reset");
}

int ferry_pg__import_plan_records(ferry_db *db, int64_t id, const char *entity, const ferry_fieldset *fs, int by_name, const ferry_decision_table *decide)
{
	return ferry_pg__unported(db, "import plan records");
}

int ferry_pg__import_plan_put(ferry_db *db, int64_t id, int64_t item, const char *target_id, const char *target_version, const char *decision, const char *detail)
{
	return ferry_pg__unported(db, "import plan put");
}

int ferry_pg__import_plan_rest(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import plan rest");
}

int ferry_pg__import_problem_put(ferry_db *db, int64_t id, int64_t item, const char *kind, const char *severity, const char *facts)
{
	return ferry_pg__unported(db, "import problem put");
}

int ferry_pg__import_problems_records(ferry_db *db, int64_t id, const ferry_decision_table tables[3])
{
	return ferry_pg__unported(db, "import problems records");
}

int ferry_pg__import_problems_entity(ferry_db *db, int64_t id, const char *entity, const char *facts)
{
	return ferry_pg__unported(db, "import problems entity");
}

int ferry_pg__import_problems_field(ferry_db *db, int64_t id, const char *entity, const char *field, ferry_value_check check, const ferry_field *target)
{
	return ferry_pg__unported(db, "import problems field");
}

int ferry_pg__import_referrers(ferry_db *db, int64_t id, int (*cb)(const char *entity, const char *field, const char *ref_entity, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import referrers");
}

int ferry_pg__import_problems_referenced(ferry_db *db, int64_t id, const char *entity, const char *field, const char *ref_entity)
{
	return ferry_pg__unported(db, "import problems referenced");
}

int ferry_pg__import_unresolved(ferry_db *db, int64_t id, int64_t *count, int (*each)(int64_t item, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import unresolved");
}

int ferry_pg__import_discard(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import discard");
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

int ferry_pg__import_decision_counts(ferry_db *db, int64_t id, int (*cb)(const char *decision, int64_t n, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import decision counts");
}

int ferry_pg__import_problems_each(ferry_db *db, int64_t id, const ferry_problem_filter *f, int (*cb)(const ferry_import_problem_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import problems each");
}

int ferry_pg__import_problem_kinds(ferry_db *db, int64_t id, const ferry_problem_filter *f, int (*cb)(const char *kind, int64_t n, void *payload), void *payload, int64_t *matched)
{
	return ferry_pg__unported(db, "import problem kinds");
}

int ferry_pg__import_problem_of(ferry_db *db, int64_t id, int64_t item, const char *kinds, ferry_str *kind)
{
	return ferry_pg__unported(db, "import problem of");
}

int ferry_pg__import_resolution_set(ferry_db *db, int64_t id, int64_t item, const char *resolution, const char *merged, int whole, const char *by, const char *at)
{
	return ferry_pg__unported(db, "import resolution set");
}

int ferry_pg__import_resolution_clear(ferry_db *db, int64_t id, int64_t item)
{
	return ferry_pg__unported(db, "import resolution clear");
}

int ferry_pg__import_resolve_all(ferry_db *db, int64_t id, const char *resolution, int whole, const char *not_kinds, const char *by, const char *at, int64_t *resolved, int64_t *left, int (*each_left)(int64_t item, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import resolve all");
}

int ferry_pg__import_ref_exists(ferry_db *db, int64_t id, const char *entity, const char *sys_id, int table)
{
	return ferry_pg__unported(db, "import ref exists");
}

int ferry_pg__import_acts(ferry_db *db, int64_t id, const ferry_decision_table *acts)
{
	return ferry_pg__unported(db, "import acts");
}

int ferry_pg__import_fast(ferry_db *db, const ferry_import_write *w, const char *entity, const ferry_fieldset *fs, const ferry_fieldset *check, int updates, int64_t *done)
{
	return ferry_pg__unported(db, "import fast");
}

int ferry_pg__import_act_count(ferry_db *db, int64_t id, const char *act, int64_t *n)
{
	return ferry_pg__unported(db, "import act count");
}

int ferry_pg__import_next(ferry_db *db, int64_t id, const char *entity, int what, const char *after, ferry_import_item *out)
{
	return ferry_pg__unported(db, "import next");
}

int ferry_pg__import_adopt(ferry_db *db, const char *entity, const char *sys_id, const char *from, const char *to)
{
	return ferry_pg__unported(db, "import adopt");
}

int ferry_pg__import_outcome(ferry_db *db, int64_t id, int64_t item, const char *outcome, const char *detail)
{
	return ferry_pg__unported(db, "import outcome");
}

int ferry_pg__import_outcome_counts(ferry_db *db, int64_t id, int (*cb)(const char *outcome, int64_t n, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import outcome counts");
}

int ferry_pg__import_outcomes_each(ferry_db *db, int64_t id, int what, int (*cb)(const ferry_import_outcome_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import outcomes each");
}

int ferry_pg__import_touched_next(ferry_db *db, int64_t id, int64_t after, ferry_import_touched *out)
{
	return ferry_pg__unported(db, "import touched next");
}

int ferry_pg__import_problems_of_kinds(ferry_db *db, int64_t id, const char *kinds, int (*cb)(const ferry_import_problem_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import problems of kinds");
}

int ferry_pg__import_item_entries(ferry_db *db, int64_t id, int (*cb)(const ferry_import_item_entry *e, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import item entries");
}

