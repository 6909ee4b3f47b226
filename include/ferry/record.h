/*
 * ferry/record.h - records of entities, and their version history.
 *
 * A record is a row keyed by sys_id (a UUID).  Every insert, update and
 * delete writes an immutable version: the canonical payload, its BLAKE2b
 * hash (the version id, equal for equal content in every instance), the
 * parent version, author, time, action, the pack that captured it and the
 * source (local, import, restore).
 *
 * Protection policy: a record is "open" when created and "changed" once
 * updated locally; "protected" records belong to an installed application
 * and refuse local edits (FERRY_EPROTECTED).
 */
#ifndef FERRY_RECORD_H
#define FERRY_RECORD_H

#include "common.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Insert or update a record from a JSON object of field values.
 *
 * Without "sys_id" the record is inserted; with it, the named fields of
 * that existing record are updated (null clears a field).
 *
 * @param[out] sys_id_out receives the record's sys_id (may be NULL)
 * @return 0, FERRY_ENOTFOUND (entity, field, record or referenced record),
 *         FERRY_EINVALID (malformed JSON, a value of the wrong type or
 *         size), FERRY_EPROTECTED, FERRY_ESTATE (current pack completed)
 */
int ferry_record_put(ferry_buf *sys_id_out, ferry_db *db, const char *entity,
	const char *json);

/** One record: {sys_id, sys_policy, sys_vendor, sys_version, <fields>}. */
int ferry_record_get(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id);

/** Called once per record with its JSON object; non-zero stops. */
typedef int (*ferry_record_cb)(const char *json, size_t len, void *payload);

/** Every record of an entity, ordered by sys_id, to a callback. */
int ferry_record_list(ferry_db *db, const char *entity, ferry_record_cb cb,
	void *payload);

/** One condition of ferry_record_list_v2(): the field equals the value. */
typedef struct {
	const char *field;	/**< a field, or sys_id, sys_policy, sys_vendor */
	const char *value;	/**< text read as the field's type: 42, true,
				 "10.5" or 10.5 for a decimal, plain text */
} ferry_record_filter;

/** Options of ferry_record_list_v2(). */
typedef struct {
	unsigned version;	/**< FERRY_RECORD_LIST_OPTIONS_VERSION */
	const ferry_record_filter *filters; /**< all must hold (AND) */
	size_t nfilters;
	uint64_t limit;		/**< at most this many records; 0: all */
	uint64_t offset;	/**< skip this many first */
} ferry_record_list_options;

#define FERRY_RECORD_LIST_OPTIONS_VERSION 1
#define FERRY_RECORD_LIST_OPTIONS_INIT \
	{ FERRY_RECORD_LIST_OPTIONS_VERSION, NULL, 0, 0, 0 }

/**
 * As ferry_record_list(), keeping the records whose fields equal the
 * filters' values, one page of them (ordered by sys_id).  Each value is
 * checked and converted as ferry_record_put() would store it, so
 * "10.5" finds a decimal(10,2) stored as "10.50".
 *
 * @param opts options, or NULL for FERRY_RECORD_LIST_OPTIONS_INIT
 * @return 0; FERRY_ENOTFOUND (no such entity, or no such field: the
 *	message lists the fields); FERRY_EINVALID (a value that does not
 *	fit the field's type)
 */
int ferry_record_list_v2(ferry_db *db, const char *entity,
	const ferry_record_list_options *opts, ferry_record_cb cb,
	void *payload);

/**
 * Load JSON Lines (one object a line) into an entity in one transaction.
 * A line with a sys_id updates that record or inserts it under that id.
 * Any bad line fails the whole load, naming the line.
 *
 * @param[out] count records written (may be NULL)
 */
int ferry_record_load(uint64_t *count, ferry_db *db, const char *entity,
	FILE *in);

/** One input of ferry_record_load_many(). */
typedef struct ferry_record_source {
	const char *entity;
	FILE *in;		/* JSON Lines, as ferry_record_load() reads */
	const char *name;	/* names the input in messages; NULL: entity */
} ferry_record_source;

/**
 * Load several inputs, each into its entity, in turn and in one
 * transaction: all of them or nothing.  A line may refer to a record an
 * earlier input (or an earlier line) loads.  With more than one input, a
 * message starts with the name of the input it is about.
 *
 * @param[out] counts records written by each input (n entries; may be
 *                    NULL)
 */
int ferry_record_load_many(uint64_t *counts, ferry_db *db,
	const ferry_record_source *sources, size_t n);

/** Delete a record (its last version is kept in the history). */
int ferry_record_delete(ferry_db *db, const char *entity,
	const char *sys_id);

/**
 * Version history, oldest first:
 * [{version, parent, action, author, at, pack, source, payload}].
 */
int ferry_record_history(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id);

/** Bring an earlier version back as a new version (source "restore"). */
int ferry_record_restore(ferry_db *db, const char *entity,
	const char *sys_id, const char *version);

/**
 * As ferry_record_restore(), saying what happened.
 *
 * @param version the version's hash or a unique prefix of at least 4
 * @param[out] out {entity, sys_id, restored, version}: the whole hash of
 *	the version brought back, and of the new version it became (null
 *	when nothing had to change: a delete of a record already gone)
 */
int ferry_record_restore_v2(ferry_buf *out, ferry_db *db, const char *entity,
	const char *sys_id, const char *version);

#ifdef __cplusplus
}
#endif

#endif
