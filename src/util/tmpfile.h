/*
 * tmpfile.h - files that appear whole or not at all: written under a
 * temporary name beside their target (`PATH.tmp-XXXXXX`), then moved into
 * place.  Every temporary file alive is remembered, so that a signal
 * handler can remove them (ferry_tmpfile_cleanup() is async-signal-safe)
 * and an interrupted run leaves nothing half-written behind.
 */
#ifndef FERRY_UTIL_TMPFILE_H
#define FERRY_UTIL_TMPFILE_H

#include <sys/types.h>

/*
 * Create `path.tmp-XXXXXX` exclusively with the given mode (less the
 * umask).  Returns an open, writable descriptor and the name in *tmp
 * (to pass to ferry_tmpfile_discard() or _publish()), or -errno.
 */
int ferry_tmpfile_create(const char *path, mode_t mode, char **tmp);

/*
 * Move tmp to path: with overwrite by rename(), else by link() (atomic
 * "create unless it exists"; a check then rename() on file systems
 * without hard links), then make the move durable.  0, -EEXIST if path
 * exists and overwrite is 0, or -errno.  On success tmp is freed and
 * forgotten; on failure it stays for ferry_tmpfile_discard().
 */
int ferry_tmpfile_publish(char **tmp, const char *path, int overwrite);

/*
 * Make a rename or link of path durable: fsync the folder that holds it.
 * Best effort (the data itself is synced).
 */
void ferry_tmpfile_sync_dir(const char *path);

/* Remove tmp (if not NULL), forget it, free it and set it to NULL. */
void ferry_tmpfile_discard(char **tmp);

/* Remove every temporary file alive.  Async-signal-safe. */
void ferry_tmpfile_cleanup(void);

#endif
