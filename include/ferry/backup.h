/*
 * ferry/backup.h - the backups ferry takes before risky work (import
 * commit, entity unpack, restore): listing them and restoring one.
 *
 * A backup is a whole copy of the instance file beside it, named
 * "<instance>.backup-<YYYYMMDDTHHMMSSZ>[-N].db" (the time in UTC); a
 * PostgreSQL instance's is a pg_dump archive named after its database,
 * in the current folder.  ferry_db_set_backup_prefix() names them
 * otherwise.
 */
#ifndef FERRY_BACKUP_H
#define FERRY_BACKUP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Name the instance's backups "<prefix>.backup-<time>.db" (NULL: the
 * default, the instance file's path, or for an instance that is not a
 * file, its database name in the current folder), for taking, listing
 * and finding them.  A prefix with a folder puts them in that folder.
 * @return 0, FERRY_ENOMEM
 */
int ferry_db_set_backup_prefix(ferry_db *db, const char *prefix);

/**
 * The instance's backups, oldest first: [{path, created_at, bytes}].
 * created_at is the time in the file's name.  Anyone may list.
 *
 * @param[out] out the document
 * @return 0, FERRY_EIO (the folder cannot be read), FERRY_ENOMEM
 */
int ferry_backup_list(ferry_buf *out, ferry_db *db);

/**
 * Replace the instance's content with a backup's (admins only).
 *
 * The file is checked first and refused, with nothing changed, when it
 * is cut off or damaged, not a ferry instance, a backup of another
 * instance, or made by a newer ferry.  Then the current state is backed
 * up, and the backup's pages are copied over the instance in one
 * transaction: other users see the old instance or the restored one,
 * never a mix, and a crash leaves the old one.  A backup made by an
 * older ferry is upgraded.
 *
 * @param[out] out {restored, backup, instance:{id, name}}: the file
 *	restored, and the backup of the state before
 * @return 0; FERRY_EDENIED; FERRY_ENOTFOUND (no such file);
 *	FERRY_EFORMAT (cut off, damaged, not an instance, too new);
 *	FERRY_ECONFLICT (a backup of another instance); FERRY_EBUSY;
 *	FERRY_EIO
 */
int ferry_backup_restore(ferry_buf *out, ferry_db *db, const char *path);

#ifdef __cplusplus
}
#endif

#endif
