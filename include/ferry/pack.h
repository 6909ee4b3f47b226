/*
 * ferry/pack.h - local packs: named change sets of record versions.
 *
 * Every change a user makes is captured into that user's current pack, a
 * record once per pack (its latest version there).  A pack is in_progress
 * until completed; completing freezes it and switches every user whose
 * current pack it was to Default, which always exists and is never
 * completed.  Only completed packs are exported.
 */
#ifndef FERRY_PACK_H
#define FERRY_PACK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FERRY_DEFAULT_PACK "Default"

/** Create a pack; with `use`, make it the actor's current pack. */
int ferry_pack_create(ferry_db *db, const char *name,
	const char *description, int use);

/** Make a pack the actor's current pack (FERRY_ESTATE if completed). */
int ferry_pack_use(ferry_db *db, const char *name);

/** The actor's current pack: {name, state}. */
int ferry_pack_current(ferry_buf *out, ferry_db *db);

/**
 * Packs: [{name, state, records, out_of_date, description, created_by,
 * created_at, completed_at}].
 */
int ferry_pack_list(ferry_buf *out, ferry_db *db);

/**
 * One pack: {name, state, description, completed_at, items:[{entity,
 * sys_id, action, version, out_of_date}]}; formula and data set items
 * have {kind, name, version}.
 */
int ferry_pack_show(ferry_buf *out, ferry_db *db, const char *name);

/** Add a record's current version to a pack explicitly. */
int ferry_pack_add_record(ferry_db *db, const char *pack, const char *entity,
	const char *sys_id);

/**
 * Add a formula or data set version to a pack.
 * @param kind "formula" or "dataset"
 */
int ferry_pack_add_definition(ferry_db *db, const char *pack,
	const char *kind, const char *name, int version);

/** Complete (freeze) a pack.  FERRY_ESTATE for Default or a completed one. */
int ferry_pack_complete(ferry_db *db, const char *name);

/** Reopen a completed pack (admins only). */
int ferry_pack_reopen(ferry_db *db, const char *name);

/** Options of ferry_pack_export(). */
typedef struct {
	unsigned version;	/**< FERRY_EXPORT_OPTIONS_VERSION */
	int as_application;	/**< export as a new application */
	int force;		/**< as an application even with vendor records */
	const char *dir;	/**< folder for the automatic file name */
	const char *output;	/**< exact file path (instead of dir) */
	int uncompressed;	/**< plain text instead of zstd */
	int overwrite;		/**< replace an existing file */
	/** Version 2: sign with the instance's key (ferry/key.h). */
	int sign;
} ferry_export_options;

#define FERRY_EXPORT_OPTIONS_VERSION 2
#define FERRY_EXPORT_OPTIONS_INIT \
	{ FERRY_EXPORT_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, 0, 0 }

/**
 * Export a completed pack to a .sop file named
 * "<pack name>_<YYYY-MM-DD HH:MM:SS>.sop" (completion time in the actor's
 * zone; \ / : * ? " < > | in the name become _).
 *
 * @param[out] out {path, stamp, items, mode, signature, warnings:[...]}
 *             (signature: {fingerprint, public_key} when signed, else
 *             null)
 * @return 0, FERRY_ENOTFOUND, FERRY_ESTATE (not completed), FERRY_EEXISTS
 *         (file exists, no overwrite), FERRY_ECONFLICT (vendor records in
 *         an application export without force), FERRY_EIO; with sign,
 *         the errors of a missing or unusable key (ferry/key.h)
 */
int ferry_pack_export(ferry_buf *out, ferry_db *db, const char *name,
	const ferry_export_options *opts);

/**
 * The file name an export would use: the pack name with forbidden
 * characters replaced, "_", and the completion time in `zone`.
 */
int ferry_pack_file_name(ferry_buf *out, const char *pack_name,
	int64_t completed_at, const char *zone);

#ifdef __cplusplus
}
#endif

#endif
