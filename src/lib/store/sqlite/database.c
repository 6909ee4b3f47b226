/*
 * database.c - opening, creating and closing the SQLite file of an
 * instance; transactions; backups.
 */
#include "sq.h"

#include "../errors.h"
#include "../parts.h"
#include "alloc.h"
#include "tmpfile.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SQLite's default page cache, in KiB (negative): what a step that is
 * not bulk keeps (ferry_sqlite__bulk). */
#define SMALL_CACHE "-2000"
/* Pages of log that make a commit checkpoint: SQLite's default. */
#define WAL_AUTOCHECKPOINT 1000

int ferry_sqlite__migrate(ferry_db *db);
int ferry_sqlite__needs_migration(int version);

/*
 * SQLite's memory statistics take a process-wide mutex on every
 * allocation it makes: about 2.6% of a load's instructions
 * (docs/performance.md).  ferry reads no statistics, so they are turned
 * off, once, before SQLite starts; where the program embedding ferry
 * started SQLite first, the call is refused and nothing changes.
 */
static void quiet_sqlite(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * Open the connection with the settings that write nothing to the file:
 * WAL mode is persistent, so it is switched on only for a file known to
 * be an instance (wal_mode()), never for a foreign one.
 */
static int connect(ferry_db *db, const char *path, int flags)
{
	int rc;

	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if ((db->store = ferry__calloc(1, sizeof(ferry_sqlite))) == NULL)
		return ferry__oom(db);
	(void)pthread_once(&once, quiet_sqlite);
	/* A handle serves one thread at a time (common.h), so the
	 * connection needs no mutex of its own: SQLite's serialized mode
	 * took and released one some 170 times a record in a load
	 * (docs/performance.md). */
	rc = sqlite3_open_v2(path, &SQ(db)->conn, flags | SQLITE_OPEN_NOMUTEX,
		NULL);
	if (rc != SQLITE_OK)
		return ferry__error(db, FERRY_EIO, "cannot open %s: %s; check "
			"the path and its permissions", path, strerror(errno ?
			errno : EIO));
	sqlite3_extended_result_codes(SQ(db)->conn, 1);
	sqlite3_busy_timeout(SQ(db)->conn, 5000);
	/* Foreign keys keep the system tables honest.  The page cache is
	 * SQLite's default, 2 MiB, but in a bulk step (below). */
	return ferry_sq__exec(db, "PRAGMA foreign_keys = ON;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA cache_size = " SMALL_CACHE ";");
}

/*
 * A 64 MiB page cache keeps the random lookups of a large export or
 * import (versions by id, records by sys_id) out of the kernel: measured
 * at 1M records in docs/performance.md.  `record load` takes 16 MiB:
 * beside the pages it appends, it looks up each reference in the
 * referenced entity's key, and with 4 MiB those pages were gone again
 * by the next batch (a data set of 200,000 records in one run read
 * 126,000 pages back from the kernel, 37,000 with 16 MiB); a smaller
 * cache also spills to the WAL while the reading thread still parses,
 * where a larger one writes more at the commit, which matters little
 * once a data set loads in one run (docs/performance.md, "Record load:
 * a data set in one run").  Every other
 * step keeps 2 MiB: the cache fills with whatever a step reads, so a
 * preview of a million items held 64 MiB where the same preview of
 * 100,000 held 6, for no gain in time.  Shrinking the cache frees the
 * pages above the bound.  A bulk step's log is written back while it
 * runs (writeback.c).
 */
int ferry_sqlite__bulk(ferry_db *db, ferry_bulk kind)
{
	if (kind == FERRY_BULK_OFF) {
		/* What the step's last commit left in the log, copied now
		 * as its commit would have: SQLite's default is back. */
		ferry_sqlite__writeback_stop(db);
		sqlite3_wal_autocheckpoint(SQ(db)->conn, WAL_AUTOCHECKPOINT);
		if (sqlite3_get_autocommit(SQ(db)->conn))
			(void)sqlite3_wal_checkpoint_v2(SQ(db)->conn, "main",
				SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else {
		/* The step's commits leave the copying to the writeback
		 * thread, beside the step (writeback.c). */
		sqlite3_wal_autocheckpoint(SQ(db)->conn, 0);
		ferry_sqlite__writeback_start(db);
	}
	return ferry_sq__exec(db, kind == FERRY_BULK_WIDE ?
		"PRAGMA cache_size = -65536" : kind == FERRY_BULK_APPEND ?
		"PRAGMA cache_size = -16384" : "PRAGMA cache_size = " SMALL_CACHE);
}

/* The staging's commit hands its copy into the file to the writeback
 * thread (writeback.c). */
int ferry_sqlite__commits_staging(ferry_db *db)
{
	(void)db;
	return 1;
}

/*
 * Open a file on a read-only mount as immutable, by URI (the path
 * percent-encoded where a URI needs it).
 */
static int connect_immutable(ferry_db *db, const char *path)
{
	ferry_str uri = FERRY_STR_INIT;
	const char *p;
	int error;

	ferry_str_puts(&uri, "file:");
	for (p = path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			ferry_str_printf(&uri, "%%%02X", (unsigned char)*p);
		else
			ferry_str_putc(&uri, *p);
	ferry_str_puts(&uri, "?immutable=1");
	error = ferry_str_failed(&uri) ? ferry__oom(db) : connect(db, uri.ptr,
		SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	ferry_str_dispose(&uri);
	return error;
}

/* WAL lets readers run beside the one writer (instances only). */
static int wal_mode(ferry_db *db)
{
	return ferry_sq__exec(db, "PRAGMA journal_mode = WAL");
}

/*
 * A new instance's pages are 16 KiB, SQLite's default being 4.  Staged
 * items, versions and records are a few hundred bytes to a few
 * kilobytes each; in larger pages their B-trees are shallower, split a
 * quarter as often and are read and written with a quarter of the
 * system calls.  Measured at a million records (docs/performance.md):
 * import load 31 s to 24 s and commit 35 s to 20 s, the same rows,
 * while the keyed insert floor does not move.  A page size is set
 * before the file's first table; an instance made with 4 KiB pages
 * keeps them.
 */
#define PAGE_SIZE "16384"

/*
 * Paths SQLite would not treat as a file: ":memory:" and "" (a private
 * temporary database) would "create" an instance that is gone at exit.
 */
static int check_path(ferry_db *db, const char *path)
{
	if (!*path || !strcmp(path, ":memory:"))
		return ferry__error(db, FERRY_EINVALID, "'%s' is not a file "
			"path; an instance is a file: give a path like "
			"./ferry.db", path);
	return 0;
}

int ferry_sqlite__create(ferry_db *db, const char *path, const char *id,
	const char *name, const char *now)
{
	sqlite3_stmt *st;
	struct stat sb;
	int error;

	if ((error = check_path(db, path)) < 0)
		return error;
	if (stat(path, &sb) == 0)
		return ferry__error(db, FERRY_EEXISTS, "%s already exists; "
			"choose another path, or open it with --db", path);
	if ((error = connect(db, path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE)) < 0 ||
	    (error = ferry_sq__exec(db, "PRAGMA page_size = " PAGE_SIZE)) < 0 ||
	    (error = wal_mode(db)) < 0)
		goto fail;
	if ((error = ferry_sqlite__begin(db)) < 0)
		goto fail;
	if ((error = ferry_sqlite__migrate(db)) < 0)
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
	ferry_sqlite__rollback(db);
fail:
	ferry_sqlite__close(db);
	unlink(path);
	return error;
}

/*
 * Is the open file an instance?  Only reads: a foreign SQLite file, an
 * empty file or a file that is not SQLite at all is refused untouched.
 */
static int check_instance(ferry_db *db, const char *path)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT 1 FROM sqlite_master "
		"WHERE type = 'table' AND name = 'ferry_instance'", -1, &st,
		NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE || (rc & 0xff) == SQLITE_NOTADB)
		return ferry_store__not_instance(db, path);
	return ferry_sq__error(db, rc, "opening the instance");
}

int ferry_sqlite__open(ferry_db *db, const char *path)
{
	struct stat sb;
	int error, version, readonly;

	if ((error = check_path(db, path)) < 0)
		return error;
	if (stat(path, &sb) < 0)
		return ferry__error(db, FERRY_ENOTFOUND, "no instance at %s; "
			"create one with 'ferry --db %s init'", path, path);
	if (!S_ISREG(sb.st_mode))
		return ferry__error(db, FERRY_EINVALID, "%s is not a file; an "
			"instance is a file made by 'ferry init'", path);
	/* A file we may not write (or on a read-only mount) is opened
	 * read-only: every command that only reads works on it. */
	readonly = access(path, W_OK) != 0;
	error = connect(db, path, readonly ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE);
	if (error == 0)
		error = check_instance(db, path);
	if (error == FERRY_EIO && readonly) {
		/* On a read-only mount SQLite cannot make the WAL index
		 * (-shm) beside the file: read it as immutable instead,
		 * which a mount nobody can write through allows. */
		ferry_sqlite__close(db);
		error = connect_immutable(db, path);
		if (error == 0)
			error = check_instance(db, path);
	}
	if (error < 0 || (error = ferry_sqlite__schema_version(db,
	    &version)) < 0)
		return error;
	/* The write lock only when there is something to migrate; else
	 * migrate() only refuses a file from a newer ferry. */
	if (!ferry_sqlite__needs_migration(version))
		error = ferry_sqlite__migrate(db);
	else if (readonly)
		error = ferry__error(db, FERRY_EIO, "%s was made by an older "
			"ferry and must be upgraded, but it is read-only; open "
			"it once where it can be written", path);
	else if ((error = ferry_sqlite__begin(db)) == 0)
		error = ferry_sqlite__end(db, ferry_sqlite__migrate(db));
	if (error == 0 && !readonly)
		error = wal_mode(db);
	return error;
}

void ferry_sqlite__close(ferry_db *db)
{
	ferry_sqlite *st = SQ(db);
	size_t i;

	if (!st)
		return;
	ferry_sqlite__schema_batch_end(db, FERRY_ERROR);
	ferry_sqlite__writeback_stop(db);
	for (i = 0; i < STMT_CACHE_SIZE; i++) {
		if (st->stmts[i])
			sqlite3_finalize(st->stmts[i]);
		ferry__free(st->cache.keys[i].sql);
	}
	for (i = 0; i < st->nspill; i++)
		sqlite3_finalize(st->spill[i]);
	ferry__free(st->spill);
	if (st->conn)
		sqlite3_close(st->conn);
	ferry__free(st);
	db->store = NULL;
}

/* The outermost begin reaches SQL; inner ones only count. */
static int begin_with(ferry_db *db, const char *sql)
{
	int error;

	if (SQ(db)->depth++ > 0)
		return 0;
	if ((error = ferry_sq__exec(db, sql)) < 0)
		SQ(db)->depth = 0;
	return error;
}

int ferry_sqlite__begin(ferry_db *db)
{
	return begin_with(db, "BEGIN IMMEDIATE");
}

int ferry_sqlite__begin_read(ferry_db *db)
{
	return begin_with(db, "BEGIN DEFERRED");
}

int ferry_sqlite__commit(ferry_db *db)
{
	int error;

	if (SQ(db)->depth <= 0 || --SQ(db)->depth > 0)
		return 0;
	if ((error = ferry_sq__exec(db, "COMMIT")) < 0)
		ferry_sqlite__rollback(db);
	else
		ferry_sqlite__writeback_checkpoint(db);
	return error;
}

void ferry_sqlite__rollback(ferry_db *db)
{
	SQ(db)->depth = 0;
	/* A temporary table the transaction created goes with it
	 * (ferry_imports__commit_fast). */
	SQ(db)->commit_fast = 0;
	if (!sqlite3_get_autocommit(SQ(db)->conn))
		sqlite3_exec(SQ(db)->conn, "ROLLBACK", NULL, NULL, NULL);
}

int ferry_sqlite__end(ferry_db *db, int error)
{
	if (error < 0) {
		ferry_sqlite__rollback(db);
		return error;
	}
	return ferry_sqlite__commit(db);
}

/*
 * The backup is made under a temporary name with the instance's own
 * permissions (a backup of a private instance is private too) and moved
 * into place only when complete, so a kill never leaves a partial
 * backup that would open as an empty database.
 */
int ferry_sqlite__backup(ferry_db *db, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	struct stat sb;
	mode_t mode = 0600;
	char *tmp = NULL;
	const char *why;
	int rc, fd;

	if (stat(path, &sb) == 0)
		return ferry_store__backup_exists(db, path);
	if (stat(db->path, &sb) == 0)
		mode = sb.st_mode & 0777;
	if ((fd = ferry_tmpfile_create(path, mode, &tmp)) < 0) {
		why = strerror(-fd);
		goto fail;
	}
	rc = fchmod(fd, mode);
	close(fd);
	if (rc < 0) {
		why = strerror(errno);
		goto fail;
	}
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	/* No rollback journal for a file that is thrown away on failure:
	 * it would outlive the temporary file. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode = OFF", NULL, NULL,
			NULL);
	if (rc == SQLITE_OK) {
		if ((b = sqlite3_backup_init(dst, "main", SQ(db)->conn,
		    "main")) == NULL) {
			rc = sqlite3_errcode(dst);
		} else {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_close(dst);
	else
		sqlite3_close(dst);
	if (rc != SQLITE_OK) {
		why = (rc & 0xff) == SQLITE_FULL ? "the disk is full" :
			(rc & 0xff) == SQLITE_IOERR ? "input/output error" :
			sqlite3_errstr(rc);
		goto fail;
	}
	if ((rc = ferry_tmpfile_publish(&tmp, path, 0)) < 0) {
		why = strerror(-rc);
		goto fail;
	}
	return 0;
fail:
	ferry_tmpfile_discard(&tmp);
	return ferry_store__backup_unwritable(db, path, why);
}

int ferry_sqlite__instance(ferry_db *db, ferry_str *id, ferry_str *name)
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
		return ferry__oom(db);
	return 0;
}

int ferry_sqlite__data_version(ferry_db *db, int64_t *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "PRAGMA data_version", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "data_version");
}

/* ---- sizes --------------------------------------------------------------- */

static int pragma_int(ferry_db *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, sql, &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "sizes");
}

/* Bytes per b-tree from the dbstat table, when this SQLite has it. */
static int sizes_by_tree(ferry_db *db, ferry_sizes *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT m.tbl_name, "
	    "m.type = 'index', s.pgsize FROM dbstat AS s LEFT JOIN "
	    "sqlite_schema AS m ON m.name = s.name WHERE s.aggregate = 1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		/* No dbstat in this SQLite: the parts stay unknown. */
		sqlite3_finalize(st);
		return 0;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_size_part part = ferry_store__size_part(
			(const char *)sqlite3_column_text(st, 0));

		if (sqlite3_column_int(st, 1))
			out->index[part] += sqlite3_column_int64(st, 2);
		else
			out->data[part] += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ferry_sq__error(db, rc, "reading sizes");
	out->by_part = 1;
	return 0;
}

int ferry_sqlite__sizes(ferry_db *db, ferry_sizes *out)
{
	ferry_str wal = FERRY_STR_INIT;
	int64_t pages, free_pages, known = 0;
	struct stat sb;
	int error, i;

	memset(out, 0, sizeof(*out));
	if ((error = pragma_int(db, "PRAGMA page_size",
	    &out->page_size)) < 0 ||
	    (error = pragma_int(db, "PRAGMA page_count", &pages)) < 0 ||
	    (error = pragma_int(db, "PRAGMA freelist_count",
	    &free_pages)) < 0 ||
	    (error = sizes_by_tree(db, out)) < 0)
		goto done;
	out->total = pages * out->page_size;
	out->data[FERRY_PART_FREE] = free_pages * out->page_size;
	for (i = 0; i < FERRY_PARTS; i++)
		known += out->data[i] + out->index[i];
	/* Pages no b-tree owns (pointer maps, the lock page) are other. */
	if (known < out->total)
		out->data[FERRY_PART_OTHER] += out->total - known;
	ferry_str_printf(&wal, "%s-wal", sqlite3_db_filename(
		SQ(db)->conn, "main"));
	if (ferry_str_failed(&wal))
		error = ferry__oom(db);
	else if (stat(wal.ptr, &sb) == 0)
		out->log = (int64_t)sb.st_size;
done:
	ferry_str_dispose(&wal);
	return error;
}
