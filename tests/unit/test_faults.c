/*
 * test_faults.c - I/O errors and full disks at every write, in the
 * manner of SQLite's own fault tests: for N = 1, 2, ... the Nth write
 * (and every later one, as a failing disk keeps failing) returns an
 * I/O error or "disk full", during an import commit (with its backup),
 * a back out, an export, a backup on its own (what every backup-taking
 * command calls) and an entity unpack (with its backup).  After each run the instance must pass
 * PRAGMA integrity_check and hold exactly its content from before the
 * call or from after a clean run, and a failed call must say clearly
 * what happened; a failed export leaves neither the package nor a
 * temporary file, a failed backup no backup.
 *
 * Writes to the instance go through a VFS shim over the default one,
 * registered as the default in this test program only.  The package
 * file is written with write(2), which this program wraps at link time
 * (-Wl,--wrap=write, see tests/CMakeLists.txt).
 */
#include "helpers.h"

#include "db.h"
#include "ferry.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW "2021-12-31T12:00:00Z"
#define LATER "2022-02-02T02:02:02Z"
/* More writes than any call here makes: the loops end well before. */
#define MAX_WRITES 5000

/* ---- the fault switch ------------------------------------------------- */

static int fault_at;		/* fail the fault_at-th write on; 0: off */
static int writes;		/* writes seen since armed */
static int fault_full;		/* 1: a full disk; 0: an I/O error */
static int fired;		/* a write failed since armed */

static void arm(int n, int full)
{
	fault_at = n;
	fault_full = full;
	writes = 0;
	fired = 0;
}

static void disarm(void)
{
	fault_at = 0;
}

/* Count a write; 1 if it must fail. */
static int must_fail(void)
{
	if (!fault_at)
		return 0;
	if (++writes >= fault_at)
		fired = 1;
	return writes >= fault_at;
}

/* ---- write(2), wrapped (the package file) -------------------------------- */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (fd > 2 && must_fail()) {
		errno = fault_full ? ENOSPC : EIO;
		return -1;
	}
	return __real_write(fd, buf, n);
}

/* ---- the VFS shim (the instance, its WAL and journals, backups) ------- */

typedef struct {
	sqlite3_file base;
	sqlite3_file *real;	/* the default VFS's file, right after us */
} shim_file;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int shim_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}

static int fault_rc(void)
{
	return fault_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

static int shim_write(sqlite3_file *f, const void *b, int n,
	sqlite3_int64 off)
{
	if (must_fail())
		return fault_rc();
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (must_fail())
		return fault_full ? SQLITE_FULL : SQLITE_IOERR_TRUNCATE;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	if (must_fail())
		return fault_full ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int shim_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int shim_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int shim_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int shim_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int shim_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int shim_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int pg, int sz, int extend,
	void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int shim_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* No memory-mapped I/O: every write must pass through xWrite. */
static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	(void)f;
	(void)off;
	(void)n;
	*pp = NULL;
	return SQLITE_OK;
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods shim_methods = {
	3, shim_close, shim_read, shim_write, shim_truncate, shim_sync,
	shim_size, shim_lock, shim_unlock, shim_check, shim_control,
	shim_sector, shim_device, shim_shm_map, shim_shm_lock,
	shim_shm_barrier, shim_shm_unmap, shim_fetch, shim_unfetch
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
	int flags, int *out_flags)
{
	shim_file *s = (shim_file *)f;
	int rc;

	(void)vfs;
	s->real = (sqlite3_file *)(s + 1);
	rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	s->base.pMethods = s->real->pMethods ? &shim_methods : NULL;
	return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags,
	int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int shim_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static sqlite3_vfs shim_vfs;

static void install_shim(void)
{
	if (real_vfs)
		return;
	real_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(real_vfs);
	shim_vfs = *real_vfs;
	shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
	shim_vfs.zName = "ferry-faults";
	shim_vfs.pNext = NULL;
	shim_vfs.xOpen = shim_open;
	shim_vfs.xDelete = shim_delete;
	shim_vfs.xAccess = shim_access;
	shim_vfs.xFullPathname = shim_full;
	assert_int_equal(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

/* ---- fixtures ---------------------------------------------------------- */

typedef struct {
	char *dir;
	char *src;	/* the source instance */
	char *dst;	/* the target; its pristine copy is dst0 */
	char *dst0;
	char *package;
	char *packs;	/* entity packs of src: club, new to dst */
	int64_t id;	/* the import staged (and previewed) in dst0 */
} fixture;

static char *dup_path(const char *dir, const char *name)
{
	return strdup(test_path(dir, name));
}

static ferry_db *open_at(const char *path)
{
	ferry_db *db;

	assert_int_equal(ferry_db_open(&db, path), 0);
	assert_int_equal(ferry_db_set_now(db, LATER), 0);
	return db;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Count the files of dir whose name starts with prefix; remove them
 * too if asked. */
static int files_prefixed(const char *dir, const char *prefix,
	int unlink_too)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			if (unlink_too)
				unlink(test_path(dir, e->d_name));
			n++;
		}
	closedir(d);
	return n;
}

/* Start dst afresh from dst0: no WAL, no backups left over. */
static void reset_dst(fixture *f)
{
	files_prefixed(f->dir, "dst.db", 1);
	copy_file(f->dst0, f->dst);
}

/*
 * src: entity member (name, age), ten records in a completed pack P,
 * exported to p.sop; dst0: P imported, then a change of every record
 * in pack Q loaded and previewed, ready to commit.
 */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = { NULL, 0, 0 };
	ferry_db *db;
	char json[512], ids[10][40];
	int i;

	install_shim();
	f->dir = test_tmpdir();
	f->src = dup_path(f->dir, "src.db");
	f->dst = dup_path(f->dir, "dst.db");
	f->dst0 = dup_path(f->dir, "template.db");
	f->package = dup_path(f->dir, "p.sop");
	o.now = NOW;
	assert_int_equal(ferry_db_create(&db, f->src, &o), 0);
	assert_int_equal(ferry_pack_create(db, "P", NULL, 1), 0);
	assert_int_equal(ferry_entity_create(db, "member", NULL, NULL), 0);
	assert_int_equal(ferry_field_add(db, "member", "name", "nvarchar(40)",
		NULL, NULL, NULL), 0);
	assert_int_equal(ferry_field_add(db, "member", "age", "int", NULL,
		NULL, NULL), 0);
	for (i = 0; i < 10; i++) {
		snprintf(json, sizeof(json), "{\"name\":\"m%d\",\"age\":%d}",
			i, 20 + i);
		assert_int_equal(ferry_record_put(&out, db, "member", json),
			0);
		snprintf(ids[i], sizeof(ids[i]), "%.36s", out.ptr);
	}
	assert_int_equal(ferry_pack_complete(db, "P"), 0);
	eo.output = test_path(f->dir, "p0.sop");
	assert_int_equal(ferry_pack_export(&out, db, "P", &eo), 0);
	assert_int_equal(ferry_pack_create(db, "Q", NULL, 1), 0);
	for (i = 0; i < 10; i++) {
		snprintf(json, sizeof(json), "{\"sys_id\":\"%s\",\"age\":%d}",
			ids[i], 40 + i);
		assert_int_equal(ferry_record_put(&out, db, "member", json),
			0);
	}
	assert_int_equal(ferry_pack_complete(db, "Q"), 0);
	eo.output = f->package;
	assert_int_equal(ferry_pack_export(&out, db, "Q", &eo), 0);
	/* An entity dst lacks, with a field, a reference and a form. */
	assert_int_equal(ferry_entity_create(db, "club", "Club", NULL), 0);
	assert_int_equal(ferry_field_add(db, "club", "title", "nvarchar(40)",
		NULL, NULL, NULL), 0);
	assert_int_equal(ferry_field_add(db, "member", "club", "ref(club)",
		NULL, NULL, NULL), 0);
	assert_int_equal(ferry_record_put(&out, db, "sys_form_template",
		"{\"entity\":\"club\",\"name\":\"Club form\","
		"\"definition\":{\"layout\":\"one column\"}}"), 0);
	f->packs = dup_path(f->dir, "packs");
	assert_int_equal(mkdir(f->packs, 0700), 0);
	{
		const char *names[] = { "club", "member" };

		assert_int_equal(ferry_entity_pack(&out, db, names, 2,
			f->packs), 0);
	}
	ferry_db_close(db);

	assert_int_equal(ferry_db_create(&db, f->dst0, &o), 0);
	assert_int_equal(ferry_db_set_now(db, LATER), 0);
	assert_int_equal(ferry_import_apply(&out, db, test_path(f->dir,
		"p0.sop"), NULL), 0);
	assert_int_equal(ferry_import_load(&out, db, f->package), 0);
	f->id = 2;
	assert_int_equal(ferry_import_preview(&out, db, f->id), 0);
	ferry_db_close(db);
	ferry_buf_dispose(&out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	test_tmpdir_free(f->dir);
	free(f->src);
	free(f->dst);
	free(f->dst0);
	free(f->package);
	free(f->packs);
	free(f);
	return 0;
}

/* ---- the runs ---------------------------------------------------------- */

typedef int (*operation)(fixture *f, ferry_db *db);

static int op_commit(fixture *f, ferry_db *db)
{
	return ferry_import_commit(NULL, db, f->id, NULL);
}

static int op_backout(fixture *f, ferry_db *db)
{
	return ferry_import_backout(NULL, db, f->id);
}

/* Unpack both packs (club is new, member is merged: a field added), with
 * the backup first. */
static int op_unpack(fixture *f, ferry_db *db)
{
	ferry_unpack_options o = FERRY_UNPACK_OPTIONS_INIT;
	ferry_buf out = { NULL, 0, 0 };
	int rc = ferry_entity_unpack(&out, db, f->packs, &o);

	ferry_buf_dispose(&out);
	return rc;
}

/* The message of a failed call says what happened, in ferry's words. */
static void check_message(const char *msg, int full)
{
	if (!msg || !*msg || strstr(msg, "disk I/O error") ||
	    strstr(msg, "database or disk is full") ||
	    (full && !strstr(msg, "disk is full") &&
	    !strstr(msg, "No space left on device")) ||
	    (!full && !strstr(msg, "cannot read or write") &&
	    !strstr(msg, "cannot write backup") &&
	    !strstr(msg, "Input/output error") &&
	    !strstr(msg, "input/output error")))
		fail_msg("unclear message for a %s: '%s'", full ?
			"full disk" : "write error", msg ? msg : "(null)");
}

static void check_integrity(const char *path)
{
	sqlite3 *c;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY,
		NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1,
		&st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(c);
}

/* No temporary file left, and every backup there is whole. */
static void check_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strstr(e->d_name, ".tmp-"))
			fail_msg("temporary file left: %s", e->d_name);
		if (!strncmp(e->d_name, "dst.db.backup-", 14))
			check_integrity(test_path(dir, e->d_name));
	}
	closedir(d);
}

/*
 * Run op on dst (first brought to its state by prepare, if any) with a
 * fault at every write in turn, of both kinds.  Returns the number of
 * runs with a fault.
 */
static int every_write(fixture *f, operation prepare, operation op)
{
	char *before, *after, *now;
	ferry_db *db;
	int n, full, rc, runs = 0;

	/* A clean run gives the "after" state. */
	reset_dst(f);
	db = open_at(f->dst);
	if (prepare)
		assert_int_equal(prepare(f, db), 0);
	ferry_db_close(db);
	copy_file(f->dst, test_path(f->dir, "start.db"));
	before = test_content(f->dst);
	db = open_at(f->dst);
	assert_int_equal(op(f, db), 0);
	ferry_db_close(db);
	after = test_content(f->dst);
	assert_string_not_equal(before, after);
	for (full = 0; full <= 1; full++) {
		for (n = 1; n < MAX_WRITES; n++) {
			files_prefixed(f->dir, "dst.db", 1);
			copy_file(test_path(f->dir, "start.db"), f->dst);
			db = open_at(f->dst);
			arm(n, full);
			rc = op(f, db);
			disarm();
			if (rc < 0)
				check_message(ferry_errmsg(db), full);
			ferry_db_close(db);
			if (!fired) {
				assert_int_equal(rc, 0);
				break;
			}
			runs++;
			check_integrity(f->dst);
			now = test_content(f->dst);
			if (strcmp(now, before) != 0 && strcmp(now, after) != 0)
				fail_msg("write %d (%s): the instance is neither "
					"as before nor as after", n, full ?
					"full disk" : "I/O error");
			if (rc < 0 && strcmp(now, before) != 0)
				fail_msg("write %d: the call failed but changed "
					"the instance", n);
			free(now);
			check_leftovers(f->dir);
		}
		assert_true(n < MAX_WRITES);
	}
	free(before);
	free(after);
	return runs;
}

static void test_faults__commit_with_backup(void **state)
{
	fixture *f = *state;
	int runs = every_write(f, NULL, op_commit);

	print_message("commit with backup: %d faulted runs\n", runs);
	assert_true(runs > 20);
}

static void test_faults__backout(void **state)
{
	fixture *f = *state;
	int runs;

	runs = every_write(f, op_commit, op_backout);
	print_message("back out: %d faulted runs\n", runs);
	assert_true(runs > 10);
}

static void test_faults__export(void **state)
{
	fixture *f = *state;
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	const char *target;
	ferry_db *db;
	int n, full, rc, runs = 0;

	eo.uncompressed = 1;	/* many small writes, not one */
	db = open_at(f->src);
	for (full = 0; full <= 1; full++) {
		for (n = 1; n < MAX_WRITES; n++) {
			target = test_path(f->dir, "out.sop");
			eo.output = target;
			arm(n, full);
			rc = ferry_pack_export(NULL, db, "Q", &eo);
			disarm();
			if (!fired) {
				assert_int_equal(rc, 0);
				break;
			}
			runs++;
			assert_true(rc < 0);
			check_message(ferry_errmsg(db), full);
			assert_int_equal(files_prefixed(f->dir, "out.sop", 0), 0);
		}
		assert_true(n < MAX_WRITES);
		assert_int_equal(files_prefixed(f->dir, "out.sop", 1), 1);
	}
	ferry_db_close(db);
	print_message("export: %d faulted runs\n", runs);
	assert_true(runs >= 2);
}

static void test_faults__unpack_with_backup(void **state)
{
	fixture *f = *state;
	int runs = every_write(f, NULL, op_unpack);

	print_message("entity unpack with backup: %d faulted runs\n", runs);
	assert_true(runs > 20);
}

/* Backups of dst beside it (not their -wal and -shm files, which
 * checking one may leave). */
static int backups(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t l;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (!strncmp(e->d_name, "dst.db.backup-", 14) &&
		    (l = strlen(e->d_name)) > 3 &&
		    !strcmp(e->d_name + l - 3, ".db"))
			n++;
	closedir(d);
	return n;
}

/*
 * A backup on its own: the instance is only read, so it stays exactly as
 * it was; a failed backup says so clearly and leaves no file behind (no
 * temporary one, no partial one under a backup's name); a completed one
 * is whole and holds the instance's content.
 */
static void test_faults__backup(void **state)
{
	fixture *f = *state;
	ferry_str path = FERRY_STR_INIT;
	char *before, *copy;
	ferry_db *db;
	int n, full, rc, runs = 0;

	reset_dst(f);
	before = test_content(f->dst);
	for (full = 0; full <= 1; full++) {
		for (n = 1; n < MAX_WRITES; n++) {
			files_prefixed(f->dir, "dst.db.backup-", 1);
			db = open_at(f->dst);
			ferry_str_clear(&path);
			arm(n, full);
			rc = ferry__backup(db, &path);
			disarm();
			if (rc < 0)
				check_message(ferry_errmsg(db), full);
			ferry_db_close(db);
			check_integrity(f->dst);
			copy = test_content(f->dst);
			assert_string_equal(copy, before);
			free(copy);
			check_leftovers(f->dir);
			if (!fired) {
				assert_int_equal(rc, 0);
				break;
			}
			runs++;
			assert_true(rc < 0);
			assert_int_equal(backups(f->dir), 0);
		}
		assert_true(n < MAX_WRITES);
		/* The clean run's backup: one file, the instance's content. */
		assert_int_equal(backups(f->dir), 1);
		copy = test_content(ferry_str_cstr(&path));
		assert_string_equal(copy, before);
		free(copy);
	}
	free(before);
	ferry_str_dispose(&path);
	print_message("backup: %d faulted runs\n", runs);
	assert_true(runs > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_faults__commit_with_backup,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults__backout, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_faults__export, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_faults__backup, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_faults__unpack_with_backup,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
