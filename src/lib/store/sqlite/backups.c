/*
 * backups.c - the store's side of restoring a backup: reading a backup
 * file without changing it (is it whole, is it an instance, which one),
 * and copying it over the open instance in one transaction.
 */
#include "sq.h"

#include "../errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ferry_sqlite__migrate(ferry_db *db);

/* Column 0 of the one row of sql on conn, as text, into out. */
static int one_text(sqlite3 *conn, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);

	out[0] = '\0';
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		snprintf(out, size, "%s", t ? t : "");
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc;
}

int ferry_sqlite__backup_inspect(ferry_db *db, const char *path,
	ferry_backup_info *out)
{
	sqlite3 *conn = NULL;
	char check[256], version[32];
	int rc, error = 0;

	memset(out, 0, sizeof(*out));
	rc = sqlite3_open_v2(path, &conn, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		error = ferry__error(db, FERRY_EIO, "cannot open %s: %s", path,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		goto done;
	}
	/* A cut-off or damaged copy fails here, before anything else. */
	rc = one_text(conn, "PRAGMA quick_check", check, sizeof(check));
	if (rc != SQLITE_OK || strcmp(check, "ok") != 0) {
		error = ferry_store__backup_damaged(db, path,
			rc != SQLITE_OK ? sqlite3_errmsg(conn) : check);
		goto done;
	}
	if ((rc = one_text(conn, "SELECT id || char(10) || name FROM "
	    "ferry_instance", check, sizeof(check))) != SQLITE_OK) {
		error = ferry_store__not_backup(db, path);
		goto done;
	}
	if ((rc = one_text(conn, "PRAGMA user_version", version,
	    sizeof(version))) != SQLITE_OK) {
		error = ferry_sq__error(db, rc, "reading a backup");
		goto done;
	}
	out->schema_version = (int)strtol(version, NULL, 10);
	{
		char *nl = strchr(check, '\n');

		if (nl)
			*nl = '\0';
		snprintf(out->id, sizeof(out->id), "%.39s", check);
		snprintf(out->name, sizeof(out->name), "%.207s",
			nl ? nl + 1 : "");
	}
done:
	sqlite3_close(conn);
	return error;
}

int ferry_sqlite__restore(ferry_db *db, const char *path)
{
	sqlite3 *src = NULL;
	sqlite3_backup *b;
	int rc, error = 0;

	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		error = ferry__error(db, FERRY_EIO, "cannot open %s: %s", path,
			src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		goto done;
	}
	/*
	 * All pages in one step: SQLite copies them inside one write
	 * transaction on the instance, so other connections see the old
	 * instance or the restored one, and a crash in between leaves the
	 * old one.
	 */
	if ((b = sqlite3_backup_init(SQ(db)->conn, "main", src,
	    "main")) == NULL) {
		error = ferry_sq__error(db, sqlite3_errcode(SQ(db)->conn),
			"restoring a backup");
		goto done;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		error = ferry_sq__error(db, rc, "restoring a backup");
		goto done;
	}
	/* A backup made by an older ferry is brought up to date. */
	if ((error = ferry_sqlite__begin(db)) == 0)
		error = ferry_sqlite__end(db, ferry_sqlite__migrate(db));
done:
	sqlite3_close(src);
	return error;
}
