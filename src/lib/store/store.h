/*
 * store.h - the store: the operations the library needs of a database,
 * as facts in and facts out.  The SQLite store implements them in
 * src/lib/store/; the rest of the library holds the rules and never sees
 * a query, so another store (PostgreSQL) can follow by implementing this
 * header again.
 *
 * Functions take the ferry_db for error reporting; they set the message
 * where a database call fails and return a negative FERRY_E* code.
 *
 * The store returns facts, never documents: a listing hands each row to
 * a callback as a struct of typed values (strings borrowed for the
 * duration of the call, NULL where the value is absent; record payloads,
 * which are canonical JSON text, stay text).  A callback returning
 * non-zero stops the listing, and that value is returned.  Unless its
 * comment says otherwise, a callback must not call the store.  The
 * library builds every public JSON document from these rows, so every
 * store prints the same bytes.
 */
#ifndef FERRY_STORE_H
#define FERRY_STORE_H

#include "handle.h"
#include "str.h"
#include "values.h"

#include <stdint.h>

/* ---- the database ---------------------------------------------------- */

int ferry_store__create(ferry_db *db, const char *path, const char *id,
	const char *name, const char *now);
int ferry_store__open(ferry_db *db, const char *path);
void ferry_store__close(ferry_db *db);
int ferry_store__schema_version(ferry_db *db, int *out);

/* Transactions nest: only the outermost begin/commit reach the
 * database. */
int ferry_store__begin(ferry_db *db);
/* A read transaction: one consistent snapshot without the write lock, so
 * it runs beside a writer and on a read-only instance.  Ends with
 * ferry_store__end() like any other; nested in a write, it is that. */
int ferry_store__begin_read(ferry_db *db);
int ferry_store__commit(ferry_db *db);
void ferry_store__rollback(ferry_db *db);
/* Finish a call's transaction: commit if error is 0, else roll back.
 * Returns error, or the commit's failure. */
int ferry_store__end(ferry_db *db, int error);

/* The database library's version ferry was built against and the one it
 * runs with. */
void ferry_store__library_versions(const char **built, const char **running);

/* What a backup file holds (ferry_store__backup_inspect). */
typedef struct {
	char id[40];		/* the instance's id */
	char name[208];		/* the instance's name */
	int schema_version;
} ferry_backup_info;

/*
 * Read a backup file without changing it: whole (the database's own
 * integrity check), a ferry instance, which one.  FERRY_EFORMAT with
 * the message when it is cut off, damaged or not an instance.
 */
int ferry_store__backup_inspect(ferry_db *db, const char *path,
	ferry_backup_info *out);
/* Copy a backup over the open instance in one transaction, then bring
 * its schema up to date.  Call outside a transaction. */
int ferry_store__restore(ferry_db *db, const char *path);

/* Copy the whole instance to path, consistently, while it stays open. */
int ferry_store__backup(ferry_db *db, const char *path);

/* ---- functions the library lends the store ------------------------------ */

/*
 * The library's rules that the store's set-wise statements call by name
 * (ferry_fits(), ferry_version_hash(), ...; src/lib/functions.c has the
 * list).  Their bodies live in the library; a backend only carries them
 * out: SQLite registers each as an SQL function, a backend that cannot
 * run C inside its queries evaluates the same callbacks on the rows it
 * reads.  A callback reads its arguments and sets its result through the
 * ferry_store__arg_*() and ferry_store__result_*() calls below and
 * nothing else, so it never sees the backend; with no result set, the
 * result is NULL.
 */
typedef struct ferry_store_call ferry_store_call;

typedef struct {
	const char *name;	/* the name statements call it by */
	int nargs;		/* how many arguments it takes */
	void (*fn)(ferry_store_call *call);
} ferry_store_function;

/* What an argument holds. */
typedef enum {
	FERRY_STORE_NULL = 0,
	FERRY_STORE_INT,
	FERRY_STORE_REAL,
	FERRY_STORE_TEXT,
	FERRY_STORE_BLOB
} ferry_store_type;

/*
 * Make the n functions of fns callable in this instance's statements
 * (all deterministic; fns must outlive the handle).  Call once, after
 * ferry_store__open() or ferry_store__create().
 */
int ferry_store__functions(ferry_db *db, const ferry_store_function *fns,
	size_t n);
ferry_store_type ferry_store__arg_type(ferry_store_call *call, int i);
/* Argument i as text (numbers as their text) and its length in bytes,
 * or NULL for NULL.  Valid until the callback returns. */
const char *ferry_store__arg_text(ferry_store_call *call, int i,
	size_t *len);
int64_t ferry_store__arg_int(ferry_store_call *call, int i);
double ferry_store__arg_real(ferry_store_call *call, int i);
/*
 * What the callback derived from argument i (a parsed type, say), kept
 * for the next calls of the same statement while that argument stays
 * the same; NULL when there is none.  ferry_store__keep() hands p over
 * (free_fn frees it, maybe at once) and returns it, or NULL if it was
 * not kept (then it is freed already).
 */
void *ferry_store__kept(ferry_store_call *call, int i);
void *ferry_store__keep(ferry_store_call *call, int i, void *p,
	void (*free_fn)(void *));
void ferry_store__result_int(ferry_store_call *call, int64_t v);
/* The text is copied. */
void ferry_store__result_text(ferry_store_call *call, const char *s,
	size_t len);
/* The call fails for want of memory (the statement stops). */
void ferry_store__result_nomem(ferry_store_call *call);

/* ---- instance, users, properties -------------------------------------- */

int ferry_store__instance(ferry_db *db, ferry_str *id, ferry_str *name);

/* The parts an instance's size is told by (ferry info --sizes). */
typedef enum {
	FERRY_PART_RECORDS = 0,	/* the user entities' rows */
	FERRY_PART_CATALOG,	/* entities, fields, associated objects */
	FERRY_PART_VERSIONS,	/* every record version */
	FERRY_PART_PACKS,	/* local packs and their items */
	FERRY_PART_STAGING,	/* imports' staged items */
	FERRY_PART_IMPORTS,	/* imports' plans, problems, resolutions */
	FERRY_PART_DEFINITIONS,	/* formulas and data sets */
	FERRY_PART_ACCESS,	/* users, tokens, sessions, keys, trust */
	FERRY_PART_AUDIT,	/* the audit log */
	FERRY_PART_OTHER,	/* the instance, properties, the schema */
	FERRY_PART_FREE,	/* space free for reuse */
	FERRY_PARTS
} ferry_size_part;

typedef struct {
	int64_t data[FERRY_PARTS];	/* bytes of rows (and free space) */
	int64_t index[FERRY_PARTS];	/* bytes of indexes */
	int64_t total;		/* the database: every part, free space too */
	int64_t log;		/* its write-ahead log beside it, 0 if none */
	int64_t page_size;
	int by_part;		/* 0: this database cannot tell the parts
				 * but free space; data[FERRY_PART_OTHER]
				 * then holds the rest */
} ferry_sizes;

/* The instance's size by part (inside a transaction: one snapshot). */
int ferry_store__sizes(ferry_db *db, ferry_sizes *out);

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
/* A user as listed: current_pack is the name of the user's pack. */
typedef struct {
	const char *name;
	int admin;
	const char *tz;
	const char *current_pack;
} ferry_user_entry;

typedef int (*ferry_user_cb)(const ferry_user_entry *u, void *payload);

/* Every user, by name. */
int ferry_store__user_each(ferry_db *db, ferry_user_cb cb, void *payload);

int ferry_store__property_set(ferry_db *db, const char *key,
	const char *value);
/* FERRY_ENOTFOUND when unset (no message set: callers word it). */
int ferry_store__property_get(ferry_db *db, const char *key, ferry_str *out);
typedef int (*ferry_property_cb)(const char *key, const char *value,
	void *payload);

/* Every property, by key. */
int ferry_store__property_each(ferry_db *db, ferry_property_cb cb,
	void *payload);

/* ---- passwords, tokens, sessions, audit (store/auth.c) ---------------- */

/* A user's password hash; "" when none is set.  FERRY_ENOTFOUND for an
 * unknown user. */
int ferry_store__password_get(ferry_db *db, const char *user,
	char *out, size_t size);
int ferry_store__password_set(ferry_db *db, const char *user,
	const char *hash);

typedef struct {
	int64_t id;
	char user[128];
	int revoked;
	int64_t last_used;	/* UTC seconds, 0 never */
} ferry_token_row;

int ferry_store__token_insert(int64_t *id, ferry_db *db, const char *user,
	const char *label, const char *hash, const char *now);
/* The token with that hash (revoked ones too).  FERRY_ENOTFOUND. */
int ferry_store__token_by_hash(ferry_db *db, const char *hash,
	ferry_token_row *out);
int ferry_store__token_by_id(ferry_db *db, int64_t id, ferry_token_row *out);
int ferry_store__token_used(ferry_db *db, int64_t id, const char *now);
int ferry_store__token_revoke(ferry_db *db, int64_t id, const char *now);
/* A live token as listed. */
typedef struct {
	int64_t id;
	const char *user;
	const char *label;
	const char *created_at;
	const char *last_used_at;	/* NULL: never used */
} ferry_token_entry;

typedef int (*ferry_token_cb)(const ferry_token_entry *t, void *payload);

/* Live (not revoked) tokens by id; user NULL: everyone's. */
int ferry_store__token_each(ferry_db *db, const char *user,
	ferry_token_cb cb, void *payload);

int ferry_store__session_insert(ferry_db *db, const char *hash,
	const char *user, const char *csrf, const char *address,
	const char *now, int64_t expires_at);
/* The live session with that hash: its user and CSRF token. */
int ferry_store__session_get(ferry_db *db, const char *hash, int64_t now,
	char *user, size_t user_size, char *csrf, size_t csrf_size);
int ferry_store__session_delete(ferry_db *db, const char *hash);
int ferry_store__session_purge(ferry_db *db, int64_t now);

/* Failed logins of a user name from an address: count and last time
 * (0, 0 when none). */
int ferry_store__login_failures(ferry_db *db, const char *user,
	const char *address, int64_t *failures, int64_t *last_at);
int ferry_store__login_failed(ferry_db *db, const char *user,
	const char *address, int64_t now);
int ferry_store__login_clear(ferry_db *db, const char *user,
	const char *address);

int ferry_store__audit_insert(ferry_db *db, const char *at, const char *user,
	const char *address, const char *operation, const char *object,
	const char *outcome);
/* An entry of the audit log. */
typedef struct {
	int64_t id;
	const char *at;
	const char *user;	/* NULL: nobody signed in */
	const char *address;
	const char *operation;
	const char *object;
	const char *outcome;
} ferry_audit_entry;

typedef int (*ferry_audit_cb)(const ferry_audit_entry *a, void *payload);

/* The entries filtered by user and time (NULL: any): their number in
 * *total, then the page (limit 0: all) newest first, each to cb. */
int ferry_store__audit_each(ferry_db *db, const char *user,
	const char *since, int64_t limit, int64_t offset, int64_t *total,
	ferry_audit_cb cb, void *payload);

/* ---- signing keys and the trust list (keys.c) --------------------------- */

/* A public key: the instance's own (by = created_by, at = created_at) or
 * a trusted one (name set; by = added_by, at = added_at). */
typedef struct {
	char name[128];
	char public_key[64];
	char fingerprint[64];
	char by[128];
	char at[32];
} ferry_key_row;

/* The instance's current key; FERRY_ENOTFOUND (no message) if none. */
int ferry_store__key_current(ferry_db *db, ferry_key_row *out);
/* Retire the current key (if any) and record a new current one. */
int ferry_store__key_replace(ferry_db *db, const char *public_key,
	const char *fingerprint, const char *by, const char *now);
/* A trusted key by name or by public key; FERRY_ENOTFOUND (no message). */
int ferry_store__trust_by_name(ferry_db *db, const char *name,
	ferry_key_row *out);
int ferry_store__trust_by_key(ferry_db *db, const char *public_key,
	ferry_key_row *out);
int ferry_store__trust_insert(ferry_db *db, const ferry_key_row *row);
int ferry_store__trust_delete(ferry_db *db, const char *name);
/* A trusted key as listed. */
typedef struct {
	const char *name;
	const char *public_key;
	const char *fingerprint;
	const char *added_by;
	const char *added_at;
} ferry_trust_entry;

typedef int (*ferry_trust_cb)(const ferry_trust_entry *t, void *payload);

/* The trust list by name. */
int ferry_store__trust_each(ferry_db *db, ferry_trust_cb cb, void *payload);

/* ---- catalog ------------------------------------------------------------ */

/*
 * A schema batch, inside the caller's transaction: the tables it creates
 * are made at its end, each at once with every column added to it
 * meanwhile, instead of one change of the table per field (which a
 * store may find slow: SQLite reparses its whole schema each time).
 * Between begin and
 * end nothing may read or write the rows of a table the batch creates.
 * end with error < 0 drops what is pending and returns error.
 */
void ferry_store__schema_batch_begin(ferry_db *db);
int ferry_store__schema_batch_end(ferry_db *db, int error);
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
/* Load the fields of a user entity from sys_field, ordered by name: the
 * type's text only (type_text); the caller parses it (types.h). */
int ferry_store__fields_load(ferry_db *db, const char *entity,
	ferry_fieldset *out);
/* An entity of the catalog as listed. */
typedef struct {
	const char *name;
	const char *display;		/* may be NULL */
	const char *description;	/* may be NULL */
	int64_t fields;			/* how many fields it has */
} ferry_entity_entry;

typedef int (*ferry_entity_cb)(const ferry_entity_entry *e, void *payload);

/* The entities of the catalog by name, or (name not NULL) that one:
 * FERRY_ENOTFOUND (no message) when there is no such entity. */
int ferry_store__entity_each(ferry_db *db, const char *name,
	ferry_entity_cb cb, void *payload);
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
/*
 * The first record that refers to entity's record sys_id through a
 * ref(entity) field: its entity, field and sys_id go into who as
 * "entity.field sys_id".  FERRY_ENOTFOUND (no message) when none does.
 */
int ferry_store__record_referrer(ferry_db *db, const char *entity,
	const char *sys_id, ferry_str *who);
/* A condition of ferry_store__record_query(): column = value. */
typedef struct {
	const char *column;	/* a field or a system column */
	ferry_value value;	/* as stored */
} ferry_record_cond;

/* A record as listed: its system columns and its values. */
typedef struct {
	const char *sys_id;
	const char *policy;		/* open, changed, protected */
	int vendor;
	const char *version;		/* hash of the current version */
	const char *created_at, *created_by;
	const char *updated_at, *updated_by;
	/* values[i] belongs to fs->fields[i], as stored; the values and
	 * their text are borrowed for the callback (never freed). */
	const ferry_value *values;
} ferry_record_entry;

typedef int (*ferry_record_entry_cb)(const ferry_record_entry *r,
	void *payload);

/*
 * The records matching every condition, ordered by sys_id, skipping
 * offset and at most limit (0: all), each to cb in turn (streamed: one
 * row in memory at a time).  The callback may call the store.
 */
int ferry_store__record_query(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n,
	uint64_t limit, uint64_t offset, ferry_record_entry_cb cb,
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
/* A version of a record as its history lists it. */
typedef struct {
	const char *hash;
	const char *parent;	/* the previous version's hash, or NULL */
	const char *action;	/* insert, update, delete */
	const char *author;
	const char *at;
	const char *pack;	/* the capturing pack's name, or NULL */
	const char *source;	/* local, restore, import */
	int64_t import_id;	/* the import that wrote it, or 0 */
	const char *policy;
	const char *payload;	/* canonical JSON text */
	size_t payload_len;
} ferry_version_entry;

typedef int (*ferry_version_cb)(const ferry_version_entry *v,
	void *payload);

/* The versions of a record, oldest first. */
int ferry_store__version_each(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_cb cb, void *payload);

/* ---- packs ------------------------------------------------------------ */

typedef struct {
	int64_t id;
	char uid[40];
	char name[256];
	ferry_pack_state state;
	int is_default;
	char completed_at[32];	/* "" while in progress */
	char exported_at[32];	/* "" until first exported */
	/* The description has no length limit: read it whole with
	 * ferry_store__pack_description(), never into a fixed buffer. */
} ferry_pack_row;

/* A pack's description, whole ("" when it has none). */
int ferry_store__pack_description(ferry_db *db, int64_t id, ferry_str *out);
/* FERRY_ENOTFOUND (no message) when no such pack. */
int ferry_store__pack_get(ferry_db *db, const char *name, ferry_pack_row *out);
int ferry_store__pack_get_id(ferry_db *db, int64_t id, ferry_pack_row *out);
int ferry_store__pack_insert(ferry_db *db, const char *uid, const char *name,
	const char *description, int is_default, const char *by,
	const char *at, int64_t *id);
int ferry_store__pack_set_state(ferry_db *db, int64_t id,
	ferry_pack_state state, const char *completed_at);
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
/* A pack as listed. */
typedef struct {
	int64_t id;
	const char *name;
	const char *state;		/* in_progress, completed */
	int is_default;
	const char *description;
	const char *created_by;
	const char *created_at;
	const char *completed_at;	/* NULL while in progress */
	const char *exported_at;	/* NULL until first exported */
	/* Counts, filled when listing every pack (0 for one pack): record
	 * items, definition items, record items out of date. */
	int64_t records, definitions, out_of_date;
} ferry_pack_entry;

typedef int (*ferry_pack_cb)(const ferry_pack_entry *p, void *payload);

/* Every pack in creation order with its counts, or (id not 0) that one
 * without them: FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__pack_each(ferry_db *db, int64_t id, ferry_pack_cb cb,
	void *payload);
int ferry_store__pack_rename(ferry_db *db, int64_t id, const char *name);
/*
 * Note that a pack was exported (the first time counts), from inside an
 * export's read transaction.  *recorded is 0, and no error, when the
 * instance cannot be written now (another writer holds it, a snapshot
 * gone stale, a read-only file): the export itself is a reader.
 */
int ferry_store__pack_exported(ferry_db *db, int64_t id, const char *at,
	int *recorded);
/* How many record and definition items a pack holds. */
int ferry_store__pack_count(ferry_db *db, int64_t id, int64_t *n);
/* Delete a pack and its items: its users go to pack `to`, its versions
 * keep their history without a pack. */
int ferry_store__pack_delete(ferry_db *db, int64_t id, int64_t to);
/*
 * Remove one record item (entity NULL: any entity; key its sys_id or its
 * identity key) or, with kind "formula"/"dataset", one definition item.
 * *removed counts the items that matched: 0 none (nothing removed), 2 or
 * more ambiguous (nothing removed).
 */
int ferry_store__pack_remove(ferry_db *db, int64_t id, const char *kind,
	const char *entity, const char *key, int *removed);
/* A record item of a pack. */
typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;	/* the identity key of its version */
	const char *action;	/* effective over the pack: insert, update,
				 * delete (as export writes it) */
	const char *version;	/* the hash of its version in the pack */
	int out_of_date;	/* the record has a later version */
} ferry_pack_item_entry;

typedef int (*ferry_pack_item_cb)(const ferry_pack_item_entry *it,
	void *payload);
typedef int (*ferry_pack_definition_cb)(const char *kind, const char *name,
	int version, void *payload);

/* The record items of a pack by entity and sys_id. */
int ferry_store__pack_items_each(ferry_db *db, int64_t pack_id,
	ferry_pack_item_cb cb, void *payload);
/* The formula and data set items of a pack by kind and name. */
int ferry_store__pack_definitions_each(ferry_db *db, int64_t pack_id,
	ferry_pack_definition_cb cb, void *payload);
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
	const char *base_payload; /* the base's payload, for an update */
	size_t base_payload_len;
	int out_of_date;	/* the record has a later version */
} ferry_export_row;

typedef int (*ferry_export_cb)(const ferry_export_row *row, void *payload);

/* The record items of a pack in file order (entity, sys_id). */
int ferry_store__export_rows(ferry_db *db, int64_t pack_id,
	ferry_export_cb cb, void *payload);
/* The entities a pack's record items use (system ones too), by name. */
int ferry_store__pack_entities(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *entity, void *payload), void *payload);
/* The formula and data set items of a pack, each as a finished item line
 * (docs/format.md, section 5), in (kind, name) order. */
int ferry_store__definition_items(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload),
	void *payload);

/* ---- definitions ---------------------------------------------------- */

/*
 * One version of a formula or data set as stored.  signature holds the
 * canonical JSON of the inputs (data sets: columns), outputs the
 * canonical JSON of the output steps ("[]" for data sets); parent and
 * master are empty when unset.  Init before use, dispose after.
 */
typedef struct {
	int version;
	char status[8];			/* draft, active, closed */
	char start_date[11];		/* YYYY-MM-DD */
	ferry_str signature;
	ferry_str outputs;
	ferry_str body;
	ferry_str parent;
	ferry_str master;
	char created_by[128];
} ferry_definition_row;

void ferry_store__definition_row_init(ferry_definition_row *row);
void ferry_store__definition_row_dispose(ferry_definition_row *row);

/* The id of a definition; FERRY_ENOTFOUND (no message) when none. */
int ferry_store__definition_find(ferry_db *db, const char *kind,
	const char *name, int64_t *id);
int ferry_store__definition_insert(ferry_db *db, const char *kind,
	const char *name, const char *at, int64_t *id);
/* A version an import deployed of definition `name` (or of a name an
 * import renamed it to, "<name>_...") with exactly this signature,
 * outputs and body, in force from `start` (a YYYY-MM-DD) on: its name
 * and version; FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__definition_same(ferry_db *db, const char *kind,
	const char *name, const char *signature, const char *outputs,
	const char *body, const char *start, ferry_str *found, int *version);
/* Remove a definition that has no versions left. */
int ferry_store__definition_remove(ferry_db *db, int64_t id);
/* A version (0: the latest); FERRY_ENOTFOUND (no message) when none. */
int ferry_store__definition_version_get(ferry_db *db, int64_t id,
	int version, ferry_definition_row *row);
/* The highest version with that status, or 0 in *version. */
int ferry_store__definition_version_with(ferry_db *db, int64_t id,
	const char *status, int *version);
/* Insert row (its version number set); import_id 0 for a local one. */
int ferry_store__definition_version_insert(ferry_db *db, int64_t id,
	const ferry_definition_row *row, const char *by, const char *at,
	int64_t import_id);
int ferry_store__definition_version_set_status(ferry_db *db, int64_t id,
	int version, const char *status);
/* Delete a version; *left receives how many versions remain. */
int ferry_store__definition_version_delete(ferry_db *db, int64_t id,
	int version, int *left);
/* The name of a completed pack holding that version; FERRY_ENOTFOUND
 * (no message) when none does. */
int ferry_store__definition_completed_pack(ferry_db *db, const char *kind,
	const char *name, int version, ferry_str *pack);
/* Drop that version from every pack that holds it. */
int ferry_store__definition_unpack(ferry_db *db, const char *kind,
	const char *name, int version);
/* A formula or data set as listed. */
typedef struct {
	int64_t id;
	const char *kind;	/* formula, dataset */
	const char *name;
	const char *created_at;
	int64_t versions;	/* how many it has */
	/* The highest version, the highest active and the highest draft
	 * one; 0 when there is none (versions count from 1). */
	int latest, active, draft;
} ferry_definition_entry;

typedef int (*ferry_definition_cb)(const ferry_definition_entry *d,
	void *payload);

/* The definitions of a kind by name, or (id not 0) that one. */
int ferry_store__definition_each(ferry_db *db, const char *kind,
	int64_t id, ferry_definition_cb cb, void *payload);

/* A version of a formula or data set as listed. */
typedef struct {
	int version;
	const char *status;		/* draft, active, closed */
	const char *start_date;		/* YYYY-MM-DD */
	const char *signature;		/* canonical JSON: inputs, columns */
	const char *outputs;		/* canonical JSON: output steps */
	const char *body;
	const char *parent, *master;	/* NULL when unset */
	const char *created_by, *created_at;
	int64_t import_id;		/* the import that deployed it, or 0 */
} ferry_definition_version_entry;

typedef int (*ferry_definition_version_cb)(
	const ferry_definition_version_entry *v, void *payload);

/* The versions of definition id, in order. */
int ferry_store__definition_versions_each(ferry_db *db, int64_t id,
	ferry_definition_version_cb cb, void *payload);

/* ---- entity packs ---------------------------------------------------- */

/* One associated object of an entity, as a listing hands it out.  The
 * strings are borrowed for the duration of the callback. */
typedef struct {
	const char *sys_id;
	const char *name;
	const char *definition;	/* canonical JSON text, or NULL */
	const char *policy;	/* open, changed, protected */
} ferry_object_row;

/* Return non-zero to stop; that value is returned. */
typedef int (*ferry_object_cb)(const ferry_object_row *row, void *payload);

/* The objects of `entity` held in the system entity `table`
 * (sys_form_template, ...), by name in byte order. */
int ferry_store__objects_each(ferry_db *db, const char *table,
	const char *entity, ferry_object_cb cb, void *payload);
/* The object of `table` keyed (entity, name): its system columns.
 * FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__object_find(ferry_db *db, const char *table,
	const char *entity, const char *name, ferry_record_meta *out);
/* 1 if the sys_field record of identity key rkey (identity.h) was ever
 * deleted in this instance (it has a delete version), else 0. */
int ferry_store__field_deleted(ferry_db *db, const char *rkey);

/* ---- imports ---------------------------------------------------------- */

/*
 * The import pipeline's SQL (src/lib/store/imports*.c; docs/import.md
 * for the rules).  Items are staged
 * in ferry_import_item by load and never changed; preview rebuilds
 * ferry_import_plan (one narrow row per item) and ferry_import_problem
 * set-wise, entity by entity, with SQLite's JSON functions and the
 * functions the library lends (below); commit applies clean inserts and
 * updates of user entities set-wise and hands everything else to the
 * write path one item at a time.
 *
 * The SQL functions the statements call (ferry_fits(), ...) are the
 * library's, lent to the store at open (src/lib/functions.c).
 */

/* Item kinds of the plan iterators (ferry_store__import_next). */
#define FERRY_IMPORT_WRITES 1	/* act insert, update or merge, not fast */
#define FERRY_IMPORT_DELETES 2	/* act delete */

/* Problem kinds an "accept" cannot resolve (comma-separated). */
#define FERRY_IMPORT_NOT_ACCEPTABLE "formula_draft_exists,missing_entity," \
	"missing_field,missing_reference,still_referenced,type_mismatch"

/* An import as its row says. */
typedef struct {
	int64_t id;
	char state[16];		/* loaded previewed committed backed_out */
	char mode[16];		/* pack, application */
	char stamp[72];
	char pack_uid[40];
	int64_t items;
} ferry_import_row;

/* A new import (load). */
typedef struct {
	const char *file;
	const char *header;	/* the header line */
	const char *kind, *mode;
	const char *pack_uid, *pack_name;
	const char *source_id, *source_name;	/* may be NULL */
	const char *by, *at;
} ferry_import_new;

/*
 * One staged item with its plan and resolution.  Strings are owned by
 * the row (ferry_import_item_dispose); absent values are NULL.
 */
typedef struct {
	int64_t item;
	char *t, *entity, *sys_id, *rkey, *action, *version, *base, *policy;
	int vendor;
	char *payload, *old, *body;
	size_t body_len;
	char *target_id, *target_version, *target_policy;
	char *decision, *act, *resolution, *merged;
	int whole;		/* accepted with --whole */
} ferry_import_item;

void ferry_import_item_dispose(ferry_import_item *it);

/* PRAGMA data_version: changes when another connection commits. */
int ferry_store__data_version(ferry_db *db, int64_t *out);

/* FERRY_ENOTFOUND (no message) when there is no such import. */
int ferry_store__import_get(ferry_db *db, int64_t id, ferry_import_row *out);
int ferry_store__import_create(ferry_db *db, const ferry_import_new *n,
	int64_t *id);
/* Stages the item lines of one load with one prepared statement. */
typedef struct ferry_import_stager ferry_import_stager;

int ferry_store__import_stager_new(ferry_import_stager **out, ferry_db *db,
	int64_t id);
void ferry_store__import_stager_free(ferry_import_stager *s);
/* Why a line cannot be staged (ferry_store__import_stage). */
enum {
	FERRY_STAGE_TOO_LONG = 1,
	FERRY_STAGE_NOT_JSON,
	FERRY_STAGE_REPEATED	/* a record of an earlier item again */
};

/*
 * Stage one item line (item counts from 1).  0, a FERRY_STAGE_* code
 * (no message set: the library words it) or a negative error.
 */
int ferry_store__import_stage(ferry_import_stager *s, int64_t item,
	const char *line, size_t len);
/* Declare a field for the checks: scope 0 as the package declares it,
 * scope 1 as the target will have it. */
int ferry_store__import_field(ferry_db *db, int64_t id, int scope,
	const char *entity, const char *name, const char *type);
/*
 * Check every staged item set-wise (docs/import.md, "Load").  Returns 0
 * when all pass, 1 with the first bad item and the fact that refuses it
 * ([code, value...], worded by the library), or a negative code.
 */
int ferry_store__import_check(ferry_db *db, int64_t id, int64_t *item,
	ferry_str *fact);
/* As ferry_store__import_check(), for the payload values of one
 * entity's records against its declared fields fs (scope 0). */
int ferry_store__import_check_values(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int64_t *item,
	ferry_str *why);
/* The last committed import of the same pack before id: 0 in *prev
 * when there is none. */
int ferry_store__import_previous(ferry_db *db, int64_t id,
	const char *pack_uid, int64_t *prev, ferry_str *stamp);
int ferry_store__import_loaded(ferry_db *db, int64_t id, const char *stamp,
	int64_t items, int64_t previous);
/*
 * Update-set mode (packages without base versions): each ordinary
 * record item's base becomes the version of that record that last
 * arrived by import in this instance, or stays null.  Preview then
 * takes a record the target has not changed since as a clean update and
 * reports one it has changed as a local change.
 */
int ferry_store__import_last_arrived(ferry_db *db, int64_t id);
/*
 * Delete by query (imports_query.c): the records of entity whose fields
 * equal the values (fields[i] = values[i], all of them), protected
 * records left out; counted, or each sys_id handed to cb in order.
 */
int ferry_store__query_count(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int64_t *count);
int ferry_store__query_each(ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int (*cb)(const char *sys_id, void *payload), void *payload);
/* The load document: {id, stamp, items, kind, mode, pack, source,
 * previous}. */
int ferry_store__import_load_doc(ferry_db *db, int64_t id, ferry_str *json);

/* The distinct entities of record items, by name. */
int ferry_store__import_entities(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, void *payload), void *payload);
/*
 * Staged items, in item order, of type t (and entity, unless NULL),
 * without their plan.  The row lives for the callback; the callback may
 * write anything but ferry_import_item.
 */
int ferry_store__import_items_each(ferry_db *db, int64_t id, const char *t,
	const char *entity, int (*cb)(const ferry_import_item *it,
	void *payload), void *payload);
/* Record items that change a record the target has, or that changed on
 * both sides (local_change, same_change), in item order, with their
 * plan; as ferry_store__import_items_each(). */
int ferry_store__import_changed_each(ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload);
/* The fields of entity in scope 0 (as the package declares them) or 1
 * (as the target will have them), by name. */
int ferry_store__import_fields_load(ferry_db *db, int64_t id, int scope,
	const char *entity, ferry_fieldset *out);
/* The next formula or data set item after item number `after`;
 * FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__import_next_definition(ferry_db *db, int64_t id,
	int64_t after, ferry_import_item *out);
/* One item; FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__import_item_get(ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out);

/* ---- preview ---- */

/*
 * What the store knows of a record item against the target: the facts
 * the library's decision table and protection matrix read
 * (import_decide.c).  The store evaluates a table set-wise: the first
 * row whose `all` facts hold and none of whose `none` facts hold gives
 * its result.
 */
typedef enum {
	FERRY_FACT_PRESENT = 1u << 0,	/* the target has the record */
	FERRY_FACT_SAME = 1u << 1,	/* ...with the package's version or
					 * content */
	FERRY_FACT_INSERT = 1u << 2,	/* the item's action */
	FERRY_FACT_UPDATE = 1u << 3,
	FERRY_FACT_DELETE = 1u << 4,
	FERRY_FACT_HAS_BASE = 1u << 5,	/* the item names a base version */
	FERRY_FACT_AT_BASE = 1u << 6,	/* the target is at that version */
	FERRY_FACT_FIELDS = 1u << 7,	/* compared field by field: the
					 * package has base values */
	FERRY_FACT_CONFLICT = 1u << 8,	/* a field changed on both sides,
					 * to different values */
	FERRY_FACT_SAME_FIELDS = 1u << 9,	/* ...or to the same */
	FERRY_FACT_MERGE = 1u << 10,	/* the plan's decision (problems) */
	FERRY_FACT_SKIP = 1u << 11,
	FERRY_FACT_NO_ENTITY = 1u << 12,	/* a missing_entity problem */
	FERRY_FACT_TARGET_PROTECTED = 1u << 13,	/* the target's policy */
	FERRY_FACT_TARGET_CHANGED = 1u << 14,
	FERRY_FACT_PACKAGE_PROTECTED = 1u << 15,	/* the item's */
	FERRY_FACT_PACKAGE_OPEN = 1u << 16,
	FERRY_FACT_NOT_RECORD = 1u << 17,	/* a catalog record or an item
						 * of another kind */
	FERRY_FACT_ACCEPTED = 1u << 18,	/* the item's resolution (acts) */
	FERRY_FACT_SKIPPED = 1u << 19,
	FERRY_FACT_MERGED = 1u << 20,
	FERRY_FACT_WHOLE = 1u << 21	/* accepted --whole */
} ferry_record_fact;

typedef struct {
	unsigned all, none;	/* ferry_record_fact bits */
	const char *then;	/* a decision or act (NULL: the plan's
				 * decision), or a problem's fact code */
	const char *kind, *severity;	/* the problem's (NULL for a
					 * decision) */
} ferry_decision_rule;

typedef struct {
	const ferry_decision_rule *rows;
	size_t n;
} ferry_decision_table;

/* Forget the previous plan, problems and target fields of an import. */
int ferry_store__import_plan_reset(ferry_db *db, int64_t id);
/*
 * Plan the record items of one entity set-wise: find each record in the
 * target (by sys_id; with by_name, associated objects by entity and
 * name, then by sys_id), compare versions and run the field-level
 * three-way check against the live row.  fs is the target's fields, NULL when the
 * target has no such entity (every item is then an insert or a skip).
 */
int ferry_store__import_plan_records(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int by_name,
	const ferry_decision_table *decide);
/* Plan one item (catalog, formula and unknown items). */
int ferry_store__import_plan_put(ferry_db *db, int64_t id, int64_t item,
	const char *target_id, const char *target_version,
	const char *decision, const char *detail);
/* Plan the items nothing else plans: items of kinds this ferry does
 * not know are skipped with an unknown_item note (docs/format.md,
 * section 10); schema items are only checked and get no plan. */
int ferry_store__import_plan_rest(ferry_db *db, int64_t id);
/*
 * Add a problem with its facts: a JSON array of facts, each [code,
 * value...] (the library words them, import_facts.c); a second problem
 * of the same kind on an item adds its facts to the first's.
 */
int ferry_store__import_problem_put(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const char *facts);
/* The problems that versions and policies decide, for every record:
 * each table (import_decide.c) gives an item at most one problem, with
 * the facts [code, entity, key, sys_id, policy, conflicting fields,
 * fields the package changes, fields changed alike]. */
int ferry_store__import_problems_records(ferry_db *db, int64_t id,
	const ferry_decision_table tables[3]);
/* missing_entity for every record item of entity. */
int ferry_store__import_problems_entity(ferry_db *db, int64_t id,
	const char *entity, const char *facts);
/* What the values of one field need checking for, in the target. */
typedef enum {
	FERRY_CHECK_MISSING = 1,	/* the target lacks the field */
	FERRY_CHECK_TYPE,		/* its type may refuse a value */
	FERRY_CHECK_REF			/* a ref: its record must exist */
} ferry_value_check;

/*
 * missing_field, type_mismatch or missing_reference (as check says) for
 * the values of entity.field that the import writes (for a merge, only
 * if the package changed the field), against target, the field as the
 * target will have it (unused for FERRY_CHECK_MISSING).  A reference is
 * missing when its record is neither in the target (and kept) nor
 * written by the import.  One pass over the entity's items, one JSON
 * extraction per item; problems of one kind for several fields of an
 * item are joined.
 */
int ferry_store__import_problems_field(ferry_db *db, int64_t id,
	const char *entity, const char *field, ferry_value_check check,
	const ferry_field *target);
/* Target fields entity.field of type ref(ref_entity) where the import
 * deletes ref_entity records. */
int ferry_store__import_referrers(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, const char *field,
	const char *ref_entity, void *payload), void *payload);
/* still_referenced warnings: deletes of ref_entity records that
 * entity.field still refers to and the package does not change. */
int ferry_store__import_problems_referenced(ferry_db *db, int64_t id,
	const char *entity, const char *field, const char *ref_entity);
/* Items with errors that no resolution answers yet: how many, and
 * (unless items is NULL) a JSON array of their numbers. */
int ferry_store__import_unresolved(ferry_db *db, int64_t id,
	int64_t *count, ferry_str *items);
/* Drop a loaded or previewed import and everything staged for it. */
int ferry_store__import_discard(ferry_db *db, int64_t id);
int ferry_store__import_set_state(ferry_db *db, int64_t id,
	const char *state, const char *by, const char *at,
	const char *backup);
/* Drop what a committed import staged but its history: each item keeps
 * its number, kind, entity, sys_id, identity key and action. */
int ferry_store__import_unstage(ferry_db *db, int64_t id);
/*
 * Remember that the plan is current (current 1) or forget it (0, after a
 * resolution).  ferry_store__import_plan_current() then says whether
 * nothing a plan depends on changed since: records and the catalog (every
 * change writes a version), formulas and data sets.
 */
int ferry_store__import_mark_plan(ferry_db *db, int64_t id, int current);
int ferry_store__import_plan_current(ferry_db *db, int64_t id,
	int *current);
/* The preview's summary: {id, state, stamp, pack, items, actions:{...},
 * unresolved, problem_count}. */
int ferry_store__import_preview_doc(ferry_db *db, int64_t id,
	ferry_str *json);
/* Which problems to read: NULL members (and limit 0) for any. */
typedef struct {
	const char *severity, *kind, *entity;
	int64_t limit, offset;
} ferry_problem_filter;

/* One problem with its item's facts; strings live for the callback. */
typedef struct {
	int64_t item;
	const char *t, *entity, *sys_id, *key, *kind, *severity;
	const char *facts;	/* [[code, value...], ...] */
	const char *resolution, *action, *decision;	/* may be NULL */
	int whole;
} ferry_import_problem_row;

/* Each problem of an import that f keeps (f may be NULL), by item,
 * errors first.  Non-zero from cb stops and is returned. */
int ferry_store__import_problems_each(ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload);
/* {"kinds":{kind: count, ...}, "matched": count}: all problems by kind,
 * and the number f keeps. */
int ferry_store__import_problem_counts(ferry_db *db, int64_t id,
	const ferry_problem_filter *f, ferry_str *json);

/* ---- resolve ---- */

/* The first problem kind of item listed in kinds (comma-separated);
 * FERRY_ENOTFOUND (no message) when it has none. */
int ferry_store__import_problem_of(ferry_db *db, int64_t id, int64_t item,
	const char *kinds, ferry_str *kind);
int ferry_store__import_resolution_set(ferry_db *db, int64_t id,
	int64_t item, const char *resolution, const char *merged, int whole,
	const char *by, const char *at);
/* Back to unresolved. */
int ferry_store__import_resolution_clear(ferry_db *db, int64_t id,
	int64_t item);
/*
 * Resolve every item with an error or warning problem; with
 * not_kinds, items with a problem of those kinds are left, counted in
 * *left and listed (a JSON array of item numbers) in left_items.
 */
int ferry_store__import_resolve_all(ferry_db *db, int64_t id,
	const char *resolution, int whole, const char *not_kinds,
	const char *by, const char *at, int64_t *resolved, int64_t *left,
	ferry_str *left_items);
/* 1 if a record entity/sys_id exists in the target table (when table)
 * or is written by the import, else 0. */
int ferry_store__import_ref_exists(ferry_db *db, int64_t id,
	const char *entity, const char *sys_id, int table);

/* ---- commit ---- */

/* What each resolved item does: its decision (set by the plan) as its
 * resolution changes it, by the library's table (import_decide.c). */
int ferry_store__import_acts(ferry_db *db, int64_t id,
	const ferry_decision_table *acts);

/* How commit writes (the write options of records.h, set-wise). */
typedef struct {
	int64_t import_id;
	int application;	/* vendor records (application mode) */
	const char *user;
	const char *at;
} ferry_import_write;

/*
 * Apply the clean inserts (and with `updates`, the clean updates) of a
 * user entity set-wise: rows and versions straight from the staged
 * canonical payloads, whose hashes load verified.  fs is the entity's
 * fields.  check lists the fields whose values may not be in the stored
 * form of the target's type (a type_text of "" for a field the target
 * lacks): items with such values are left to the write path.  Updates
 * are only exact when every target field is one the package declares:
 * callers pass updates 0 otherwise.  *done counts the items applied.
 */
int ferry_store__import_fast(ferry_db *db, const ferry_import_write *w,
	const char *entity, const ferry_fieldset *fs,
	const ferry_fieldset *check, int updates, int64_t *done);
/* How many items of an import have that act. */
int ferry_store__import_act_count(ferry_db *db, int64_t id, const char *act,
	int64_t *n);
/*
 * The next record item of entity, in sys_id order after `after` (NULL:
 * from the first), that commit writes one by one (what:
 * FERRY_IMPORT_WRITES or FERRY_IMPORT_DELETES).  FERRY_ENOTFOUND (no
 * message) when there is none.  out is overwritten.
 */
int ferry_store__import_next(ferry_db *db, int64_t id, const char *entity,
	int what, const char *after, ferry_import_item *out);
/*
 * Give a record's newest version, written with hash `from`, the id `to`
 * instead: the package's version id for the very same content, so that
 * the target and the source agree on it (docs/import.md, "Version ids").
 */
int ferry_store__import_adopt(ferry_db *db, const char *entity,
	const char *sys_id, const char *from, const char *to);
/* Record what commit did with an item when its act does not say it
 * (a schema merge that kept a field, an update that changed nothing),
 * and the detail: the merge's reason, a definition's result. */
int ferry_store__import_outcome(ferry_db *db, int64_t id, int64_t item,
	const char *outcome, const char *detail);
/* {id, state, backup, outcomes:{...}, schema:[...], definitions:[...]}. */
int ferry_store__import_commit_doc(ferry_db *db, int64_t id,
	ferry_str *json);

/* ---- back out ---- */

/* A record version an import wrote, with what to restore. */
typedef struct {
	int64_t id;		/* the import's version */
	char entity[128];
	char sys_id[40];
	char action[8];
	int64_t latest;		/* the record's newest version now */
	int64_t parent;		/* the version before the import, or 0 */
	ferry_str parent_action;
	ferry_str parent_payload;
	char parent_hash[72];
	char parent_policy[16];
	int parent_vendor;
	int64_t item;		/* the import's item, 0 if not found */
} ferry_import_touched;

void ferry_import_touched_dispose(ferry_import_touched *t);
/* The next version after `after` that import id wrote (source
 * "import"); FERRY_ENOTFOUND (no message) when there is none. */
int ferry_store__import_touched_next(ferry_db *db, int64_t id,
	int64_t after, ferry_import_touched *out);
/* {id, state, restored, backed_out_at, problems:[...]} after a back
 * out; each problem has its facts, not yet its words. */
int ferry_store__import_backout_doc(ferry_db *db, int64_t id,
	int64_t restored, ferry_str *json);

/* ---- listing ---- */

int ferry_store__import_list(ferry_db *db, ferry_str *json);
int ferry_store__import_show(ferry_db *db, int64_t id, ferry_str *json);


#endif
