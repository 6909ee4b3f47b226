/*
 * stmt_cache.h - where a backend keeps a prepared statement: both stores
 * keep their statements by SQL text in a set-associative table of
 * STMT_CACHE_SETS sets of STMT_CACHE_WAYS slots, the least recently used
 * slot of a set replaced.
 *
 * A direct-mapped table let two statements of one loop that hash to one
 * slot evict each other on every call: a back out re-parsed two of its
 * statements 56,000 times at 20,000 records (docs/performance.md).  The
 * backends keep what a slot holds (SQLite's statement, PostgreSQL's
 * statement name); these functions only find and choose slots.
 */
#ifndef FERRY_STORE_STMT_CACHE_H
#define FERRY_STORE_STMT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define STMT_CACHE_WAYS 4
#define STMT_CACHE_SETS 64
#define STMT_CACHE_SIZE (STMT_CACHE_WAYS * STMT_CACHE_SETS)

/* One slot's key: its SQL text (NULL: empty) and when it was last used. */
typedef struct {
	char *sql;
	uint64_t used;
} ferry_stmt_key;

typedef struct {
	ferry_stmt_key keys[STMT_CACHE_SIZE];
	uint64_t tick;
} ferry_stmt_cache;

/*
 * The slot holding sql (marked used), or STMT_CACHE_SIZE with *set the
 * first slot of the set it belongs in.
 */
size_t ferry_stmt_cache_find(ferry_stmt_cache *c, const char *sql,
	size_t *set);

/*
 * The slot of `set` to fill: an empty one, else the least recently used
 * one that in_use (may be NULL) does not say is in use; STMT_CACHE_SIZE
 * when every slot is in use.
 */
size_t ferry_stmt_cache_victim(const ferry_stmt_cache *c, size_t set,
	int (*in_use)(size_t slot, void *ctx), void *ctx);

/* Slot i now holds sql (the cache takes the copy), used now. */
void ferry_stmt_cache_fill(ferry_stmt_cache *c, size_t i, char *sql);

#endif
