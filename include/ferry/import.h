/*
 * ferry/import.h - importing a package: load, preview, resolve, commit,
 * and back out.
 *
 * load verifies and stages a file without touching live data; preview
 * decides an action for every item and lists its problems; resolve
 * answers them (accept, skip, merge); commit applies everything in one
 * transaction after a backup; backout restores what an import touched.
 */
#ifndef FERRY_IMPORT_H
#define FERRY_IMPORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** {id, stamp, items, pack:{...}, previous:{id, stamp, same}|null}. */
int ferry_import_load(ferry_buf *out, ferry_db *db, const char *path);

/**
 * Decide and list: {id, state, items, actions:{...}, problems:[{item,
 * entity, sys_id, kind, severity, message, resolution}]}.
 */
int ferry_import_preview(ferry_buf *out, ferry_db *db, int64_t id);

/**
 * Resolve items with "accept" or "skip"; items NULL (n 0) means all items
 * with problems.  @param[out] out {resolved}
 */
int ferry_import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n);

/** Use a hand-merged JSON payload for one item. */
int ferry_import_merge(ferry_db *db, int64_t id, int64_t item,
	const char *json);

/** Options of ferry_import_commit(). */
typedef struct {
	unsigned version;	/**< FERRY_COMMIT_OPTIONS_VERSION */
	int no_backup;		/**< skip the backup */
} ferry_commit_options;

#define FERRY_COMMIT_OPTIONS_VERSION 1
#define FERRY_COMMIT_OPTIONS_INIT { FERRY_COMMIT_OPTIONS_VERSION, 0 }

/**
 * Apply a previewed import.  FERRY_EUNRESOLVED while an error is open.
 * @param[out] out {id, state, backup, outcomes:{...}}
 */
int ferry_import_commit(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_commit_options *opts);

/** Undo a committed import. @param[out] out {id, state, restored, problems} */
int ferry_import_backout(ferry_buf *out, ferry_db *db, int64_t id);

/** Imports: [{id, state, stamp, pack, items, loaded_at, committed_at}]. */
int ferry_import_list(ferry_buf *out, ferry_db *db);

/** {id, state, stamp, pack, items:[{item, entity, sys_id, action, outcome}]} */
int ferry_import_show(ferry_buf *out, ferry_db *db, int64_t id);

#ifdef __cplusplus
}
#endif

#endif
