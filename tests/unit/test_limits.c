/*
 * test_limits.c - the work limits of the package reader (docs/format.md
 * 3.1), each met head-on by a small crafted package given to import
 * load: at most 10,000,000 items, 16 GiB of decoded text, and an
 * expansion of the compressed data of at most 1000 times once 16 MiB are
 * decoded.  Each package is refused while streaming, before anything is
 * staged, in little CPU time, with a message that names the limit, and
 * the instance is exactly as before (no import, no lock left, no file).
 *
 * The item and ratio packages are real: 10,000,001 minimal items in a
 * 60 KB file (a little noise keeps their expansion under 1000 times, so
 * the item limit is what refuses them), and 17 MiB of one repeated item.
 * Decoding 16 GiB would take minutes, so that test lowers the limit to
 * 32 MiB (ferry_sop__set_decoded_max(), for tests only) and checks the
 * default separately.
 */
#include "helpers.h"

#include "ferry.h"
#include "sop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#define HEADER "{\"format\":\"ferry-sop\",\"format_version\":1,\"kind\":" \
	"\"local_pack\",\"mode\":\"pack\",\"pack\":{\"id\":" \
	"\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"name\":\"big\"}}\n"
/* CPU seconds a refusal may take: generous for a sanitizer build on a
 * busy machine; the optimised build needs well under one. */
#define CPU_MAX 20.0

typedef struct {
	char *dir;
	char *db;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_db *db;

	assert_non_null(f);
	f->dir = test_tmpdir();
	f->db = strdup(test_path(f->dir, "i.db"));
	assert_int_equal(ferry_db_create(&db, f->db, &o), 0);
	ferry_db_close(db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ferry_sop__set_decoded_max(0);
	test_tmpdir_free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

/* The decoded stream S: the header, `n` items, a trailer (its digests
 * never reached). */
typedef struct {
	char *p;
	size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void puts_t(text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* A cheap, repeatable pseudo-random hex word: the noise. */
static void noise(char out[17], uint64_t *seed)
{
	*seed = *seed * 6364136223846793005u + 1442695040888963407u;
	snprintf(out, 17, "%016llx", (unsigned long long)*seed);
}

static void trailer(text *t, uint64_t n)
{
	char line[256];

	snprintf(line, sizeof(line), "{\"trailer\":\"ferry-sop\",\"items\":"
		"%llu,\"stamp\":\"%064d\",\"hash\":\"%064d\"}\n",
		(unsigned long long)n, 0, 0);
	puts_t(t, line);
}

/* Compress S into path; returns the file's size. */
static size_t write_zstd(const char *path, const text *t)
{
	size_t cap = ZSTD_compressBound(t->len), n;
	void *buf = malloc(cap);
	FILE *out = fopen(path, "wb");

	assert_non_null(buf);
	assert_non_null(out);
	n = ZSTD_compress(buf, cap, t->p, t->len, 3);
	assert_false(ZSTD_isError(n));
	assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(fclose(out), 0);
	free(buf);
	return n;
}

/*
 * Load path into the instance: refused with FERRY_EFORMAT and a message
 * holding `want`, in at most CPU_MAX seconds of CPU, and the instance
 * unchanged (the import list included).
 */
static void assert_refused(fixture *f, const char *path, const char *want)
{
	ferry_buf out = FERRY_BUF_INIT;
	char *before = test_content(f->db), *after;
	ferry_db *db;
	clock_t t0;
	double cpu;
	int rc;

	assert_int_equal(ferry_db_open(&db, f->db), 0);
	t0 = clock();
	rc = ferry_import_load(&out, db, path);
	cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	print_message("refused in %.2f s of CPU: %s\n", cpu,
		ferry_errmsg(db));
	assert_int_equal(rc, FERRY_EFORMAT);
	if (!strstr(ferry_errmsg(db), want) || !strstr(ferry_errmsg(db),
	    path))
		fail_msg("message '%s' lacks the file or '%s'",
			ferry_errmsg(db), want);
	assert_true(cpu < CPU_MAX);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_import_list(&out, db), 0);
	assert_string_equal(out.ptr, "[]");
	ferry_buf_dispose(&out);
	ferry_db_close(db);
	after = test_content(f->db);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_limits__items(void **state)
{
	fixture *f = *state;
	const char *path = test_path(f->dir, "items.sop");
	const uint64_t n = FERRY_SOP_ITEMS_MAX + 1, every = 2000;
	text t = { NULL, 0, 0 };
	uint64_t i, seed = 1;
	char word[17], line[64];
	size_t size;

	assert_true(FERRY_SOP_ITEMS_MAX == 10000000);
	puts_t(&t, HEADER);
	for (i = 0; i < n; i++) {
		if (i % every == 0) {
			noise(word, &seed);
			snprintf(line, sizeof(line), "{\"n\":\"%s\"}\n", word);
			puts_t(&t, line);
		} else {
			put(&t, "{}\n", 3);
		}
	}
	trailer(&t, n);
	size = write_zstd(path, &t);
	print_message("%llu items: %zu bytes, %zu decoded\n",
		(unsigned long long)n, size, t.len);
	/* Small, and under the expansion limit: the count refuses it. */
	assert_true(size < 100000);
	assert_true(t.len / FERRY_SOP_RATIO_MAX < size);
	free(t.p);
	assert_refused(f, path, "the package holds more than the limit of "
		"10000000 items; ferry refuses it (split the pack if it is "
		"genuine)");
}

static void test_limits__decoded_bytes(void **state)
{
	fixture *f = *state;
	const char *path = test_path(f->dir, "bytes.sop");
	const uint64_t limit = (uint64_t)32 << 20;
	text t = { NULL, 0, 0 };
	uint64_t n = 0, seed = 7;
	char word[17], item[1100];
	size_t size;

	assert_true(FERRY_SOP_DECODED_MAX == (uint64_t)16 << 30);
	/* Items of about 1 KB, one word of noise each. */
	memset(item, 'a', sizeof(item));
	puts_t(&t, HEADER);
	while (t.len <= limit + (1 << 20)) {
		noise(word, &seed);
		memcpy(item, "{\"v\":\"", 6);
		memcpy(item + 6, word, 16);
		memcpy(item + 1000, "\"}\n", 3);
		put(&t, item, 1003);
		n++;
	}
	trailer(&t, n);
	size = write_zstd(path, &t);
	print_message("%zu decoded bytes in %zu\n", t.len, size);
	assert_true(size < 2000000);
	assert_true(t.len / FERRY_SOP_RATIO_MAX < size);
	free(t.p);
	ferry_sop__set_decoded_max(limit);
	assert_refused(f, path, "the package is larger than the limit of "
		"33554432 bytes; ferry refuses it (split the pack if it is "
		"genuine)");
}

static void test_limits__ratio(void **state)
{
	fixture *f = *state;
	const char *path = test_path(f->dir, "ratio.sop");
	const char *item = "{\"t\":\"record\"}\n";
	text t = { NULL, 0, 0 };
	uint64_t n = 0;
	size_t size;

	assert_true(FERRY_SOP_RATIO_MAX == 1000);
	puts_t(&t, HEADER);
	while (t.len <= FERRY_SOP_RATIO_FLOOR + (1 << 20)) {
		puts_t(&t, item);
		n++;
	}
	trailer(&t, n);
	size = write_zstd(path, &t);
	print_message("%zu decoded bytes in %zu\n", t.len, size);
	assert_true(t.len / FERRY_SOP_RATIO_MAX > size);
	free(t.p);
	assert_refused(f, path, "the compressed data expands more than 1000 "
		"times (a decompression bomb); ferry refuses it: this is not "
		"a package ferry made");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_limits__items, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_limits__decoded_bytes,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits__ratio, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
