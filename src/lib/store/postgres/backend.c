/*
 * backend.c - the PostgreSQL backend's table of operations: an instance
 * in a database of a PostgreSQL server, reached through libpq.
 */
#include "pg.h"

#include <pg_config.h>

#include <stdio.h>
#include <string.h>

/* postgresql:// and postgres:// addresses (libpq's connection URIs). */
static int claims(const char *location)
{
	return !strncmp(location, "postgresql://", 13) ||
		!strncmp(location, "postgres://", 11);
}

/* (loads libpq, which ferry otherwise loads only for an instance on
 * PostgreSQL: pq.h) */
static void library_versions(const char **built, const char **running)
{
	static char theirs[16];
	int v;

	*built = PG_MAJORVERSION;
	if (ferry_pq__load(NULL) < 0) {
		*running = "not installed";
		return;
	}
	v = PQlibVersion();
	snprintf(theirs, sizeof(theirs), "%d.%d", v / 10000, v % 10000);
	*running = theirs;
}

const ferry_store_backend ferry_pg_backend = {
	.version = FERRY_STORE_BACKEND_VERSION,
	.name = "PostgreSQL",
	.library = "libpq",
	.claims = claims,
	.library_versions = library_versions,
#define FERRY_STORE_OP(ret, op, params, args) .op = ferry_pg__##op,
#define FERRY_STORE_VOID_OP(op, params, args) .op = ferry_pg__##op,
#define FERRY_STORE_OWN_OP(ret, op, params) .op = ferry_pg__##op,
#include "../store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP
};
