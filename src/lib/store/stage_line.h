/*
 * stage_line.h - the columns of an item line as both stores stage them:
 * the keys that stay in ferry_import_item, then what a commit drops
 * (ferry_import_payload).  Each column is what SQLite's json1 hands out
 * for the member (stage_json.h): text, or NULL for a member the line
 * lacks or holds null; the payload and "old" as written in the line.
 *
 * The SQLite store pulled these with one SQL statement of json1 calls a
 * line, about a sixth of a load (docs/performance.md).  Now load reads
 * each line here once, judges the item on its own from what it read
 * (import_verdict.c), and hands both to the store, which writes them
 * (ferry_staged_item).
 */
#ifndef FERRY_STORE_STAGE_LINE_H
#define FERRY_STORE_STAGE_LINE_H

#include "stage_json.h"
#include "store.h"

/* The columns, in the order the stores write them. */
enum {
	FERRY_COL_T, FERRY_COL_ENTITY, FERRY_COL_SYS_ID, FERRY_COL_RKEY,
	FERRY_COL_ACTION,
	/* to ferry_import_payload from here, but the seal: the library
	 * checks it as it reads the line, and no store keeps it */
	FERRY_COL_VERSION, FERRY_COL_BASE, FERRY_COL_POLICY,
	FERRY_COL_VENDOR, FERRY_COL_PAYLOAD, FERRY_COL_OLD, FERRY_COL_BODY,
	FERRY_COL_SEAL, FERRY_NCOLS
};

struct ferry_stage_line {
	ferry_str line;			/* the line, NUL-terminated */
	sj_value root;			/* the line's value */
	ferry_str col[FERRY_NCOLS];	/* vendor: "1" or "0" */
	int null[FERRY_NCOLS];
	/* 1 << c: the line has no member at all for column c (not even a
	 * null); set for the key, version and vendor columns. */
	unsigned absent;
	/* Where the version column comes from (the library's,
	 * import_feed.c): the line, or the item's own content, a format 2
	 * line having left it out; then whether the seal is over it. */
	enum {
		FERRY_VERSION_WRITTEN, FERRY_VERSION_DERIVED,
		FERRY_VERSION_DERIVED_SEALED
	} version_from;
};

/*
 * Read one line into sl (reused line after line): 0, FERRY_STAGE_NOT_JSON
 * when json1 would not take it, or -1 when memory ran out.  With the
 * line's spans set (ferry_import_line), payload and old are those bytes.
 */
int ferry_stage_line__read(ferry_stage_line *sl, const ferry_import_line *l);
void ferry_stage_line__dispose(ferry_stage_line *sl);

/* Column c's text, or NULL. */
#define FERRY_STAGED(sl, c) ((sl)->null[c] ? NULL : \
	ferry_str_cstr(&(sl)->col[c]))

#endif
