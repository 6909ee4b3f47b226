/*
 * database.c - opening, creating and closing the SQLite file of an
 * instance; transactions; backups.
 */
#include "sq.h"

#include "alloc.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ferry_store__migrate(ferry_db *db);

static int connect(ferry_db *db, const char *path, int flags)
{
	int rc;

	if ((db->store = ferry__calloc(1, sizeof(*db->store))) == NULL)
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	rc = sqlite3_open_v2(path, &db->store->conn, flags, NULL);
	if (rc != SQLITE_OK)
		return ferry__error(db, FERRY_EIO, "cannot open %s: %s", path,
			db->store->conn ? sqlite3_errmsg(db->store->conn) :
			sqlite3_errstr(rc));
	sqlite3_extended_result_codes(db->store->conn, 1);
	sqlite3_busy_timeout(db->store->conn, 5000);
	/* WAL lets readers run beside the one writer; foreign keys keep the
	 * system tables honest.  A 64 MiB page cache (SQLite's default is
	 * 2 MiB) keeps the random lookups of a large export or import
	 * (versions by id, records by sys_id) out of the kernel: measured at
	 * 1M records in docs/performance.md.  It is a bound, so memory still
	 * does not grow with the package. */
	return ferry_sq__exec(db, "PRAGMA journal_mode = WAL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA cache_size = -65536;");
}

int ferry_store__schema_version(ferry_db *db, int *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->store->conn, "PRAGMA user_version", -1,
		&st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "open");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ferry__error(db, FERRY_EFORMAT, "%s is not a ferry "
			"instance (%s)", db->path,
			sqlite3_errmsg(db->store->conn));
	return 0;
}

int ferry_store__create(ferry_db *db, const char *path, const char *id,
	const char *name, const char *now)
{
	sqlite3_stmt *st;
	struct stat sb;
	int error;

	if (stat(path, &sb) == 0)
		return ferry__error(db, FERRY_EEXISTS, "%s already exists; "
			"choose another path, or open it with --db", path);
	if ((error = connect(db, path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE)) < 0)
		goto fail;
	if ((error = ferry_store__begin(db)) < 0)
		goto fail;
	if ((error = ferry_store__migrate(db)) < 0)
		goto rollback;
	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_instance "
	    "(id, name, created_at) VALUES (?1, ?2, ?3)", &st)) < 0)
		goto rollback;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	if ((error = ferry_sq__done(db, st, "init")) < 0)
		goto rollback;
	return 0;
rollback:
	ferry_store__rollback(db);
fail:
	ferry_store__close(db);
	unlink(path);
	return error;
}

int ferry_store__open(ferry_db *db, const char *path)
{
	struct stat sb;
	sqlite3_stmt *st;
	int error, rc;

	if (stat(path, &sb) < 0)
		return ferry__error(db, FERRY_ENOTFOUND, "no instance at %s; "
			"create one with 'ferry --db %s init'", path, path);
	if ((error = connect(db, path, SQLITE_OPEN_READWRITE)) < 0)
		return error;
	/* An instance has our table; anything else is refused untouched. */
	rc = sqlite3_prepare_v2(db->store->conn, "SELECT 1 FROM sqlite_master "
		"WHERE type = 'table' AND name = 'ferry_instance'", -1, &st,
		NULL);
	if (rc != SQLITE_OK)
		return ferry__error(db, FERRY_EFORMAT, "%s is not a ferry "
			"instance (%s)", path, sqlite3_errmsg(db->store->conn));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ferry__error(db, FERRY_EFORMAT, "%s is not a ferry "
			"instance; create one with 'ferry --db PATH init'",
			path);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	return ferry_store__end(db, ferry_store__migrate(db));
}

void ferry_store__close(ferry_db *db)
{
	ferry_store *st = db->store;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < SQ_CACHE_SIZE; i++) {
		if (st->cache[i].stmt)
			sqlite3_finalize(st->cache[i].stmt);
		ferry__free(st->cache[i].sql);
	}
	if (st->conn)
		sqlite3_close(st->conn);
	ferry__free(st);
	db->store = NULL;
}

int ferry_store__begin(ferry_db *db)
{
	int error;

	if (db->store->depth++ > 0)
		return 0;
	if ((error = ferry_sq__exec(db, "BEGIN IMMEDIATE")) < 0)
		db->store->depth = 0;
	return error;
}

int ferry_store__commit(ferry_db *db)
{
	int error;

	if (db->store->depth <= 0 || --db->store->depth > 0)
		return 0;
	if ((error = ferry_sq__exec(db, "COMMIT")) < 0)
		ferry_store__rollback(db);
	return error;
}

void ferry_store__rollback(ferry_db *db)
{
	db->store->depth = 0;
	if (!sqlite3_get_autocommit(db->store->conn))
		sqlite3_exec(db->store->conn, "ROLLBACK", NULL, NULL, NULL);
}

int ferry_store__end(ferry_db *db, int error)
{
	if (error < 0) {
		ferry_store__rollback(db);
		return error;
	}
	return ferry_store__commit(db);
}

void ferry_store__library_versions(const char **built, const char **running)
{
	*built = SQLITE_VERSION;
	*running = sqlite3_libversion();
}

int ferry_store__backup(ferry_db *db, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	struct stat sb;
	int rc;

	if (stat(path, &sb) == 0)
		return ferry__error(db, FERRY_EEXISTS, "backup %s already "
			"exists", path);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
		SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	if ((b = sqlite3_backup_init(dst, "main", db->store->conn,
	    "main")) == NULL) {
		rc = sqlite3_errcode(dst);
		goto fail;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		goto fail;
	}
	rc = sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : ferry__error(db, FERRY_EIO,
		"cannot write backup %s", path);
fail:
	ferry__error(db, FERRY_EIO, "cannot write backup %s: %s; free some "
		"space or pass --no-backup", path, dst ? sqlite3_errmsg(dst) :
		sqlite3_errstr(rc));
	sqlite3_close(dst);
	unlink(path);
	return FERRY_EIO;
}

int ferry_store__instance(ferry_db *db, ferry_str *id, ferry_str *name)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT id, name FROM "
	    "ferry_instance", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ferry_str_puts(id, (const char *)sqlite3_column_text(st, 0));
		ferry_str_puts(name, (const char *)sqlite3_column_text(st, 1));
	}
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading the instance");
	if (ferry_str_failed(id) || ferry_str_failed(name))
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	return 0;
}
