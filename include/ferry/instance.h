/*
 * ferry/instance.h - creating and opening instances; who acts and when;
 * users and properties.
 */
#ifndef FERRY_INSTANCE_H
#define FERRY_INSTANCE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of ferry_db_create(). */
typedef struct {
	unsigned version;	/**< FERRY_INIT_OPTIONS_VERSION */
	const char *name;	/**< instance name; NULL: the file's base name */
	const char *admin;	/**< first admin's name; NULL: "admin" */
	const char *tz;		/**< first admin's time zone; NULL: "UTC" */
	const char *now;	/**< fixed clock for the new handle, as for
				 ferry_db_set_now(); NULL: the real clock */
} ferry_init_options;

#define FERRY_INIT_OPTIONS_VERSION 1
#define FERRY_INIT_OPTIONS_INIT \
	{ FERRY_INIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL }

/**
 * Create a new instance file with its first admin and the Default pack.
 *
 * @param[out] out the handle; returned even on failure (for the message),
 *             free it with ferry_db_close()
 * @param path a file that must not exist yet
 * @return 0, FERRY_EEXISTS (the file exists), FERRY_EINVALID (bad name,
 *         zone or now), FERRY_EIO
 */
int ferry_db_create(ferry_db **out, const char *path,
	const ferry_init_options *opts);

/**
 * Open an existing instance, upgrading its system tables if it was made
 * by an older ferry.
 *
 * @param[out] out the handle; returned even on failure, for the message
 * @return 0, FERRY_ENOTFOUND (no such file), FERRY_EFORMAT (not an
 *         instance, or one made by a newer ferry), FERRY_EIO
 */
int ferry_db_open(ferry_db **out, const char *path);

/** Close a handle; accepts NULL. */
void ferry_db_close(ferry_db *db);

/**
 * The instance's location as messages and documents show it: the file,
 * or the address without its password.  Valid while db is open; NULL
 * for a NULL handle.
 */
const char *ferry_db_location(const ferry_db *db);

/**
 * Fix the clock, e.g. from FERRY_NOW, for reproducible runs.
 * @param iso "2021-12-31T12:00:00Z", or NULL for the real clock
 * @return 0 or FERRY_EINVALID
 */
int ferry_db_set_now(ferry_db *db, const char *iso);

/**
 * Name the acting user (NULL: the instance's first admin).  Checked on
 * the first call that needs the actor.
 */
int ferry_db_set_user(ferry_db *db, const char *name);

/** Progress of long work: `done` of `total` (total 0 when unknown). */
typedef void (*ferry_progress_cb)(const char *what, uint64_t done,
	uint64_t total, void *payload);

/** Set or clear (NULL) the progress callback. */
void ferry_db_set_progress(ferry_db *db, ferry_progress_cb cb,
	void *payload);

/** The instance: {id, name, schema_version, path}. */
int ferry_instance_info(ferry_buf *out, ferry_db *db);

/**
 * The instance's size by part (ferry info --sizes): {path, bytes,
 * page_size, wal_bytes, by_part, parts:[{part, bytes, index_bytes,
 * holds}]}.  The parts' bytes add up to bytes, free space included; the
 * write-ahead log is beside them.  Reads every page of the instance.
 */
int ferry_instance_sizes(ferry_buf *out, ferry_db *db);

/**
 * Add a user (admins only).
 * @param tz an IANA zone of the system's tzdata, e.g. "Europe/Moscow"
 * @return 0, FERRY_EEXISTS, FERRY_EINVALID, FERRY_EDENIED
 */
int ferry_user_add(ferry_db *db, const char *name, int admin,
	const char *tz);

/**
 * Change a user (admins only).  tz NULL keeps the zone; admin -1 keeps
 * the flag.  The last admin cannot lose the flag.
 */
int ferry_user_set(ferry_db *db, const char *name, const char *tz,
	int admin);

/** Users: [{name, admin, tz, current_pack}]. */
int ferry_user_list(ferry_buf *out, ferry_db *db);

/** Set a property (admins only). */
int ferry_property_set(ferry_db *db, const char *key, const char *value);

/** A property's value as plain text; FERRY_ENOTFOUND when unset. */
int ferry_property_get(ferry_buf *out, ferry_db *db, const char *key);

/** Properties: [{key, value}]. */
int ferry_property_list(ferry_buf *out, ferry_db *db);

#ifdef __cplusplus
}
#endif

#endif
