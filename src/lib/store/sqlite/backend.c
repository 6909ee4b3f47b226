/*
 * backend.c - the SQLite backend's table of operations: an instance in
 * one file, opened through the SQLite library linked into ferry.
 */
#include "sq.h"

#include <string.h>

/* Every location that is not an address ("scheme://...") is a file. */
static int claims(const char *location)
{
	return strstr(location, "://") == NULL;
}

static void library_versions(const char **built, const char **running)
{
	*built = SQLITE_VERSION;
	*running = sqlite3_libversion();
}

const ferry_store_backend ferry_sqlite_backend = {
	.version = FERRY_STORE_BACKEND_VERSION,
	.name = "SQLite",
	.library = "sqlite",
	.claims = claims,
	.library_versions = library_versions,
#define FERRY_STORE_OP(ret, op, params, args) .op = ferry_sqlite__##op,
#define FERRY_STORE_VOID_OP(op, params, args) .op = ferry_sqlite__##op,
#define FERRY_STORE_OWN_OP(ret, op, params) .op = ferry_sqlite__##op,
#include "../store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP
};
