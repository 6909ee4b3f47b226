/*
 * db.h - the instance handle and the error, clock and actor state every
 * library module shares.
 *
 * A ferry_db wraps one store (the database) plus the session facts a call
 * needs: who is acting, what time it is, where to report progress.  The
 * handle's layout and its error state (ferry__error(), ferry__oom(),
 * FERRY_CHECK_DB) are store/handle.h's, the bottom of the library.
 */
#ifndef FERRY_LIB_DB_H
#define FERRY_LIB_DB_H

#include "ferry.h"
#include "store/handle.h"
#include "str.h"
#include "timeutil.h"

#include <stdint.h>

/* Now, UTC seconds (fixed clock if one is set). */
int64_t ferry__now(const ferry_db *db);
void ferry__now_iso(const ferry_db *db, char out[FERRY_ISO_LEN]);

/*
 * Write one audit log entry (who, when, from which address, what, on
 * which object, with which outcome) inside the caller's transaction, so
 * the entry stands or falls with the change it records.  `user` NULL:
 * no known actor (a failed login).
 */
int ferry__audit(ferry_db *db, const char *user, const char *operation,
	const char *object, const char *outcome);

/*
 * Make sure the acting user is known (resolving the default, the first
 * admin, when none was named).  FERRY_ENOTFOUND for an unknown user.
 */
int ferry__actor(ferry_db *db);
/* As ferry__actor(), and FERRY_EDENIED unless the actor is an admin;
 * `what` completes "only admins may ...". */
int ferry__require_admin(ferry_db *db, const char *what);

/*
 * A name people give (users, trusted keys): 1 to 100 printable
 * characters, no spaces at the ends, not starting with '-'.  `what`
 * names it in the message ("user name").
 */
int ferry__check_name(ferry_db *db, const char *what, const char *name);

/* Move a string's content into a caller's buffer. */
int ferry__buf_take(ferry_db *db, ferry_buf *out, ferry_str *s);
int ferry__buf_set(ferry_db *db, ferry_buf *out, const char *text);

/*
 * Back the instance up before a risky change (import commit, unpack):
 * "<prefix>.backup-<YYYYMMDDTHHMMSSZ>[-N].db" (ferry__backup_prefix),
 * by the store.  Call outside a transaction.  path receives the file.
 */
int ferry__backup(ferry_db *db, ferry_str *path);
/*
 * What the instance's backups are named from: the prefix set by
 * ferry_db_set_backup_prefix(), else the instance file (beside it), else
 * an address's database (in the current folder).
 */
const char *ferry__backup_prefix(const ferry_db *db);

/*
 * The common shape of a read call: resolve the actor, let the store build
 * a JSON document, hand it to the caller.
 */
int ferry__document(ferry_db *db, ferry_buf *out,
	int (*build)(ferry_db *db, ferry_str *json));

/*
 * Bracket a bulk step of the given kind (store_ops.h, "bulk"): the
 * outermost begin asks the store for the memory bound of its kind, the
 * matching end gives it back.  ferry__bulk_end returns error, else the
 * store's failure to go back.
 */
int ferry__bulk_begin(ferry_db *db, ferry_bulk kind);
int ferry__bulk_end(ferry_db *db, int error);

/* Report progress if a callback is set. */
void ferry__progress(ferry_db *db, const char *what, uint64_t done,
	uint64_t total);

#endif
