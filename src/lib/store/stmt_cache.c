/*
 * stmt_cache.c - choosing the slots of a backend's statement cache (see
 * stmt_cache.h).
 */
#include "stmt_cache.h"

#include <string.h>

/* FNV-1a of the SQL text. */
static size_t set_of(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return (h % STMT_CACHE_SETS) * STMT_CACHE_WAYS;
}

size_t ferry_stmt_cache_find(ferry_stmt_cache *c, const char *sql,
	size_t *set)
{
	size_t i;

	*set = set_of(sql);
	for (i = *set; i < *set + STMT_CACHE_WAYS; i++)
		if (c->keys[i].sql && !strcmp(c->keys[i].sql, sql)) {
			c->keys[i].used = ++c->tick;
			return i;
		}
	return STMT_CACHE_SIZE;
}

size_t ferry_stmt_cache_victim(const ferry_stmt_cache *c, size_t set,
	int (*in_use)(size_t slot, void *ctx), void *ctx)
{
	size_t i, victim = STMT_CACHE_SIZE;

	for (i = set; i < set + STMT_CACHE_WAYS; i++) {
		if (!c->keys[i].sql)
			return i;
		if ((!in_use || !in_use(i, ctx)) &&
		    (victim == STMT_CACHE_SIZE ||
		    c->keys[i].used < c->keys[victim].used))
			victim = i;
	}
	return victim;
}

void ferry_stmt_cache_fill(ferry_stmt_cache *c, size_t i, char *sql)
{
	c->keys[i].sql = sql;
	c->keys[i].used = ++c->tick;
}
