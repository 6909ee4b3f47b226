/*
 * handle.h - the instance handle and its error state, at the bottom of
 * the library.
 *
 * Every layer of the library records its failures in the handle's last
 * error, the store included, so the handle's layout and the functions
 * that set its error live here, below both src/lib and the store's
 * queries: the store then needs nothing from the rules above it (see the
 * layers in docs/architecture.md and the check of tests/meta/graph.py).
 * db.h adds what only the rules use (the clock, the actor, output).
 *
 * Errors are recorded once, where they happen: ferry__error() sets the
 * message and returns the code, callers pass the negative code up
 * unchanged.  Every public entry point clears the last error first
 * (FERRY_CHECK_DB), so ferry_errmsg() always speaks of the latest call.
 */
#ifndef FERRY_STORE_HANDLE_H
#define FERRY_STORE_HANDLE_H

#include "ferry.h"
#include "str.h"

#include <stdint.h>

typedef struct ferry_store_backend ferry_store_backend;

/* How a bulk step uses the instance (store_ops.h, "bulk"). */
typedef enum {
	FERRY_BULK_OFF = 0,	/* not a bulk step */
	FERRY_BULK_WIDE,	/* reads across the whole instance: an
				 * import, a back out, an export */
	FERRY_BULK_APPEND	/* writes new pages, reads little of the
				 * rest: `record load` */
} ferry_bulk;

struct ferry_db {
	const ferry_store_backend *backend;	/* its store (store.h) */
	void *store;		/* the backend's connection; NULL once closed */
	char *path;		/* the instance: a file, or an address */
	char *shown;		/* path as messages show it: an address
				 * without its password */
	char *stem;		/* what the files beside the instance are
				 * named from (backups, the signing key):
				 * the file, or an address's database */
	char *key_file;		/* the signing key file; NULL: path".key" */
	char *backup_prefix;	/* what backups are named from; NULL: stem */
	ferry_str errmsg;	/* last error message */
	int64_t fixed_now;	/* clock fixed by ferry_db_set_now() */
	int has_fixed_now;
	char *user;		/* acting user; NULL until resolved */
	int user_admin;		/* the acting user's admin flag */
	char *user_tz;		/* the acting user's time zone */
	int64_t user_pack;	/* the acting user's current pack id */
	int user_resolved;	/* user, user_admin, user_tz, user_pack valid */
	char *address;		/* where calls come from; NULL: local */
	ferry_progress_cb progress;
	void *progress_payload;
	int bulk;		/* depth of ferry__bulk_begin() */
};

/* Record a message for code and return code.  Printf-style. */
int ferry__error(ferry_db *db, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Forget the last error (the start of every public call). */
void ferry__error_clear(ferry_db *db);
/*
 * The one answer to a failed allocation: records "out of memory" and
 * returns FERRY_ENOMEM.  Every allocation failure in the library ends
 * here, so the message and the code are the same everywhere.
 */
int ferry__oom(ferry_db *db);

/*
 * Misuse of the library (a NULL handle or argument, a closed handle):
 * a debug build stops at once, naming the function and the broken
 * condition, so a caller's mistake is loud in every test; a release
 * build returns FERRY_EMISUSE.  Tests of the FERRY_EMISUSE answers
 * themselves turn the stop off with ferry__misuse_abort(0).
 */
int ferry__misuse(const char *func, const char *what);
/* Stop (1, the debug build's default) or return FERRY_EMISUSE (0) on
 * misuse; returns the previous setting.  For tests only. */
int ferry__misuse_abort(int on);

/*
 * The one check of misuse: unless expr holds, ferry__misuse() (a stop
 * in debug builds) and return FERRY_EMISUSE from the calling function.
 * Only at the top of a function, before anything needs cleaning up.
 */
#define FERRY_ASSERT_ARG(expr) \
	do { \
		if (!(expr)) \
			return ferry__misuse(__func__, #expr); \
	} while (0)

/*
 * The start of every public call taking a handle: misuse unless db is an
 * open handle (FERRY_ASSERT_ARG); then the last error is cleared, so
 * ferry_errmsg() speaks of this call only.
 */
#define FERRY_CHECK_DB(db) \
	do { \
		FERRY_ASSERT_ARG((db) != NULL && (db)->store != NULL); \
		ferry__error_clear(db); \
	} while (0)

#endif
