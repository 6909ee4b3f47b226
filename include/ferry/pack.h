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
 * One pack: {name, state, description, completed_at, exported_at,
 * items:[{type, entity, sys_id, name, action, version, out_of_date}],
 * definitions:[{kind, name, version}]}.  type is "record", "entity" or
 * "field" (the schema: name is "member" or "member.age") or "object" (an
 * associated object: name is "member:Member form").
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

/**
 * Rename a pack.  The new name follows the rules of ferry_pack_create();
 * the Default pack keeps its name.  Exported files keep the name they
 * were written with (a target knows the pack by its id).
 *
 * @return 0; FERRY_ENOTFOUND; FERRY_EEXISTS (the new name is taken);
 *	FERRY_EINVALID (a bad name); FERRY_ESTATE (Default)
 */
int ferry_pack_rename(ferry_db *db, const char *name, const char *new_name);

/**
 * Delete a pack (admins only): one that holds no items, or one that was
 * never exported.  Its items go; the versions it captured stay in their
 * records' history, without a pack; users who worked in it go to
 * Default.  Never the Default pack.
 *
 * @return 0; FERRY_ENOTFOUND; FERRY_EDENIED; FERRY_ESTATE (Default, or
 *	exported and not empty)
 */
int ferry_pack_delete(ferry_db *db, const char *name);

/**
 * Take one item out of an in-progress pack.
 *
 * @param kind NULL: `item` is a record item's sys_id or identity key
 *	("member", "member.age", "member:Member form") in any entity; an
 *	entity name: a record item of that entity; "formula" or "dataset":
 *	the definition item named `item`
 * @return 0; FERRY_ENOTFOUND (no such pack or item); FERRY_ESTATE (the
 *	pack is completed); FERRY_EINVALID (the name matches several items:
 *	name the entity too)
 */
int ferry_pack_remove(ferry_db *db, const char *pack, const char *kind,
	const char *item);

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
	/** Version 3: the .sop format version to write: 0 (the newest),
	 * or 1 for a target whose ferry reads only format 1 (docs/format.md,
	 * section 10). */
	unsigned format;
} ferry_export_options;

#define FERRY_EXPORT_OPTIONS_VERSION 3
#define FERRY_EXPORT_OPTIONS_INIT \
	{ FERRY_EXPORT_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, 0, 0, 0 }

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
