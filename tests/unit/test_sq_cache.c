/*
 * test_sq_cache.c - the SQLite store's prepared-statement cache
 * (store/stmt_cache.h, store/sqlite/sq.c): statements of one set used in turn stay prepared
 * instead of evicting each other, and a statement a caller is stepping
 * is never finalized to make room (it is kept aside until the handle
 * closes).  Under the sanitizers a finalized statement read again is a
 * use after free.
 */
#include "helpers.h"

#include "db.h"
#include "ferry.h"
#include "store/sqlite/sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;

	test_instance_new(state, "i.db", &o);
	return 0;
}

/* The cache's hash (stmt_cache.c's set_of: FNV-1a of the whole text
 * for texts of 64 bytes or fewer, as these are), to pick texts that
 * share a set. */
static size_t set_of(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % STMT_CACHE_SETS;
}

static void test_one_set_used_in_turn_stays_prepared(void **state)
{
	test_instance *f = *state;
	char sql[STMT_CACHE_WAYS][32];
	sqlite3_stmt *first[STMT_CACHE_WAYS], *st;
	size_t want, n = 0;
	int i, round;

	snprintf(sql[0], sizeof(sql[0]), "SELECT 0");
	want = set_of(sql[0]);
	for (i = 1; n + 1 < STMT_CACHE_WAYS; i++) {
		char t[32];

		snprintf(t, sizeof(t), "SELECT %d", i);
		if (set_of(t) == want)
			memcpy(sql[++n], t, sizeof(t));
	}
	for (i = 0; i < STMT_CACHE_WAYS; i++)
		assert_int_equal(ferry_sq__prepare(f->db, sql[i], &first[i]), 0);
	for (round = 0; round < 10; round++)
		for (i = 0; i < STMT_CACHE_WAYS; i++) {
			assert_int_equal(ferry_sq__prepare(f->db, sql[i], &st),
				0);
			assert_ptr_equal(st, first[i]);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			ferry_sq__reset(st);
		}
}

static void test_a_stepping_statement_is_never_replaced(void **state)
{
	test_instance *f = *state;
	enum { N = STMT_CACHE_SIZE + 16 };
	sqlite3_stmt *st[N];
	char sql[32];
	int i;

	for (i = 0; i < N; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(ferry_sq__prepare(f->db, sql, &st[i]), 0);
		assert_int_equal(sqlite3_step(st[i]), SQLITE_ROW);
	}
	/* More stepping statements than the cache holds: the rest are
	 * kept aside, and every one still reads its own row. */
	assert_true(SQ(f->db)->nspill >= N - STMT_CACHE_SIZE);
	for (i = 0; i < N; i++)
		assert_int_equal(sqlite3_column_int(st[i], 0), i);
	for (i = 0; i < N; i++)
		ferry_sq__reset(st[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_one_set_used_in_turn_stays_prepared, setup,
			test_instance_free),
		cmocka_unit_test_setup_teardown(
			test_a_stepping_statement_is_never_replaced, setup,
			test_instance_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
