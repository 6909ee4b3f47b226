/*
 * errors.h - the failures every store backend can meet, each worded
 * once: a backend maps its database's codes onto these, so a busy
 * instance or a full disk reads the same whichever store holds it.
 */
#ifndef FERRY_STORE_ERRORS_H
#define FERRY_STORE_ERRORS_H

#include "handle.h"

/* Another writer holds the instance (FERRY_EBUSY). */
int ferry_store__busy(ferry_db *db);
/* No space left while doing `what`; nothing was changed (FERRY_EIO). */
int ferry_store__full(ferry_db *db, const char *what);
/* location holds something that is not an instance (FERRY_EFORMAT). */
int ferry_store__not_instance(ferry_db *db, const char *location);
/* The instance's schema is newer than this ferry's (FERRY_EFORMAT). */
int ferry_store__newer(ferry_db *db, const char *location, int version,
	int known);
/* A backup file: path exists already (FERRY_EEXISTS); cannot be
 * written, for the reason why (FERRY_EIO); is cut off or damaged
 * (FERRY_EFORMAT); is no backup of an instance at all (FERRY_EFORMAT). */
int ferry_store__backup_exists(ferry_db *db, const char *path);
int ferry_store__backup_unwritable(ferry_db *db, const char *path,
	const char *why);
int ferry_store__backup_damaged(ferry_db *db, const char *path,
	const char *why);
int ferry_store__not_backup(ferry_db *db, const char *path);
/* A batch of changes found n of its records without a row, though their
 * versions say they are there (FERRY_EFORMAT): the instance is damaged. */
int ferry_store__rows_missing(ferry_db *db, const char *entity, size_t n);
/* A database failure with the database's own words (FERRY_ERROR). */
int ferry_store__failed(ferry_db *db, int code, const char *what,
	const char *detail);

#endif
