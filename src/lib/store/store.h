/*
 * store.h - the store layer: every SQL statement ferry runs lives behind
 * these functions, in src/lib/store/.  The rest of the library holds the
 * rules and never sees SQL, so a PostgreSQL store can follow by
 * implementing this header again.
 *
 * Functions take the ferry_db for error reporting; they set the message
 * where a database call fails and return a negative FERRY_E* code.
 * Listing functions build the documented JSON documents in SQL directly.
 */
#ifndef FERRY_STORE_H
#define FERRY_STORE_H

#include "db.h"
#include "str.h"
#include "types.h"

#include <stdint.h>

/* ---- the database ---------------------------------------------------- */

/* Schema version this ferry writes (PRAGMA user_version). */
#define FERRY_SCHEMA_VERSION 1

int ferry_store__create(ferry_db *db, const char *path, const char *id,
	const char *name, const char *now);
int ferry_store__open(ferry_db *db, const char *path);
void ferry_store__close(ferry_db *db);
int ferry_store__schema_version(ferry_db *db, int *out);

/* Transactions nest: only the outermost begin/commit reach SQL. */
int ferry_store__begin(ferry_db *db);
int ferry_store__commit(ferry_db *db);
void ferry_store__rollback(ferry_db *db);
/* Finish a call's transaction: commit if error is 0, else roll back.
 * Returns error, or the commit's failure. */
int ferry_store__end(ferry_db *db, int error);

/* Copy the whole instance to path with SQLite's online backup. */
int ferry_store__backup(ferry_db *db, const char *path);

/* ---- instance, users, properties -------------------------------------- */

int ferry_store__instance(ferry_db *db, ferry_str *id, ferry_str *name);

typedef struct {
	char name[128];
	int admin;
	char tz[128];
	int64_t current_pack;
} ferry_user_row;

int ferry_store__user_get(ferry_db *db, const char *name, ferry_user_row *out);
int ferry_store__user_first_admin(ferry_db *db, ferry_user_row *out);
int ferry_store__user_insert(ferry_db *db, const char *name, int admin,
	const char *tz, int64_t pack, const char *now);
int ferry_store__user_update(ferry_db *db, const char *name, const char *tz,
	int admin);
int ferry_store__user_count_admins(ferry_db *db, int64_t *out);
int ferry_store__user_set_pack(ferry_db *db, const char *name, int64_t pack);
int ferry_store__user_list(ferry_db *db, ferry_str *json);

int ferry_store__property_set(ferry_db *db, const char *key,
	const char *value);
/* FERRY_ENOTFOUND when unset (no message set: callers word it). */
int ferry_store__property_get(ferry_db *db, const char *key, ferry_str *out);
int ferry_store__property_list(ferry_db *db, ferry_str *json);

/* ---- catalog ------------------------------------------------------------ */

/* Create the table of an entity (name already validated). */
int ferry_store__table_create(ferry_db *db, const char *entity);
int ferry_store__column_add(ferry_db *db, const char *entity,
	const ferry_field *f);
int ferry_store__column_drop(ferry_db *db, const char *entity,
	const char *field);
/* 1 if every non-null value of the column passes check(). */
int ferry_store__column_check(ferry_db *db, const char *entity,
	const ferry_field *f, int (*check)(const ferry_field *, int64_t,
	const char *, int is_int), ferry_str *bad);
/* 1 if entity has a table of its own (exists in the catalog). */
int ferry_store__entity_exists(ferry_db *db, const char *entity);
/* Load the fields of a user entity from sys_field, ordered by name. */
int ferry_store__fields_load(ferry_db *db, const char *entity,
	ferry_fieldset *out);
int ferry_store__entity_list(ferry_db *db, ferry_str *json);
int ferry_store__entity_show(ferry_db *db, const char *entity,
	ferry_str *json);
/* sys_id of an entity's sys_entity record (field NULL) or of a field's
 * sys_field record; FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__catalog_sys_id(ferry_db *db, const char *entity,
	const char *field, ferry_str *sys_id);

/* ---- records ------------------------------------------------------------ */

/* The system columns of a record. */
typedef struct {
	char sys_id[40];
	char policy[16];
	int vendor;
	char version[72];	/* hash of the current version */
} ferry_record_meta;

/* FERRY_ENOTFOUND (no message) when the record does not exist. */
int ferry_store__record_meta(ferry_db *db, const char *entity,
	const char *sys_id, ferry_record_meta *out);
int ferry_store__record_exists(ferry_db *db, const char *entity,
	const char *sys_id);

/* Who and when, for the audit columns. */
typedef struct {
	const char *user;
	const char *at;
} ferry_audit;

/*
 * Write a row: insert (must not exist) or update.  values[i] belongs to
 * fs->fields[i]; only fields with set[i] non-zero are written on update.
 */
int ferry_store__record_insert(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, const char *policy, int vendor,
	const char *version, const ferry_audit *audit);
int ferry_store__record_update(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values, const int *set,
	const char *sys_id, const char *policy, int vendor,
	const char *version, const ferry_audit *audit);
/* The stored values of a record's fields (values has fs->n slots). */
int ferry_store__record_values(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_value *values);
int ferry_store__record_delete(ferry_db *db, const char *entity,
	const char *sys_id);
/* One record as the documented JSON object. */
int ferry_store__record_json(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_str *json);
int ferry_store__record_each(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, int (*cb)(const char *, size_t, void *),
	void *payload);

/* ---- versions ------------------------------------------------------------ */

typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;	/* identity key hashed with the content */
	const char *action;	/* insert, update, delete */
	const char *hash;
	const char *parent;	/* hash of the previous version, or NULL */
	int64_t parent_id;	/* its row, or 0 */
	const char *payload;
	const char *policy;
	int vendor;
	const char *author;
	const char *at;
	int64_t pack_id;	/* capturing pack, 0 for none */
	const char *source;	/* local, restore, import */
	int64_t import_id;
} ferry_version_row;

int ferry_store__version_insert(ferry_db *db, const ferry_version_row *v,
	int64_t *id);

typedef struct {
	int64_t id;
	ferry_str hash;
	ferry_str action;
	ferry_str payload;
} ferry_version_ref;

void ferry_version_ref_dispose(ferry_version_ref *v);
/* The latest version of a record; FERRY_ENOTFOUND (no message) if none. */
int ferry_store__version_latest(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_ref *out);
/* The newest version of a record with that hash (or unique hash prefix). */
int ferry_store__version_find(ferry_db *db, const char *entity,
	const char *sys_id, const char *hash, ferry_version_ref *out);
/* The row id of a version's parent (0 when it has none). */
int ferry_store__version_parent(ferry_db *db, int64_t id, int64_t *parent);
int ferry_store__version_history(ferry_db *db, const char *entity,
	const char *sys_id, ferry_str *json);

/* ---- packs ------------------------------------------------------------ */

typedef struct {
	int64_t id;
	char uid[40];
	char name[256];
	char state[16];
	int is_default;
	char completed_at[32];	/* "" while in progress */
	char description[1024];
} ferry_pack_row;

/* FERRY_ENOTFOUND (no message) when no such pack. */
int ferry_store__pack_get(ferry_db *db, const char *name, ferry_pack_row *out);
int ferry_store__pack_get_id(ferry_db *db, int64_t id, ferry_pack_row *out);
int ferry_store__pack_insert(ferry_db *db, const char *uid, const char *name,
	const char *description, int is_default, const char *by,
	const char *at, int64_t *id);
int ferry_store__pack_set_state(ferry_db *db, int64_t id, const char *state,
	const char *completed_at);
/* Switch every user whose current pack is `from` to `to`. */
int ferry_store__pack_switch_users(ferry_db *db, int64_t from, int64_t to);
int ferry_store__pack_default_id(ferry_db *db, int64_t *id);
/*
 * Capture a version in a pack: the record's item now points at version_id;
 * the first capture also records base_id, the version before it.
 */
int ferry_store__pack_capture(ferry_db *db, int64_t pack_id,
	const char *entity, const char *sys_id, int64_t version_id,
	int64_t base_id);
int ferry_store__pack_list(ferry_db *db, ferry_str *json);
int ferry_store__pack_show(ferry_db *db, int64_t pack_id, ferry_str *json);
/* 1 if that formula or data set version exists, else 0. */
int ferry_store__definition_version_exists(ferry_db *db, const char *kind,
	const char *name, int version);
int ferry_store__pack_add_definition(ferry_db *db, int64_t pack_id,
	const char *kind, const char *name, int version);

/* ---- export ------------------------------------------------------------ */

/* One record item of a pack, as export writes it. */
typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;
	const char *action;	/* effective over the pack */
	const char *version;
	const char *base;	/* NULL for an insert */
	const char *policy;
	int vendor;
	const char *payload;	/* canonical JSON */
	size_t payload_len;
	const char *old;	/* base values of changed fields, or NULL */
	size_t old_len;
} ferry_export_row;

typedef int (*ferry_export_cb)(const ferry_export_row *row, void *payload);

/* The record items of a pack in file order (entity, sys_id). */
int ferry_store__export_rows(ferry_db *db, int64_t pack_id,
	ferry_export_cb cb, void *payload);
/* Counts over a pack: items, out of date items, vendor items. */
int ferry_store__pack_counts(ferry_db *db, int64_t pack_id, int64_t *items,
	int64_t *out_of_date, int64_t *vendor);
/* The entities a pack's record items use (user entities), by name. */
int ferry_store__pack_entities(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *entity, void *payload), void *payload);
/* The formula and data set items of a pack, each as a finished item line
 * (docs/format.md, section 5), in (kind, name) order. */
int ferry_store__definition_items(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload),
	void *payload);

#endif
