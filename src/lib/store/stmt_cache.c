/*
 * stmt_cache.c - choosing the slots of a backend's statement cache (see
 * stmt_cache.h).
 */
#include "stmt_cache.h"

#include <string.h>

/* FNV-1a of n bytes, from h. */
static uint32_t fnv1a(uint32_t h, const char *s, size_t n)
{
	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * FNV-1a of the SQL text; of a long text, of its length and its first
 * and last HASHED bytes only.  A statement of a commit or a back out is
 * hundreds of bytes looked up once a record: hashing all of it a byte at
 * a time was 4.5% of a back out.  Texts that share both ends and the
 * length still land in different ways of a set, or at worst take turns
 * (strcmp tells them apart).
 */
#define HASHED 32
static size_t set_of(const char *s)
{
	size_t n = strlen(s);
	uint32_t h = 2166136261u;

	if (n <= 2 * HASHED)
		h = fnv1a(h, s, n);
	else
		h = fnv1a(fnv1a(fnv1a(h, (const char *)&n, sizeof(n)), s,
			HASHED), s + n - HASHED, HASHED);
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
