/*
 * errors.c - the words of the failures every store backend can meet
 * (errors.h).
 */
#include "errors.h"

int ferry_store__busy(ferry_db *db)
{
	return ferry__error(db, FERRY_EBUSY, "the instance is busy (another "
		"ferry is writing to it); try again when it has finished");
}

int ferry_store__full(ferry_db *db, const char *what)
{
	return ferry__error(db, FERRY_EIO, "the disk is full (during %s); "
		"nothing was changed: free some space and try again", what);
}

int ferry_store__not_instance(ferry_db *db, const char *location)
{
	return ferry__error(db, FERRY_EFORMAT, "%s is not a ferry instance; "
		"it was left untouched (create one with 'ferry --db %s "
		"init')", location, location);
}

int ferry_store__newer(ferry_db *db, const char *location, int version,
	int known)
{
	return ferry__error(db, FERRY_EFORMAT, "the instance %s was made by "
		"a newer ferry (schema %d, this ferry knows up to %d); upgrade "
		"ferry to open it", location, version, known);
}

int ferry_store__backup_exists(ferry_db *db, const char *path)
{
	return ferry__error(db, FERRY_EEXISTS, "backup %s already exists",
		path);
}

int ferry_store__backup_unwritable(ferry_db *db, const char *path,
	const char *why)
{
	return ferry__error(db, FERRY_EIO, "cannot write backup %s: %s; free "
		"some space or pass --no-backup", path, why);
}

int ferry_store__backup_damaged(ferry_db *db, const char *path,
	const char *why)
{
	return ferry__error(db, FERRY_EFORMAT, "%s is not a whole ferry "
		"backup (%s); it was cut off or damaged: restore another one "
		"(see 'ferry backup list')", path, why);
}

int ferry_store__not_backup(ferry_db *db, const char *path)
{
	return ferry__error(db, FERRY_EFORMAT, "%s is not a ferry instance or "
		"backup; restore a file that 'ferry backup list' shows", path);
}

int ferry_store__rows_missing(ferry_db *db, const char *entity, size_t n)
{
	return ferry__error(db, FERRY_EFORMAT, "%zu %s record(s) have no row "
		"though their versions say they are there; the instance is "
		"damaged; nothing was changed: restore it from a backup (see "
		"'ferry backup list')", n, entity);
}

int ferry_store__failed(ferry_db *db, int code, const char *what,
	const char *detail)
{
	return ferry__error(db, code, "database error during %s: %s", what,
		detail);
}
