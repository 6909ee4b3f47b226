/*
 * ferry/import.h - importing a package: load, preview, resolve, commit,
 * and back out.
 *
 * load verifies and stages a file without touching live data; preview
 * decides an action for every item and lists its problems; resolve
 * answers them (accept, skip, merge); commit applies everything in one
 * transaction after a backup; backout restores what an import touched.
 * docs/import.md gives the rules, docs/cli/import.md every JSON field.
 *
 * An import's states: loaded -> previewed -> committed -> backed_out.
 * Every call except list and show is for admins only (FERRY_EDENIED).
 */
#ifndef FERRY_IMPORT_H
#define FERRY_IMPORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Verify a .sop file and stage its items in the instance.
 *
 * The file streams through the reader into staging tables in one
 * transaction; then every item is checked (names, sys_ids, actions,
 * version hashes, canonical payloads, values against the package's
 * declared schema).  A bad file or item refuses the whole load, naming
 * the item and its line, and leaves the instance as it was.  Live data
 * never changes.  The stamp is compared with the last committed import
 * of the same pack.
 *
 * A signed package's signature is always checked (a bad one is a
 * damaged file).  When the property import.require_signature is true,
 * an unsigned package, or one signed by a key not on the trust list
 * (ferry/key.h), is refused with FERRY_EDENIED; otherwise it is loaded
 * with a warning.
 *
 * @param[out] out {id, stamp, items, kind, mode, pack:{id, name,
 *	completed_at}, source:{id, name}, previous:{id, stamp, same}|null,
 *	message, signature:{signed, fingerprint, public_key, valid, trusted,
 *	signer, problem}, warnings:[...]}
 * @return 0; FERRY_EFORMAT (damaged, altered, foreign or too new file, a
 *	bad signature, or a bad item); FERRY_ENOTFOUND (no such file);
 *	FERRY_EIO; FERRY_EDENIED (not an admin, or refused for its
 *	signature); FERRY_ENOMEM
 */
int ferry_import_load(ferry_buf *out, ferry_db *db, const char *path);

/**
 * Decide what every item does to the target as it is now, and list every
 * problem (kinds: local_change, customized, protected, missing_entity,
 * missing_field, missing_reference, type_mismatch, already_deleted,
 * already_applied, formula_draft_exists, still_referenced, schema_kept,
 * field_not_dropped, unknown_item).  Replaces an earlier preview;
 * resolutions are kept.
 *
 * @param[out] out {id, state, stamp, pack, items, actions:{insert,
 *	update, merge, delete, skip}, unresolved, problem_count,
 *	problems:[{item, entity, sys_id, key, kind, severity, message,
 *	resolution}]}
 * @return 0; FERRY_ENOTFOUND (no such import); FERRY_ESTATE (committed
 *	or backed out); FERRY_EDENIED
 */
int ferry_import_preview(ferry_buf *out, ferry_db *db, int64_t id);

/** The pieces of a streamed preview. */
typedef enum {
	/** {id, state, stamp, pack, items, actions, unresolved,
	 * problem_count}: first, once */
	FERRY_PREVIEW_SUMMARY = 1,
	/** one problem {item, entity, sys_id, key, kind, severity, message,
	 * resolution}: then, in order */
	FERRY_PREVIEW_PROBLEM = 2
} ferry_preview_part;

/** Receives a streamed preview piece by piece; non-zero stops it. */
typedef int (*ferry_preview_cb)(ferry_preview_part part, const char *json,
	size_t len, void *payload);

/**
 * As ferry_import_preview(), with the document handed to cb in pieces:
 * the summary, then each problem, so that memory does not grow with the
 * number of problems (a preview may list one for every item).  The
 * summary with "problems":[every problem] added is the document
 * ferry_import_preview() returns.
 *
 * @return as ferry_import_preview(), or cb's non-zero value
 */
int ferry_import_preview_each(ferry_db *db, int64_t id, ferry_preview_cb cb,
	void *payload);

/**
 * Answer items (docs/import.md, "Resolve"):
 * - "accept": the package wins; for an update that conflicts field by
 *   field, only the conflicting fields take the package's values and
 *   the target keeps its other changes (a strong overwrite where the
 *   protection policy forbids it);
 * - "accept_whole": the package's whole record as it is;
 * - "skip": the target's record stays;
 * - "clear": back to unresolved.
 * Who resolved and when is kept with the import.  items NULL and n 0
 * means every item with an error or a warning; accept then leaves the
 * items it cannot answer (see "left_items").  A resolution an item does
 * not allow, or an item that does not exist, is refused and nothing
 * changes.  A preview comes first.
 *
 * @param[out] out {id, resolution, resolved, left, left_items:[item],
 *	unresolved, unresolved_items:[item]}
 * @return 0; FERRY_ENOTFOUND (no such import or item); FERRY_ECONFLICT
 *	(an item accept cannot answer); FERRY_EINVALID; FERRY_ESTATE;
 *	FERRY_EDENIED
 */
int ferry_import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n);

/**
 * Decide some fields of one record item by hand: patch is a JSON object
 * naming only those fields (null clears one), checked like
 * ferry_record_put() against the fields the target will have.  The other
 * fields follow the three-way merge (ferry_import_diff()); a field that
 * conflicts must be in the patch.  For an insert the patch goes over
 * the package's record; for an item without base values (an insert
 * over an existing record) over the target's.
 *
 * @return 0; FERRY_EINVALID (not an object, a value of the wrong type or
 *	size, a conflicting field left out, not a record insert or
 *	update); FERRY_ENOTFOUND (no such import, item, field or referenced
 *	record); FERRY_ECONFLICT (the entity is missing); FERRY_ESTATE;
 *	FERRY_EDENIED
 */
int ferry_import_merge(ferry_db *db, int64_t id, int64_t item,
	const char *patch);

/**
 * Per field of record items: the base value (what the package's change
 * was made against; null where the item carries none), the target's
 * value now, the package's value, the three-way decision ("target": the
 * package leaves the field; "package": only the package changed it;
 * "same": both made the same change; "conflict") and whether it
 * conflicts.  Catalog items (entity and field definitions) show their
 * definitions' members side by side.  items NULL and n 0: every record
 * item that changes a record the target has, or changed on both sides.
 *
 * @param[out] out {id, items:[{item, type, entity, sys_id, key, action,
 *	package_action, resolution, target_exists, has_base, fields:[{name,
 *	base, target, package, merge, conflict}]}]}
 * @return 0; FERRY_ENOTFOUND (no such import or item); FERRY_ESTATE
 *	(not previewed); FERRY_EDENIED
 */
int ferry_import_diff(ferry_buf *out, ferry_db *db, int64_t id,
	const int64_t *items, size_t n);

/** Which problems a preview lists. */
typedef struct {
	unsigned version;	/**< FERRY_PREVIEW_FILTER_VERSION */
	const char *severity;	/**< error, warning, info, or NULL */
	const char *kind;	/**< a problem kind, or NULL */
	const char *entity;	/**< an entity (or item kind), or NULL */
	int64_t limit;		/**< at most this many; 0 for all */
	int64_t offset;		/**< skip this many first */
} ferry_preview_filter;

#define FERRY_PREVIEW_FILTER_VERSION 1
#define FERRY_PREVIEW_FILTER_INIT \
	{ FERRY_PREVIEW_FILTER_VERSION, NULL, NULL, NULL, 0, 0 }

/**
 * ferry_import_preview() listing only the problems f keeps; the summary
 * gains kinds:{kind: count} (every problem of the import) and matched
 * (how many f keeps, before limit and offset).  f NULL keeps all.
 *
 * @return as ferry_import_preview(); FERRY_EINVALID (an unknown
 *	severity or kind, a negative limit or offset)
 */
int ferry_import_preview_filtered(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_preview_filter *f);

/** ferry_import_preview_each() with a filter (f may be NULL). */
int ferry_import_preview_each_filtered(ferry_db *db, int64_t id,
	const ferry_preview_filter *f, ferry_preview_cb cb, void *payload);

/**
 * Drop an import that is loaded or previewed: its staged items, plan,
 * problems and resolutions, and the import itself.  Live data never
 * changed, so nothing else does.
 *
 * @param[out] out {id, discarded:true, items}
 * @return 0; FERRY_ENOTFOUND; FERRY_ESTATE (committed or backed out: its
 *	history stays); FERRY_EDENIED
 */
int ferry_import_discard(ferry_buf *out, ferry_db *db, int64_t id);

/** Options of ferry_import_commit(). */
typedef struct {
	unsigned version;	/**< FERRY_COMMIT_OPTIONS_VERSION */
	int no_backup;		/**< skip the backup */
} ferry_commit_options;

#define FERRY_COMMIT_OPTIONS_VERSION 1
#define FERRY_COMMIT_OPTIONS_INIT { FERRY_COMMIT_OPTIONS_VERSION, 0 }

/**
 * Apply an import.  Plans it again against the target as it is now (the
 * plan is kept), refuses while an error is unresolved, backs the
 * instance up (unless no_backup), then applies everything in one
 * transaction: schema, records (referenced entities first), deletes,
 * formulas and data sets.  A crash or kill at any point leaves the
 * instance as before or fully committed.
 *
 * @param opts options, or NULL for FERRY_COMMIT_OPTIONS_INIT
 * @param[out] out {id, state, stamp, pack, backup, committed_at,
 *	outcomes:{inserted, updated, merged, deleted, skipped},
 *	schema:[{item, entity, key, outcome, detail}],
 *	definitions:[{item, kind, name, outcome, result}]}
 * @return 0; FERRY_EUNRESOLVED (the message says how many items);
 *	FERRY_ENOTFOUND; FERRY_ESTATE; FERRY_EIO (the backup); FERRY_EDENIED
 */
int ferry_import_commit(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_commit_options *opts);

/**
 * Undo a committed import: every record it wrote goes back to its version
 * before the import (inserted ones deleted, deleted ones restored,
 * updated ones restored), as new versions with source "restore" and the
 * import's id.  A record changed since the import is reported
 * (changed_since_import) and left alone; schema changes and formula
 * drafts stay (not_backed_out).
 *
 * @param[out] out {id, state, restored, backed_out_at, problems:[{item,
 *	entity, sys_id, key, kind, severity, message}]}
 * @return 0; FERRY_ENOTFOUND; FERRY_ESTATE (not committed); FERRY_EDENIED
 */
int ferry_import_backout(ferry_buf *out, ferry_db *db, int64_t id);

/** Imports, oldest first: [{id, state, stamp, pack, mode, items,
 * loaded_by, loaded_at, committed_at, backed_out_at}]. */
int ferry_import_list(ferry_buf *out, ferry_db *db);

/**
 * One import: {id, state, stamp, kind, mode, pack, source, file,
 * items:[{item, type, entity, sys_id, key, action, package_action,
 * resolution, outcome, problems}], outcomes, previous_id, loaded_by,
 * loaded_at, previewed_at, committed_by, committed_at, backup,
 * backed_out_by, backed_out_at}.  An item's action is what the import
 * does (or did) with it.
 */
int ferry_import_show(ferry_buf *out, ferry_db *db, int64_t id);

/** What ferry_import_apply() does with unresolved problems. */
typedef enum {
	FERRY_CONFLICT_FAIL = 0,	/**< stop: FERRY_EUNRESOLVED */
	FERRY_CONFLICT_SKIP = 1,	/**< skip every item with a problem */
	FERRY_CONFLICT_ACCEPT = 2	/**< accept them (strong overwrite) */
} ferry_conflict_policy;

/** Options of ferry_import_apply(). */
typedef struct {
	unsigned version;	/**< FERRY_APPLY_OPTIONS_VERSION */
	ferry_conflict_policy on_conflict;
	int no_backup;		/**< skip the backup */
} ferry_apply_options;

#define FERRY_APPLY_OPTIONS_VERSION 1
#define FERRY_APPLY_OPTIONS_INIT \
	{ FERRY_APPLY_OPTIONS_VERSION, FERRY_CONFLICT_FAIL, 0 }

/**
 * Load, preview, resolve (per on_conflict) and commit a file in one call,
 * for pipelines.  Each step is its own transaction, as when called one
 * by one; a refused commit leaves the import loaded and previewed.
 *
 * @param opts options, or NULL for FERRY_APPLY_OPTIONS_INIT
 * @param[out] out {load, resolved, commit} when committed; on
 *	FERRY_EUNRESOLVED {load, resolved, preview}, listing the problems
 * @return as ferry_import_load() and ferry_import_commit()
 */
int ferry_import_apply(ferry_buf *out, ferry_db *db, const char *path,
	const ferry_apply_options *opts);

#ifdef __cplusplus
}
#endif

#endif
