/*
 * helpers.h - shared fixtures for the cmocka unit tests.
 */
#ifndef FERRY_TEST_HELPERS_H
#define FERRY_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ferry.h"

/* A fresh temporary directory for one test; removed by test_tmpdir_free. */
char *test_tmpdir(void);
void test_tmpdir_free(char *dir);
/* The same as a cmocka setup and teardown: *state is the directory. */
int test_tmpdir_setup(void **state);
int test_tmpdir_teardown(void **state);
/* Path `dir/name` in a static buffer that the next call reuses. */
const char *test_path(const char *dir, const char *name);

/*
 * A new instance in a fresh temporary directory, for a cmocka fixture:
 * test_instance_new() creates `dir/name` with the options and sets
 * *state; test_instance_free() closes it and removes the directory.
 */
typedef struct {
	char *dir;
	ferry_db *db;
} test_instance;
void test_instance_new(void **state, const char *name,
	const ferry_init_options *opts);
int test_instance_free(void **state);

/*
 * Every table's rows (sorted) and the schema of the SQLite file at path,
 * as one string to free(); UUIDs are masked, so two runs that differ
 * only in new random ids compare equal.  Read through a connection of
 * its own, so "unchanged" means unchanged on disk.
 */
char *test_content(const char *path);

/* A file's bytes, NUL-terminated (malloc'd), and writing them. */
char *test_file_get(const char *path, size_t *len);
void test_file_put(const char *path, const void *data, size_t len);

/*
 * An allocator that fails on purpose, for ferry_set_allocator(): after
 * oom_fail_at more allocations (-1: never) one is refused and oom_failed
 * set; with oom_transient only that one, else every one after it too.
 */
extern long oom_fail_at;
extern int oom_failed;
extern int oom_transient;
void *oom_malloc(size_t n);
void *oom_realloc(void *p, size_t n);

#endif
