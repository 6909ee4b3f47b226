/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__backup_inspect(ferry_db *db, const char *path, ferry_backup_info *out)
{
	return ferry_pg__unported(db, "backup inspect");
}

int ferry_pg__restore(ferry_db *db, const char *path)
{
	return ferry_pg__unported(db, "restore");
}

int ferry_pg__backup(ferry_db *db, const char *path)
{
	return ferry_pg__unported(db, "backup");
}

