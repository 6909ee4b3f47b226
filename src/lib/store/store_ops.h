/*
 * store_ops.h - the operations of a store, each with what it does.
 *
 * Not a header to include for its declarations: store.h includes it
 * twice, once to declare the library's calls ferry_store__NAME() and
 * once to lay out struct ferry_store_backend, and a backend includes it
 * to declare its implementations and fill its table.  Each entry is one
 * of:
 *
 *   FERRY_STORE_OP(ret, NAME, (params), (args))    reached through db
 *   FERRY_STORE_VOID_OP(NAME, (params), (args))    the same, returning void
 *   FERRY_STORE_OWN_OP(ret, NAME, (params))        dispatched by hand in
 *                                                  dispatch.c: opening
 *                                                  picks the backend, a
 *                                                  lent function's call
 *                                                  carries its own
 *
 * The types are store.h's.  No include guard, on purpose.
 */

/* ---- the database --------------------------------------------------- */

FERRY_STORE_OWN_OP(int, create, (ferry_db *db, const char *path,
	const char *id, const char *name, const char *now))
FERRY_STORE_OWN_OP(int, open, (ferry_db *db, const char *path))
FERRY_STORE_VOID_OP(close, (ferry_db *db),
	(db))
FERRY_STORE_OP(int, schema_version, (ferry_db *db, int *out),
	(db, out))
/*
 * A step that reads or writes a large part of the instance (an import's
 * load and commit, a back out, an export: FERRY_BULK_WIDE; `record
 * load`: FERRY_BULK_APPEND) runs between bulk(db, kind) and bulk(db,
 * FERRY_BULK_OFF): the store may give it more memory, a bound that does
 * not grow with the data, and fit it to how the step uses the instance.
 * Every other step, and every handle of a server, keeps the small
 * default.  The library calls it (ferry__bulk_begin/end in db.h), not
 * nested.
 */
FERRY_STORE_OP(int, bulk, (ferry_db *db, ferry_bulk kind),
	(db, kind))
/*
 * 1 when a package's load should commit its staging on its own before
 * it checks and plans it (import_load.c): where that commit lets the
 * store work beside the rest of the load (SQLite copies the staging from
 * its log into the database file on another core: writeback.c).  0
 * where it would only open a window in which a crash leaves a loading
 * import (PostgreSQL): the load stays one transaction.
 */
FERRY_STORE_OP(int, commits_staging, (ferry_db *db),
	(db))
/* Transactions nest: only the outermost begin/commit reach the
 * database. */
FERRY_STORE_OP(int, begin, (ferry_db *db),
	(db))
/* A read transaction: one consistent snapshot without the write lock, so
 * it runs beside a writer and on a read-only instance.  Ends with
 * ferry_store__end() like any other; nested in a write, it is that. */
FERRY_STORE_OP(int, begin_read, (ferry_db *db),
	(db))
FERRY_STORE_OP(int, commit, (ferry_db *db),
	(db))
FERRY_STORE_VOID_OP(rollback, (ferry_db *db),
	(db))
/* Finish a call's transaction: commit if error is 0, else roll back.
 * Returns error, or the commit's failure. */
FERRY_STORE_OP(int, end, (ferry_db *db, int error),
	(db, error))
/*
 * Read a backup file without changing it: whole (the database's own
 * integrity check), a ferry instance, which one.  FERRY_EFORMAT with
 * the message when it is cut off, damaged or not an instance.
 */
FERRY_STORE_OP(int, backup_inspect, (ferry_db *db, const char *path,
	ferry_backup_info *out),
	(db, path, out))
/* Copy a backup over the open instance in one transaction, then bring
 * its schema up to date.  Call outside a transaction. */
FERRY_STORE_OP(int, restore, (ferry_db *db, const char *path),
	(db, path))
/* Copy the whole instance to path, consistently, while it stays open. */
FERRY_STORE_OP(int, backup, (ferry_db *db, const char *path),
	(db, path))

/* ---- functions the library lends the store -------------------------- */

/*
 * Make the n functions of fns callable in this instance's statements
 * (all deterministic; fns must outlive the handle).  Call once, after
 * ferry_store__open() or ferry_store__create().
 */
FERRY_STORE_OP(int, functions, (ferry_db *db, const ferry_store_function *fns,
	size_t n),
	(db, fns, n))
/* How many arguments the call has (a function of nargs -1 takes any). */
FERRY_STORE_OWN_OP(int, arg_count, (ferry_store_call *call))
FERRY_STORE_OWN_OP(ferry_store_type, arg_type, (ferry_store_call *call, int i))
/* Argument i as text (numbers as their text) and its length in bytes,
 * or NULL for NULL.  Valid until the callback returns. */
FERRY_STORE_OWN_OP(const char *, arg_text, (ferry_store_call *call, int i,
	size_t *len))
FERRY_STORE_OWN_OP(int64_t, arg_int, (ferry_store_call *call, int i))
FERRY_STORE_OWN_OP(double, arg_real, (ferry_store_call *call, int i))
/*
 * What the callback derived from argument i (a parsed type, say), kept
 * for the next calls of the same statement while that argument stays
 * the same; NULL when there is none.  ferry_store__keep() hands p over
 * (free_fn frees it, maybe at once) and returns it, or NULL if it was
 * not kept (then it is freed already).
 */
FERRY_STORE_OWN_OP(void *, kept, (ferry_store_call *call, int i))
FERRY_STORE_OWN_OP(void *, keep, (ferry_store_call *call, int i, void *p,
	void (*free_fn)(void *)))
FERRY_STORE_OWN_OP(void, result_int, (ferry_store_call *call, int64_t v))
FERRY_STORE_OWN_OP(void, result_real, (ferry_store_call *call, double v))
/* The text is copied. */
FERRY_STORE_OWN_OP(void, result_text, (ferry_store_call *call, const char *s,
	size_t len))
/* The call fails for want of memory (the statement stops). */
FERRY_STORE_OWN_OP(void, result_nomem, (ferry_store_call *call))

/* ---- instance, users, properties ------------------------------------ */

FERRY_STORE_OP(int, instance, (ferry_db *db, ferry_str *id, ferry_str *name),
	(db, id, name))
/* The instance's size by part (inside a transaction: one snapshot). */
FERRY_STORE_OP(int, sizes, (ferry_db *db, ferry_sizes *out),
	(db, out))
FERRY_STORE_OP(int, user_get, (ferry_db *db, const char *name,
	ferry_user_row *out),
	(db, name, out))
FERRY_STORE_OP(int, user_first_admin, (ferry_db *db, ferry_user_row *out),
	(db, out))
FERRY_STORE_OP(int, user_insert, (ferry_db *db, const char *name, int admin,
	const char *tz, int64_t pack, const char *now),
	(db, name, admin, tz, pack, now))
FERRY_STORE_OP(int, user_update, (ferry_db *db, const char *name,
	const char *tz, int admin),
	(db, name, tz, admin))
FERRY_STORE_OP(int, user_count_admins, (ferry_db *db, int64_t *out),
	(db, out))
FERRY_STORE_OP(int, user_set_pack, (ferry_db *db, const char *name,
	int64_t pack),
	(db, name, pack))
/* Every user, by name. */
FERRY_STORE_OP(int, user_each, (ferry_db *db, ferry_user_cb cb, void *payload),
	(db, cb, payload))
FERRY_STORE_OP(int, property_set, (ferry_db *db, const char *key,
	const char *value),
	(db, key, value))
/* FERRY_ENOTFOUND when unset (no message set: callers word it). */
FERRY_STORE_OP(int, property_get, (ferry_db *db, const char *key,
	ferry_str *out),
	(db, key, out))
/* Every property, by key. */
FERRY_STORE_OP(int, property_each, (ferry_db *db, ferry_property_cb cb,
	void *payload),
	(db, cb, payload))

/* ---- passwords, tokens, sessions, audit (sqlite/auth.c) ------------- */

/* A user's password hash; "" when none is set.  FERRY_ENOTFOUND for an
 * unknown user. */
FERRY_STORE_OP(int, password_get, (ferry_db *db, const char *user, char *out,
	size_t size),
	(db, user, out, size))
FERRY_STORE_OP(int, password_set, (ferry_db *db, const char *user,
	const char *hash),
	(db, user, hash))
FERRY_STORE_OP(int, token_insert, (int64_t *id, ferry_db *db, const char *user,
	const char *label, const char *hash, const char *now),
	(id, db, user, label, hash, now))
/* The token with that hash (revoked ones too).  FERRY_ENOTFOUND. */
FERRY_STORE_OP(int, token_by_hash, (ferry_db *db, const char *hash,
	ferry_token_row *out),
	(db, hash, out))
FERRY_STORE_OP(int, token_by_id, (ferry_db *db, int64_t id,
	ferry_token_row *out),
	(db, id, out))
FERRY_STORE_OP(int, token_used, (ferry_db *db, int64_t id, const char *now),
	(db, id, now))
FERRY_STORE_OP(int, token_revoke, (ferry_db *db, int64_t id, const char *now),
	(db, id, now))
/* Live (not revoked) tokens by id; user NULL: everyone's. */
FERRY_STORE_OP(int, token_each, (ferry_db *db, const char *user,
	ferry_token_cb cb, void *payload),
	(db, user, cb, payload))
FERRY_STORE_OP(int, session_insert, (ferry_db *db, const char *hash,
	const char *user, const char *csrf, const char *address,
	const char *now, int64_t expires_at),
	(db, hash, user, csrf, address, now, expires_at))
/* The live session with that hash: its user and CSRF token. */
FERRY_STORE_OP(int, session_get, (ferry_db *db, const char *hash, int64_t now,
	char *user, size_t user_size, char *csrf, size_t csrf_size),
	(db, hash, now, user, user_size, csrf, csrf_size))
FERRY_STORE_OP(int, session_delete, (ferry_db *db, const char *hash),
	(db, hash))
FERRY_STORE_OP(int, session_purge, (ferry_db *db, int64_t now),
	(db, now))
/* Failed logins of a user name from an address: count and last time
 * (0, 0 when none). */
FERRY_STORE_OP(int, login_failures, (ferry_db *db, const char *user,
	const char *address, int64_t *failures, int64_t *last_at),
	(db, user, address, failures, last_at))
FERRY_STORE_OP(int, login_failed, (ferry_db *db, const char *user,
	const char *address, int64_t now),
	(db, user, address, now))
FERRY_STORE_OP(int, login_clear, (ferry_db *db, const char *user,
	const char *address),
	(db, user, address))
FERRY_STORE_OP(int, audit_insert, (ferry_db *db, const char *at,
	const char *user, const char *address, const char *operation,
	const char *object, const char *outcome),
	(db, at, user, address, operation, object, outcome))
/* The entries filtered by user and time (NULL: any): their number in
 * *total, then the page (limit 0: all) newest first, each to cb. */
FERRY_STORE_OP(int, audit_each, (ferry_db *db, const char *user,
	const char *since, int64_t limit, int64_t offset, int64_t *total,
	ferry_audit_cb cb, void *payload),
	(db, user, since, limit, offset, total, cb, payload))

/* ---- signing keys and the trust list (keys.c) ----------------------- */

/* The instance's current key; FERRY_ENOTFOUND (no message) if none. */
FERRY_STORE_OP(int, key_current, (ferry_db *db, ferry_key_row *out),
	(db, out))
/* Retire the current key (if any) and record a new current one. */
FERRY_STORE_OP(int, key_replace, (ferry_db *db, const char *public_key,
	const char *fingerprint, const char *by, const char *now),
	(db, public_key, fingerprint, by, now))
/* A trusted key by name or by public key; FERRY_ENOTFOUND (no message). */
FERRY_STORE_OP(int, trust_by_name, (ferry_db *db, const char *name,
	ferry_key_row *out),
	(db, name, out))
FERRY_STORE_OP(int, trust_by_key, (ferry_db *db, const char *public_key,
	ferry_key_row *out),
	(db, public_key, out))
FERRY_STORE_OP(int, trust_insert, (ferry_db *db, const ferry_key_row *row),
	(db, row))
FERRY_STORE_OP(int, trust_delete, (ferry_db *db, const char *name),
	(db, name))
/* The trust list by name. */
FERRY_STORE_OP(int, trust_each, (ferry_db *db, ferry_trust_cb cb,
	void *payload),
	(db, cb, payload))

/* ---- catalog -------------------------------------------------------- */

/*
 * A schema batch, inside the caller's transaction: the tables it creates
 * are made at its end, each at once with every column added to it
 * meanwhile, instead of one change of the table per field (which a
 * store may find slow: SQLite reparses its whole schema each time).
 * Between begin and
 * end nothing may read or write the rows of a table the batch creates.
 * end with error < 0 drops what is pending and returns error.
 */
FERRY_STORE_VOID_OP(schema_batch_begin, (ferry_db *db),
	(db))
FERRY_STORE_OP(int, schema_batch_end, (ferry_db *db, int error),
	(db, error))
/* Create the table of an entity (name already validated). */
FERRY_STORE_OP(int, table_create, (ferry_db *db, const char *entity),
	(db, entity))
FERRY_STORE_OP(int, column_add, (ferry_db *db, const char *entity,
	const ferry_field *f),
	(db, entity, f))
FERRY_STORE_OP(int, column_drop, (ferry_db *db, const char *entity,
	const char *field),
	(db, entity, field))
/* 1 if every non-null value of the column passes check(). */
FERRY_STORE_OP(int, column_check, (ferry_db *db, const char *entity,
	const ferry_field *f, int (*check)(const ferry_field *, int64_t,
	const char *, int is_int), ferry_str *bad),
	(db, entity, f, check, bad))
/* 1 if entity has a table of its own (exists in the catalog). */
FERRY_STORE_OP(int, entity_exists, (ferry_db *db, const char *entity),
	(db, entity))
/* Load the fields of a user entity from sys_field, ordered by name: the
 * type's text only (type_text); the caller parses it (types.h). */
FERRY_STORE_OP(int, fields_load, (ferry_db *db, const char *entity,
	ferry_fieldset *out),
	(db, entity, out))
/* The entities of the catalog by name, or (name not NULL) that one:
 * FERRY_ENOTFOUND (no message) when there is no such entity. */
FERRY_STORE_OP(int, entity_each, (ferry_db *db, const char *name,
	ferry_entity_cb cb, void *payload),
	(db, name, cb, payload))
/* sys_id of an entity's sys_entity record (field NULL) or of a field's
 * sys_field record; FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, catalog_sys_id, (ferry_db *db, const char *entity,
	const char *field, ferry_str *sys_id),
	(db, entity, field, sys_id))

/* ---- records -------------------------------------------------------- */

/* FERRY_ENOTFOUND (no message) when the record does not exist. */
FERRY_STORE_OP(int, record_meta, (ferry_db *db, const char *entity,
	const char *sys_id, ferry_record_meta *out),
	(db, entity, sys_id, out))
FERRY_STORE_OP(int, record_exists, (ferry_db *db, const char *entity,
	const char *sys_id),
	(db, entity, sys_id))
/*
 * 1 when entity has no row and no version names it (it never had a
 * record), 0 when it has or had one.  A bulk load into such an entity
 * knows that only its own lines can be there.
 */
FERRY_STORE_OP(int, entity_untouched, (ferry_db *db, const char *entity),
	(db, entity))
/*
 * For each of n sys_ids, what entity holds of it: present[i] gets the
 * FERRY_PRESENT_ROW and FERRY_PRESENT_VERSION bits (store.h) that want
 * asks for, and no other.  A bulk load asks once for many records instead
 * of once a record, and asks of a reference only whether its row is there:
 * each bit is an index probe a record.
 */
FERRY_STORE_OP(int, record_presence, (ferry_db *db, const char *entity,
	const char *const *sys_ids, size_t n, unsigned want,
	unsigned char *present),
	(db, entity, sys_ids, n, want, present))
/*
 * For each of n sys_ids of entity, what current[i] holds (store.h):
 * record_meta(), version_latest() and record_values() of each at once,
 * for a bulk load's updates.  The caller sets current[i].values to fs->n
 * zeroed slots and disposes of the values a found record fills in.
 */
FERRY_STORE_OP(int, record_current_many, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *const *sys_ids, size_t n,
	ferry_record_current *current),
	(db, entity, fs, sys_ids, n, current))
/*
 * Write a row: insert (must not exist) or update.  values[i] belongs to
 * fs->fields[i]; only fields with set[i] non-zero are written on update.
 */
FERRY_STORE_OP(int, record_insert, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit),
	(db, entity, fs, values, sys_id, policy, vendor, version, audit))
FERRY_STORE_OP(int, record_update, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values, const int *set,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit),
	(db, entity, fs, values, set, sys_id, policy, vendor, version, audit))
/*
 * Write n new records of entity in one go: for each in order, what
 * version_insert(&rows[i].version), then pack_capture(version.pack_id,
 * entity, sys_id, the new version, 0) when version.pack_id is not 0,
 * then record_insert() with the version's sys_id, vendor and hash do.
 * The caller vouches that every row is new: an insert version without
 * a parent, no row and no version of its sys_id stored, no two rows
 * with one sys_id.  A bulk load's writes, a few statements a batch.
 */
FERRY_STORE_OP(int, record_insert_many, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n),
	(db, entity, fs, rows, n))
/*
 * Write n changes to existing records of entity in one go: for each in
 * order, what version_insert(&rows[i].version) then record_update() of
 * every field with the version's sys_id, vendor and hash do, with
 * pack_capture(version.pack_id, entity, sys_id, the new version,
 * version.parent_id) between them when version.pack_id is not 0.  The
 * caller vouches that each row exists, that version.parent_id is its
 * newest version and that no two rows are one record.  A back out's
 * restores (nothing captured) and a bulk load's updates, a few
 * statements a batch.
 */
FERRY_STORE_OP(int, record_update_many, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_new *rows, size_t n),
	(db, entity, fs, rows, n))
/* The stored values of a record's fields (values has fs->n slots). */
FERRY_STORE_OP(int, record_values, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_value *values),
	(db, entity, fs, sys_id, values))
FERRY_STORE_OP(int, record_delete, (ferry_db *db, const char *entity,
	const char *sys_id),
	(db, entity, sys_id))
/*
 * The first record that refers to entity's record sys_id through a
 * ref(entity) field: its entity, field and sys_id go into who as
 * "entity.field sys_id".  FERRY_ENOTFOUND (no message) when none does.
 */
FERRY_STORE_OP(int, record_referrer, (ferry_db *db, const char *entity,
	const char *sys_id, ferry_str *who),
	(db, entity, sys_id, who))
/*
 * The records matching every condition, ordered by sys_id, skipping
 * offset and at most limit (0: all), each to cb in turn (streamed: one
 * row in memory at a time).  The callback may call the store.
 */
FERRY_STORE_OP(int, record_query, (ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n,
	uint64_t limit, uint64_t offset, ferry_record_entry_cb cb,
	void *payload),
	(db, entity, fs, conds, n, limit, offset, cb, payload))

/* ---- versions ------------------------------------------------------- */

FERRY_STORE_OP(int, version_insert, (ferry_db *db, const ferry_version_row *v,
	int64_t *id),
	(db, v, id))
/* The latest version of a record, without its payload (left empty: a
 * new version's parent needs only its id and hash); FERRY_ENOTFOUND (no
 * message) if none. */
FERRY_STORE_OP(int, version_latest, (ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_ref *out),
	(db, entity, sys_id, out))
/* The newest version of a record with that hash (or unique hash prefix). */
FERRY_STORE_OP(int, version_find, (ferry_db *db, const char *entity,
	const char *sys_id, const char *hash, ferry_version_ref *out),
	(db, entity, sys_id, hash, out))
/* The row id of a version's parent (0 when it has none). */
FERRY_STORE_OP(int, version_parent, (ferry_db *db, int64_t id,
	int64_t *parent),
	(db, id, parent))
/* The versions of a record, oldest first. */
FERRY_STORE_OP(int, version_each, (ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_cb cb, void *payload),
	(db, entity, sys_id, cb, payload))

/* ---- packs ---------------------------------------------------------- */

/* A pack's description, whole ("" when it has none). */
FERRY_STORE_OP(int, pack_description, (ferry_db *db, int64_t id,
	ferry_str *out),
	(db, id, out))
/* FERRY_ENOTFOUND (no message) when no such pack. */
FERRY_STORE_OP(int, pack_get, (ferry_db *db, const char *name,
	ferry_pack_row *out),
	(db, name, out))
FERRY_STORE_OP(int, pack_get_id, (ferry_db *db, int64_t id,
	ferry_pack_row *out),
	(db, id, out))
FERRY_STORE_OP(int, pack_insert, (ferry_db *db, const char *uid,
	const char *name, const char *description, int is_default,
	const char *by, const char *at, int64_t *id),
	(db, uid, name, description, is_default, by, at, id))
FERRY_STORE_OP(int, pack_set_state, (ferry_db *db, int64_t id,
	ferry_pack_state state, const char *completed_at),
	(db, id, state, completed_at))
/* Switch every user whose current pack is `from` to `to`. */
FERRY_STORE_OP(int, pack_switch_users, (ferry_db *db, int64_t from,
	int64_t to),
	(db, from, to))
FERRY_STORE_OP(int, pack_default_id, (ferry_db *db, int64_t *id),
	(db, id))
/*
 * Capture a version in a pack: the record's item now points at version_id;
 * the first capture also records base_id, the version before it, and its
 * hash.  The item keeps the old values of an update over a live base
 * (ferry_old_values), for export.
 */
FERRY_STORE_OP(int, pack_capture, (ferry_db *db, int64_t pack_id,
	const char *entity, const char *sys_id, int64_t version_id,
	int64_t base_id),
	(db, pack_id, entity, sys_id, version_id, base_id))
/* Every pack in creation order with its counts, or (id not 0) that one
 * without them: FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, pack_each, (ferry_db *db, int64_t id, ferry_pack_cb cb,
	void *payload),
	(db, id, cb, payload))
FERRY_STORE_OP(int, pack_rename, (ferry_db *db, int64_t id, const char *name),
	(db, id, name))
/*
 * Note that a pack was exported (the first time counts), from inside an
 * export's read transaction.  *recorded is 0, and no error, when the
 * instance cannot be written now (another writer holds it, a snapshot
 * gone stale, a read-only file): the export itself is a reader.
 */
FERRY_STORE_OP(int, pack_exported, (ferry_db *db, int64_t id, const char *at,
	int *recorded),
	(db, id, at, recorded))
/* How many record and definition items a pack holds. */
FERRY_STORE_OP(int, pack_count, (ferry_db *db, int64_t id, int64_t *n),
	(db, id, n))
/* Delete a pack and its items: its users go to pack `to`, its versions
 * keep their history without a pack. */
FERRY_STORE_OP(int, pack_delete, (ferry_db *db, int64_t id, int64_t to),
	(db, id, to))
/*
 * Remove one record item (entity NULL: any entity; key its sys_id or its
 * identity key) or, with kind "formula"/"dataset", one definition item.
 * *removed counts the items that matched: 0 none (nothing removed), 2 or
 * more ambiguous (nothing removed).
 */
FERRY_STORE_OP(int, pack_remove, (ferry_db *db, int64_t id, const char *kind,
	const char *entity, const char *key, int *removed),
	(db, id, kind, entity, key, removed))
/* The record items of a pack by entity and sys_id. */
FERRY_STORE_OP(int, pack_items_each, (ferry_db *db, int64_t pack_id,
	ferry_pack_item_cb cb, void *payload),
	(db, pack_id, cb, payload))
/* The formula and data set items of a pack by kind and name. */
FERRY_STORE_OP(int, pack_definitions_each, (ferry_db *db, int64_t pack_id,
	ferry_pack_definition_cb cb, void *payload),
	(db, pack_id, cb, payload))
/* 1 if that formula or data set version exists, else 0. */
FERRY_STORE_OP(int, definition_version_exists, (ferry_db *db, const char *kind,
	const char *name, int version),
	(db, kind, name, version))
FERRY_STORE_OP(int, pack_add_definition, (ferry_db *db, int64_t pack_id,
	const char *kind, const char *name, int version),
	(db, pack_id, kind, name, version))

/* ---- export --------------------------------------------------------- */

/* The record items of a pack in file order (entity, sys_id). */
FERRY_STORE_OP(int, export_rows, (ferry_db *db, int64_t pack_id,
	ferry_export_cb cb, void *payload),
	(db, pack_id, cb, payload))
/*
 * A pack being completed keeps its record items' finished lines, in
 * file order, so that its export scans them instead of looking up each
 * item's version and building each line (docs/architecture.md, "Pack
 * export").  The library builds the lines and hands them over a batch
 * at a time (pack_freeze_add, in seq order), then ends with the format
 * they are written in (pack_freeze_end), which also notes the highest
 * version id, so that the out-of-date check probes only the records
 * changed since.  pack_thaw drops them (a pack reopened).
 */
FERRY_STORE_OP(int, pack_freeze_add, (ferry_db *db, int64_t pack_id,
	const ferry_frozen_line *lines, size_t n),
	(db, pack_id, lines, n))
FERRY_STORE_OP(int, pack_freeze_end, (ferry_db *db, int64_t pack_id,
	unsigned format),
	(db, pack_id, format))
FERRY_STORE_OP(int, pack_thaw, (ferry_db *db, int64_t pack_id),
	(db, pack_id))
/* A frozen pack's lines in file order, when they are in that format;
 * FERRY_ENOTFOUND (with no message, before any line) when they are not,
 * and the export reads the items (export_rows). */
FERRY_STORE_OP(int, export_frozen, (ferry_db *db, int64_t pack_id,
	unsigned format, ferry_frozen_cb cb, void *payload),
	(db, pack_id, format, cb, payload))
/* The entities a pack's record items use (system ones too), by name. */
FERRY_STORE_OP(int, pack_entities, (ferry_db *db, int64_t pack_id,
	int (*cb)(const char *entity, void *payload), void *payload),
	(db, pack_id, cb, payload))
/* The formula and data set items of a pack, each as a finished item line
 * (docs/format.md, section 5), in (kind, name) order. */
FERRY_STORE_OP(int, definition_items, (ferry_db *db, int64_t pack_id,
	int (*cb)(const char *line, size_t len, void *payload), void *payload),
	(db, pack_id, cb, payload))

/* ---- definitions ---------------------------------------------------- */

/* The id of a definition; FERRY_ENOTFOUND (no message) when none. */
FERRY_STORE_OP(int, definition_find, (ferry_db *db, const char *kind,
	const char *name, int64_t *id),
	(db, kind, name, id))
FERRY_STORE_OP(int, definition_insert, (ferry_db *db, const char *kind,
	const char *name, const char *at, int64_t *id),
	(db, kind, name, at, id))
/* A version an import deployed of definition `name` (or of a name an
 * import renamed it to, "<name>_...") with exactly this signature,
 * outputs and body, in force from `start` (a YYYY-MM-DD) on: its name
 * and version; FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, definition_same, (ferry_db *db, const char *kind,
	const char *name, const char *signature, const char *outputs,
	const char *body, const char *start, ferry_str *found, int *version),
	(db, kind, name, signature, outputs, body, start, found, version))
/* Remove a definition that has no versions left. */
FERRY_STORE_OP(int, definition_remove, (ferry_db *db, int64_t id),
	(db, id))
/* A version (0: the latest); FERRY_ENOTFOUND (no message) when none. */
FERRY_STORE_OP(int, definition_version_get, (ferry_db *db, int64_t id,
	int version, ferry_definition_row *row),
	(db, id, version, row))
/* The highest version with that status, or 0 in *version. */
FERRY_STORE_OP(int, definition_version_with, (ferry_db *db, int64_t id,
	const char *status, int *version),
	(db, id, status, version))
/* Insert row (its version number set); import_id 0 for a local one. */
FERRY_STORE_OP(int, definition_version_insert, (ferry_db *db, int64_t id,
	const ferry_definition_row *row, const char *by, const char *at,
	int64_t import_id),
	(db, id, row, by, at, import_id))
FERRY_STORE_OP(int, definition_version_set_status, (ferry_db *db, int64_t id,
	int version, const char *status),
	(db, id, version, status))
/* Delete a version; *left receives how many versions remain. */
FERRY_STORE_OP(int, definition_version_delete, (ferry_db *db, int64_t id,
	int version, int *left),
	(db, id, version, left))
/* The name of a completed pack holding that version; FERRY_ENOTFOUND
 * (no message) when none does. */
FERRY_STORE_OP(int, definition_completed_pack, (ferry_db *db, const char *kind,
	const char *name, int version, ferry_str *pack),
	(db, kind, name, version, pack))
/* Drop that version from every pack that holds it. */
FERRY_STORE_OP(int, definition_unpack, (ferry_db *db, const char *kind,
	const char *name, int version),
	(db, kind, name, version))
/* The definitions of a kind by name, or (id not 0) that one. */
FERRY_STORE_OP(int, definition_each, (ferry_db *db, const char *kind,
	int64_t id, ferry_definition_cb cb, void *payload),
	(db, kind, id, cb, payload))
/* The versions of definition id, in order. */
FERRY_STORE_OP(int, definition_versions_each, (ferry_db *db, int64_t id,
	ferry_definition_version_cb cb, void *payload),
	(db, id, cb, payload))

/* ---- entity packs --------------------------------------------------- */

/* The objects of `entity` held in the system entity `table`
 * (sys_form_template, ...), by name in byte order. */
FERRY_STORE_OP(int, objects_each, (ferry_db *db, const char *table,
	const char *entity, ferry_object_cb cb, void *payload),
	(db, table, entity, cb, payload))
/* The object of `table` keyed (entity, name): its system columns.
 * FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, object_find, (ferry_db *db, const char *table,
	const char *entity, const char *name, ferry_record_meta *out),
	(db, table, entity, name, out))
/* 1 if the sys_field record of identity key rkey (identity.h) was ever
 * deleted in this instance (it has a delete version), else 0. */
FERRY_STORE_OP(int, field_deleted, (ferry_db *db, const char *rkey),
	(db, rkey))

/* ---- imports -------------------------------------------------------- */

/* PRAGMA data_version: changes when another connection commits. */
FERRY_STORE_OP(int, data_version, (ferry_db *db, int64_t *out),
	(db, out))
/* FERRY_ENOTFOUND (no message) when there is no such import. */
FERRY_STORE_OP(int, import_get, (ferry_db *db, int64_t id,
	ferry_import_row *out),
	(db, id, out))
FERRY_STORE_OP(int, import_create, (ferry_db *db, const ferry_import_new *n,
	int64_t *id),
	(db, n, id))
FERRY_STORE_OP(int, import_stager_new, (ferry_import_stager **out,
	ferry_db *db, int64_t id),
	(out, db, id))
FERRY_STORE_VOID_OP(import_stager_free, (ferry_db *db, ferry_import_stager *s),
	(db, s))
/*
 * Stage one item (item counts from 1): its line's columns and its own
 * verdict.  0, FERRY_STAGE_REPEATED (no message set: the library words
 * it) or a negative error.
 */
FERRY_STORE_OP(int, import_stage, (ferry_db *db, ferry_import_stager *s,
	int64_t item, const ferry_staged_item *it),
	(db, s, item, it))
/* Declare a field for the checks: FERRY_SCOPE_PACKAGE as the package
 * declares it, FERRY_SCOPE_TARGET as the target will have it. */
FERRY_STORE_OP(int, import_field, (ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, const char *name, const char *type),
	(db, id, scope, entity, name, type))
/*
 * Check every staged item set-wise (docs/import.md, "Load").  Returns 0
 * when all pass, 1 with the first bad item and the fact that refuses it
 * ([code, value...], worded by the library), or a negative code.
 */
FERRY_STORE_OP(int, import_check, (ferry_db *db, int64_t id, int64_t *item,
	ferry_str *fact),
	(db, id, item, fact))
/* As ferry_store__import_check(), for the payload values of one
 * entity's records against its declared fields fs (scope 0). */
FERRY_STORE_OP(int, import_check_values, (ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int64_t *item,
	ferry_str *why),
	(db, id, entity, fs, item, why))
/* The last committed import of the same pack before id: 0 in *prev
 * when there is none. */
FERRY_STORE_OP(int, import_previous, (ferry_db *db, int64_t id,
	const char *pack_uid, int64_t *prev, ferry_str *stamp),
	(db, id, pack_uid, prev, stamp))
FERRY_STORE_OP(int, import_loaded, (ferry_db *db, int64_t id,
	const char *stamp, int64_t items, int64_t previous),
	(db, id, stamp, items, previous))
/*
 * Update-set mode (packages without base versions): each ordinary
 * record item's base becomes the version of that record that last
 * arrived by import in this instance, or stays null.  Preview then
 * takes a record the target has not changed since as a clean update and
 * reports one it has changed as a local change.
 */
FERRY_STORE_OP(int, import_last_arrived, (ferry_db *db, int64_t id),
	(db, id))
/*
 * Delete by query (imports_query.c): the records of entity whose fields
 * equal the values (fields[i] = values[i], all of them), protected
 * records left out; counted, or each sys_id handed to cb in order.
 */
FERRY_STORE_OP(int, query_count, (ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int64_t *count),
	(db, entity, fields, values, n, count))
FERRY_STORE_OP(int, query_each, (ferry_db *db, const char *entity,
	const char *const *fields, const char *const *values, size_t n,
	int (*cb)(const char *sys_id, void *payload), void *payload),
	(db, entity, fields, values, n, cb, payload))
/* Every import by id, or (id not 0) that one: FERRY_ENOTFOUND (no
 * message) when there is none.  Non-zero from cb stops and is
 * returned. */
FERRY_STORE_OP(int, import_each, (ferry_db *db, int64_t id, ferry_import_cb cb,
	void *payload),
	(db, id, cb, payload))
/* The distinct entities of record items, by name. */
FERRY_STORE_OP(int, import_entities, (ferry_db *db, int64_t id,
	int (*cb)(const char *entity, void *payload), void *payload),
	(db, id, cb, payload))
/*
 * Staged items, in item order, of type t (and entity, unless NULL),
 * without their plan.  The row lives for the callback; the callback may
 * write anything but ferry_import_item.
 */
FERRY_STORE_OP(int, import_items_each, (ferry_db *db, int64_t id,
	const char *t, const char *entity,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload),
	(db, id, t, entity, cb, payload))
/* Record items that change a record the target has, or that changed on
 * both sides (local_change, same_change), in item order, with their
 * plan; as ferry_store__import_items_each(). */
FERRY_STORE_OP(int, import_changed_each, (ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload),
	(db, id, cb, payload))
/* The fields of entity in scope 0 (as the package declares them) or 1
 * (as the target will have them), by name. */
FERRY_STORE_OP(int, import_fields_load, (ferry_db *db, int64_t id,
	ferry_scope scope, const char *entity, ferry_fieldset *out),
	(db, id, scope, entity, out))
/* The next formula or data set item after item number `after`;
 * FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, import_next_definition, (ferry_db *db, int64_t id,
	int64_t after, ferry_import_item *out),
	(db, id, after, out))
/* One item; FERRY_ENOTFOUND (no message) when there is none. */
FERRY_STORE_OP(int, import_item_get, (ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out),
	(db, id, item, out))

/* ---- preview -------------------------------------------------------- */

/* Forget the previous plan, problems and target fields of an import. */
FERRY_STORE_OP(int, import_plan_reset, (ferry_db *db, int64_t id),
	(db, id))
/*
 * Plan the record items of one entity set-wise: find each record in the
 * target (by sys_id; with by_name, associated objects by entity and
 * name, then by sys_id), compare versions and run the field-level
 * three-way check against the live row.  fs is the target's fields,
 * NULL when the target has no such entity (every item is then an insert or a skip).
 */
FERRY_STORE_OP(int, import_plan_records, (ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int by_name,
	const ferry_decision_table *decide),
	(db, id, entity, fs, by_name, decide))
/* Plan one item (catalog, formula and unknown items). */
FERRY_STORE_OP(int, import_plan_put, (ferry_db *db, int64_t id, int64_t item,
	const char *target_id, const char *target_version,
	const char *decision, const char *detail),
	(db, id, item, target_id, target_version, decision, detail))
/* Plan the items nothing else plans: items of kinds this ferry does
 * not know are skipped with an unknown_item note (docs/format.md,
 * section 10); schema items are only checked and get no plan. */
FERRY_STORE_OP(int, import_plan_rest, (ferry_db *db, int64_t id),
	(db, id))
/*
 * Add a problem with its facts: a JSON array of facts, each [code,
 * value...] (the library words them, import_facts.c); a second problem
 * of the same kind on an item adds its facts to the first's.
 */
FERRY_STORE_OP(int, import_problem_put, (ferry_db *db, int64_t id,
	int64_t item, const char *kind, const char *severity,
	const char *facts),
	(db, id, item, kind, severity, facts))
/* The problems that versions and policies decide, for every record:
 * each table (import_decide.c) gives an item at most one problem, with
 * the facts [code, entity, key, sys_id, policy, conflicting fields,
 * fields the package changes, fields changed alike]. */
FERRY_STORE_OP(int, import_problems_records, (ferry_db *db, int64_t id,
	const ferry_decision_table tables[3]),
	(db, id, tables))
/* missing_entity for every record item of entity. */
FERRY_STORE_OP(int, import_problems_entity, (ferry_db *db, int64_t id,
	const char *entity, const char *facts),
	(db, id, entity, facts))
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
FERRY_STORE_OP(int, import_problems_field, (ferry_db *db, int64_t id,
	const char *entity, const char *field, ferry_value_check check,
	const ferry_field *target),
	(db, id, entity, field, check, target))
/* Target fields entity.field of type ref(ref_entity) where the import
 * deletes ref_entity records. */
FERRY_STORE_OP(int, import_referrers, (ferry_db *db, int64_t id,
	int (*cb)(const char *entity, const char *field,
	const char *ref_entity, void *payload), void *payload),
	(db, id, cb, payload))
/* still_referenced warnings: deletes of ref_entity records that
 * entity.field still refers to and the package does not change. */
FERRY_STORE_OP(int, import_problems_referenced, (ferry_db *db, int64_t id,
	const char *entity, const char *field, const char *ref_entity),
	(db, id, entity, field, ref_entity))
/* Items with errors that no resolution answers yet: how many, and
 * (unless each is NULL) each one's number to each, in order. */
FERRY_STORE_OP(int, import_unresolved, (ferry_db *db, int64_t id,
	int64_t *count, int (*each)(int64_t item, void *payload),
	void *payload),
	(db, id, count, each, payload))
/* Drop a loaded or previewed import and everything staged for it. */
FERRY_STORE_OP(int, import_discard, (ferry_db *db, int64_t id),
	(db, id))
FERRY_STORE_OP(int, import_set_state, (ferry_db *db, int64_t id,
	const char *state, const char *by, const char *at, const char *backup),
	(db, id, state, by, at, backup))
/* Drop what a committed import staged but its history: each item keeps
 * its number, kind, entity, sys_id, identity key and action. */
FERRY_STORE_OP(int, import_unstage, (ferry_db *db, int64_t id),
	(db, id))
/* Inside a commit that inserts records, once entity's records are
 * written: drop the staged values of its items whose act was insert,
 * update or merge (nothing later in the commit reads them), so that the
 * store may reuse their space for the commit's next new rows.  A store
 * whose freed space comes back only after the transaction may do
 * nothing here; import_unstage drops the rest. */
FERRY_STORE_OP(int, import_unstage_written, (ferry_db *db, int64_t id,
	const char *entity),
	(db, id, entity))
/*
 * Remember that the plan is current (current 1) or forget it (0, after a
 * resolution).  ferry_store__import_plan_current() then says whether
 * nothing a plan depends on changed since: records and the catalog (every
 * change writes a version), formulas and data sets.
 */
FERRY_STORE_OP(int, import_mark_plan, (ferry_db *db, int64_t id, int current),
	(db, id, current))
FERRY_STORE_OP(int, import_plan_current, (ferry_db *db, int64_t id,
	int *current),
	(db, id, current))
/* How many items of an import the plan gives each decision, one call
 * of cb per decision that some item has, by decision. */
FERRY_STORE_OP(int, import_decision_counts, (ferry_db *db, int64_t id,
	int (*cb)(const char *decision, int64_t n, void *payload),
	void *payload),
	(db, id, cb, payload))
/* Each problem of an import that f keeps (f may be NULL), by item,
 * errors first.  Non-zero from cb stops and is returned. */
FERRY_STORE_OP(int, import_problems_each, (ferry_db *db, int64_t id,
	const ferry_problem_filter *f,
	int (*cb)(const ferry_import_problem_row *row, void *payload),
	void *payload),
	(db, id, f, cb, payload))
/* Every problem of an import counted by kind (cb once per kind, by
 * kind), and in *matched the number f keeps. */
FERRY_STORE_OP(int, import_problem_kinds, (ferry_db *db, int64_t id,
	const ferry_problem_filter *f, int (*cb)(const char *kind, int64_t n,
	void *payload), void *payload, int64_t *matched),
	(db, id, f, cb, payload, matched))

/* ---- resolve -------------------------------------------------------- */

/* The first problem kind of item listed in kinds (comma-separated);
 * FERRY_ENOTFOUND (no message) when it has none. */
FERRY_STORE_OP(int, import_problem_of, (ferry_db *db, int64_t id, int64_t item,
	const char *kinds, ferry_str *kind),
	(db, id, item, kinds, kind))
FERRY_STORE_OP(int, import_resolution_set, (ferry_db *db, int64_t id,
	int64_t item, const char *resolution, const char *merged, int whole,
	const char *by, const char *at),
	(db, id, item, resolution, merged, whole, by, at))
/* How many of an import's resolutions planning reads: its skips, its
 * merges and its accepts of the whole record (the rest, plain accepts,
 * change only their own items' acts, which commit settles). */
FERRY_STORE_OP(int, import_resolutions_planned, (ferry_db *db, int64_t id,
	int64_t *n),
	(db, id, n))
/* Back to unresolved. */
FERRY_STORE_OP(int, import_resolution_clear, (ferry_db *db, int64_t id,
	int64_t item),
	(db, id, item))
/*
 * Resolve every item with an error or warning problem; with
 * not_kinds, items with a problem of those kinds are left, counted in
 * *left and each one's number handed to each_left, in order.
 */
FERRY_STORE_OP(int, import_resolve_all, (ferry_db *db, int64_t id,
	const char *resolution, int whole, const char *not_kinds,
	const char *by, const char *at, int64_t *resolved, int64_t *left,
	int (*each_left)(int64_t item, void *payload), void *payload),
	(db, id, resolution, whole, not_kinds, by, at, resolved, left,
	each_left, payload))
/* 1 if a record entity/sys_id exists in the target table (when table)
 * or is written by the import, else 0. */
FERRY_STORE_OP(int, import_ref_exists, (ferry_db *db, int64_t id,
	const char *entity, const char *sys_id, int table),
	(db, id, entity, sys_id, table))

/* ---- commit --------------------------------------------------------- */

/* What each resolved item does: its decision (set by the plan) as its
 * resolution changes it, by the library's table (import_decide.c). */
FERRY_STORE_OP(int, import_acts, (ferry_db *db, int64_t id,
	const ferry_decision_table *acts),
	(db, id, acts))
/*
 * Apply the clean inserts (with FERRY_FAST_INSERTS in acts) and the clean
 * updates (with FERRY_FAST_UPDATES) of a user entity set-wise: rows and
 * versions straight from the staged canonical payloads, whose hashes
 * load verified.  fs is the entity's fields.  check lists the fields
 * whose values may not be in the stored form of the target's type (a
 * type_text of "" for a field the target lacks): items with such values
 * are left to the write path.  Updates are only exact when every target
 * field is one the package declares: callers leave FERRY_FAST_UPDATES
 * out otherwise.  *done counts the items applied.
 */
FERRY_STORE_OP(int, import_fast, (ferry_db *db, const ferry_import_write *w,
	const char *entity, const ferry_fieldset *fs,
	const ferry_fieldset *check, unsigned acts, int64_t *done),
	(db, w, entity, fs, check, acts, done))
/* How many items of an import have that act. */
FERRY_STORE_OP(int, import_act_count, (ferry_db *db, int64_t id,
	const char *act, int64_t *n),
	(db, id, act, n))
/*
 * The next record items of entity, in sys_id order after `after` (NULL:
 * from the first), that commit does not write set-wise (what:
 * FERRY_IMPORT_WRITES or FERRY_IMPORT_DELETES): at most max of them into
 * out[0..*n), whose items are overwritten; *n is 0 when there are none
 * left.  A page a call, so that a server store answers many items in
 * one round trip.
 */
FERRY_STORE_OP(int, import_next, (ferry_db *db, int64_t id, const char *entity,
	int what, const char *after, ferry_import_item *out, size_t max,
	size_t *n),
	(db, id, entity, what, after, out, max, n))
/* import_outcome() of n items at once: items[i] gets outcomes[i] and
 * details[i] (NULL keeps the item's detail). */
FERRY_STORE_OP(int, import_outcomes, (ferry_db *db, int64_t id,
	const int64_t *items, const char *const *outcomes,
	const char *const *details, size_t n),
	(db, id, items, outcomes, details, n))
/*
 * Give a record's newest version, written with hash `from`, the id `to`
 * instead: the package's version id for the very same content, so that
 * the target and the source agree on it (docs/import.md, "Version ids").
 */
FERRY_STORE_OP(int, import_adopt, (ferry_db *db, const char *entity,
	const char *sys_id, const char *from, const char *to),
	(db, entity, sys_id, from, to))
/* Record what commit did with an item when its act does not say it
 * (a schema merge that kept a field, an update that changed nothing),
 * and the detail: the merge's reason, a definition's result. */
FERRY_STORE_OP(int, import_outcome, (ferry_db *db, int64_t id, int64_t item,
	const char *outcome, const char *detail),
	(db, id, item, outcome, detail))
/* How many items of a committed import have each outcome (what commit
 * recorded, else what the item's act did), one call of cb per outcome
 * some item has. */
FERRY_STORE_OP(int, import_outcome_counts, (ferry_db *db, int64_t id,
	int (*cb)(const char *outcome, int64_t n, void *payload),
	void *payload),
	(db, id, cb, payload))
FERRY_STORE_OP(int, import_outcomes_each, (ferry_db *db, int64_t id, int what,
	int (*cb)(const ferry_import_outcome_row *row, void *payload),
	void *payload),
	(db, id, what, cb, payload))

/* ---- back out ------------------------------------------------------- */

/* The versions after `after` that import id wrote (source "import"),
 * in id order: at most max of them into out[0..*n), *n being 0 when
 * there are none left.  A batch a call, so that a server store answers
 * a thousand records in one round trip; what a batch reads (the newest
 * version of each record) does not change while the records before it
 * in the batch are restored, as an import writes one version a record.
 * item is found only where a back out may report on it: a record that
 * changed since (latest != id) and a catalog record; else it is 0. */
FERRY_STORE_OP(int, import_touched_batch, (ferry_db *db, int64_t id,
	int64_t after, ferry_import_touched *out, size_t max, size_t *n),
	(db, id, after, out, max, n))
/* The problems of an import whose kind is in kinds (comma-separated),
 * by item and kind; t, action, decision and resolution are NULL.
 * Non-zero from cb stops and is returned. */
FERRY_STORE_OP(int, import_problems_of_kinds, (ferry_db *db, int64_t id,
	const char *kinds, int (*cb)(const ferry_import_problem_row *row,
	void *payload), void *payload),
	(db, id, kinds, cb, payload))

/* ---- listing -------------------------------------------------------- */

/* Every item of an import in item order.  Non-zero from cb stops and
 * is returned. */
FERRY_STORE_OP(int, import_item_entries, (ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item_entry *e, void *payload),
	void *payload),
	(db, id, cb, payload))
