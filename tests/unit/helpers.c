/*
 * helpers.c - shared fixtures for the cmocka unit tests (see helpers.h).
 */
#include "helpers.h"

#include "ferry.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/ferry-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

void test_tmpdir_free(char *dir)
{
	char cmd[600];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

const char *test_path(const char *dir, const char *name)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* ---- an instance's content, through a connection of our own ------- */

static int row_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replace every UUID in s by U's: random ids differ from run to run. */
static void mask_uuids(char *s)
{
	size_t len = strlen(s), i, k;

	for (i = 0; i + 36 <= len; i++) {
		for (k = 0; k < 36; k++) {
			char c = s[i + k];

			if (k == 8 || k == 13 || k == 18 || k == 23) {
				if (c != '-')
					break;
			} else if (!((c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'f'))) {
				break;
			}
		}
		if (k == 36) {
			memset(s + i, 'U', 36);
			i += 35;
		}
	}
}

/* Every table's rows (sorted) and the schema, as one string; UUIDs are
 * masked, so two runs that differ only in new random ids compare
 * equal. */
char *test_content(const char *path)
{
	sqlite3 *c;
	sqlite3_stmt *tables, *rows;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT name, sql FROM "
		"sqlite_master ORDER BY name", -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		const char *sql = (const char *)sqlite3_column_text(tables, 1);
		char q[300], **list = NULL;
		size_t n = 0, i;

		fprintf(f, "== %s\n%s\n", name, sql ? sql : "");
		if (!sql || strncmp(sql, "CREATE TABLE", 12) != 0)
			continue;
		snprintf(q, sizeof(q), "SELECT * FROM \"%s\"", name);
		assert_int_equal(sqlite3_prepare_v2(c, q, -1, &rows, NULL),
			SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			char *r = NULL;
			size_t rl = 0;
			FILE *rf = open_memstream(&r, &rl);
			int k;

			for (k = 0; k < sqlite3_column_count(rows); k++) {
				const unsigned char *t =
					sqlite3_column_text(rows, k);
				fprintf(rf, "%d:%s\x1f",
					sqlite3_column_type(rows, k),
					t ? (const char *)t : "");
			}
			fclose(rf);
			mask_uuids(r);
			list = realloc(list, (n + 1) * sizeof(*list));
			list[n++] = r;
		}
		sqlite3_finalize(rows);
		if (n)
			qsort(list, n, sizeof(*list), row_cmp);
		for (i = 0; i < n; i++) {
			fprintf(f, "%s\n", list[i]);
			free(list[i]);
		}
		free(list);
	}
	sqlite3_finalize(tables);
	sqlite3_close(c);
	fclose(f);
	return out;
}

int test_tmpdir_setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

int test_tmpdir_teardown(void **state)
{
	test_tmpdir_free(*state);
	return 0;
}

char *test_file_get(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void test_file_put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* ---- an allocator that fails on purpose ---------------------------------- */

long oom_fail_at = -1;
int oom_failed;
int oom_transient;

/* Under a lock: a load reads its lines on a thread of its own
 * (import_feed.c), which allocates too. */
static pthread_mutex_t oom_lock = PTHREAD_MUTEX_INITIALIZER;

static int refuse(void)
{
	int refused = 0;

	pthread_mutex_lock(&oom_lock);
	if (oom_fail_at == 0) {
		oom_failed = 1;
		if (oom_transient)
			oom_fail_at = -1;
		refused = 1;
	} else if (oom_fail_at > 0) {
		oom_fail_at--;
	}
	pthread_mutex_unlock(&oom_lock);
	return refused;
}

void *oom_malloc(size_t n)
{
	return refuse() ? NULL : malloc(n);
}

void *oom_realloc(void *p, size_t n)
{
	return refuse() ? NULL : realloc(p, n);
}

void test_instance_new(void **state, const char *name,
	const ferry_init_options *opts)
{
	test_instance *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = test_tmpdir();
	assert_int_equal(ferry_db_create(&f->db, test_path(f->dir, name),
		opts), 0);
	*state = f;
}

int test_instance_free(void **state)
{
	test_instance *f = *state;

	ferry_db_close(f->db);
	test_tmpdir_free(f->dir);
	free(f);
	return 0;
}
