/*
 * updateset.h - reading a ServiceNow update-set export (updateset.c)
 * into the items of a package, for import_load.c to stage.  docs/interop.md
 * is the user's description of the mapping.
 */
#ifndef FERRY_LIB_UPDATESET_H
#define FERRY_LIB_UPDATESET_H

#include "db.h"
#include "str.h"
#include "types.h"

#include <jansson.h>

/* The header's kind and what an import of one is called. */
#define FERRY_UPDATESET_KIND "servicenow_update_set"

/*
 * Limits, so that a hostile file costs little: the file, one payload,
 * element depth (the parser's own limit is 256), and records.
 */
#define FERRY_UPDATESET_FILE_MAX ((long long)256 << 20)
#define FERRY_UPDATESET_PAYLOAD_MAX ((size_t)64 << 20)
#define FERRY_UPDATESET_DEPTH_MAX 32
#define FERRY_UPDATESET_RECORDS_MAX 1000000

/* FERRY_UPDATESET_RENAME, the prefix of renamed ServiceNow fields, and
 * ferry__updateset_field_name() are identity.h's: names are its rule. */

/* The items of an update set, ready to stage. */
typedef struct {
	char **lines;		/* item lines (JSON, as in a .sop) */
	size_t n, cap;
	json_t *header;		/* the import's header document */
	char pack_uid[37];	/* the set's sys_id as a UUID */
} ferry_updateset;

/* 1 if path is a file whose first non-blank byte is '<' (XML). */
int ferry__updateset_sniff(const char *path);

/*
 * Read and check the whole file; FERRY_EFORMAT (and the others of
 * ferry_import_load) with one message naming the file and the update
 * at fault.  out is disposed of by the caller on success.
 */
int ferry__updateset_read(ferry_db *db, const char *path,
	ferry_updateset *out);
void ferry__updateset_dispose(ferry_updateset *us);

/* A stable sys_id for a catalog record of a package read here (an
 * update set, an Aptify pack): a UUID from its key. */
void ferry__updateset_catalog_id(char out[37], const char *key);

/* One record item line (open, not a vendor's, no base), its version
 * and seal computed from the canonical payload. */
void ferry__updateset_record_item(ferry_str *line, const char *entity,
	const char *sys_id, const char *key, const char *action,
	const char *payload, size_t len);

/* Append a copy of line to out and clear line; -1 out of memory. */
int ferry__updateset_add_line(ferry_updateset *out, ferry_str *line);


/*
 * An Aptify pack folder (cmpack.c reads it) as the items of a package
 * for `ferry import load DIR.cmpack` (cmpack_import.c): per entity its
 * sys_entity record, a sys_field record per field and its associated
 * objects' records, with a header of kind FERRY_CMPACK_KIND in update-set
 * mode.  FERRY_EFORMAT with one message for a pack ferry cannot take;
 * out is disposed of by the caller on success.
 */
#define FERRY_CMPACK_KIND "aptify_cmpack"
int ferry__cmpack_items(ferry_db *db, const char *dir, ferry_updateset *out);

#endif
