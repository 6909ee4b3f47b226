/*
 * test_sq_memory.c - the SQLite store's memory bound (store_ops.h,
 * "bulk"; docs/architecture.md, "Memory"): a handle keeps SQLite's 2 MiB
 * page cache but inside a bulk step, whose bound (64 MiB for a step
 * that reads across the instance, 4 MiB for `record load`) lasts until
 * the outermost bracket ends, and a step's own error survives the end.
 * A bulk step also has a thread writing its log back (writeback.c),
 * for the outermost bracket only, and gone when it ends.
 */
#include "helpers.h"

#include "db.h"
#include "ferry.h"
#include "store/sqlite/sq.h"

#include <stdio.h>
#include <unistd.h>

static int setup(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;

	test_instance_new(state, "i.db", &o);
	return 0;
}

/* The connection's cache_size (negative: KiB). */
static int cache_size(ferry_db *db)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_prepare_v2(SQ(db)->conn, "PRAGMA cache_size",
		-1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_small_but_in_a_bulk_step(void **state)
{
	test_instance *f = *state;

	assert_int_equal(cache_size(f->db), -2000);
	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_WIDE), 0);
	assert_int_equal(cache_size(f->db), -65536);
	/* nested (import apply: load, then commit): the outer one rules,
	 * whatever the inner one's kind */
	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_APPEND), 0);
	assert_int_equal(ferry__bulk_end(f->db, 0), 0);
	assert_int_equal(cache_size(f->db), -65536);
	assert_int_equal(ferry__bulk_end(f->db, 0), 0);
	assert_int_equal(cache_size(f->db), -2000);
	/* an end without a begin changes nothing */
	assert_int_equal(ferry__bulk_end(f->db, 0), 0);
	assert_int_equal(cache_size(f->db), -2000);
}

static void test_record_load_appends_with_a_smaller_bound(void **state)
{
	test_instance *f = *state;

	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_APPEND), 0);
	assert_int_equal(cache_size(f->db), -16384);
	assert_int_equal(ferry__bulk_end(f->db, 0), 0);
	assert_int_equal(cache_size(f->db), -2000);
}

static void test_a_steps_error_survives_the_end(void **state)
{
	test_instance *f = *state;

	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_WIDE), 0);
	assert_int_equal(ferry__bulk_end(f->db, FERRY_ENOTFOUND),
		FERRY_ENOTFOUND);
	assert_int_equal(cache_size(f->db), -2000);
}

/* The library's bulk steps give the bound back when they fail too. */
static void test_a_failed_bulk_step_gives_it_back(void **state)
{
	test_instance *f = *state;
	ferry_buf out = FERRY_BUF_INIT;

	assert_int_equal(ferry_import_commit(&out, f->db, 99, NULL),
		FERRY_ENOTFOUND);
	assert_int_equal(cache_size(f->db), -2000);
	assert_int_equal(ferry_import_load(&out, f->db, "no-such.sop") < 0,
		1);
	assert_int_equal(cache_size(f->db), -2000);
	assert_int_equal(ferry_record_load(NULL, f->db, "no_such_entity",
		stdin) < 0, 1);
	assert_int_equal(cache_size(f->db), -2000);
	ferry_buf_dispose(&out);
}

/* The process's threads, from /proc (Linux, where the thread runs). */
static int threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static void test_a_bulk_step_writes_its_log_back(void **state)
{
	test_instance *f = *state;
	int before = threads();

	assert_null(SQ(f->db)->writeback);
	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_WIDE), 0);
	assert_non_null(SQ(f->db)->writeback);
	assert_int_equal(threads(), before + 1);
	/* nested: the same thread */
	assert_int_equal(ferry__bulk_begin(f->db, FERRY_BULK_APPEND), 0);
	assert_int_equal(threads(), before + 1);
	assert_int_equal(ferry__bulk_end(f->db, 0), 0);
	assert_non_null(SQ(f->db)->writeback);
	/* a step that writes, past a round of the thread's */
	assert_int_equal(sqlite3_exec(SQ(f->db)->conn, "BEGIN; CREATE TABLE "
		"t (v); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		"FROM n WHERE i < 20000) INSERT INTO t SELECT randomblob(200) "
		"FROM n; COMMIT", NULL, NULL, NULL), SQLITE_OK);
	usleep(250 * 1000);
	assert_int_equal(ferry__bulk_end(f->db, FERRY_ENOTFOUND),
		FERRY_ENOTFOUND);
	assert_null(SQ(f->db)->writeback);
	assert_int_equal(threads(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_but_in_a_bulk_step,
			setup, test_instance_free),
		cmocka_unit_test_setup_teardown(
			test_record_load_appends_with_a_smaller_bound, setup,
			test_instance_free),
		cmocka_unit_test_setup_teardown(
			test_a_steps_error_survives_the_end, setup,
			test_instance_free),
		cmocka_unit_test_setup_teardown(
			test_a_failed_bulk_step_gives_it_back, setup,
			test_instance_free),
		cmocka_unit_test_setup_teardown(
			test_a_bulk_step_writes_its_log_back, setup,
			test_instance_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
