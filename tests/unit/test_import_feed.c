/*
 * test_import_feed.c - a load's lines read a batch ahead on a thread
 * (import_feed.c): the feed hands out every line of a package in order,
 * with the columns and verdict that reading it inline gives, across
 * batches cut by count and by bytes; a line that cannot be read is the
 * last it hands out, and the reader is the caller's again after it; a
 * damaged file's failure comes out with the reader's message.  A format 2
 * record item is read as format 1 would have written it, the members it
 * leaves out filled in, and judged by the same rules.
 */
#include "helpers.h"

#include "imports.h"
#include "records.h"
#include "sop.h"
#include "store/stage_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "{\"kind\":\"local_pack\"}"

/* Item i: records of varying size (a few over the feed's batch and
 * slot bounds), a schema line, a line that is not JSON at `bad`. */
static char *item_line(unsigned i, unsigned bad)
{
	size_t pad = i % 97 == 0 ? (size_t)1200 << 10 : i % 13 == 0 ?
		(size_t)90 << 10 : 20;
	char *s = malloc(pad + 512), *p;
	unsigned x = i;
	size_t k;

	assert_non_null(s);
	if (i == bad) {
		strcpy(s, "{this is not json}");
		return s;
	}
	if (i % 50 == 7) {
		sprintf(s, "{\"t\":\"schema\",\"entity\":\"e%u\"}", i);
		return s;
	}
	p = s + sprintf(s, "{\"t\":\"record\",\"entity\":\"member\","
		"\"sys_id\":\"%08x-0000-4000-8000-000000000000\",\"key\":"
		"\"k%u\",\"action\":\"insert\",\"version\":\"%064x\","
		"\"base\":null,\"policy\":\"open\",\"vendor\":false,"
		"\"seal\":\"s\",\"payload\":{\"n\":%u,\"pad\":\"", i, i, i, i);
	/* Letters that zstd cannot shrink a thousandfold (the reader
	 * refuses such a file as a decompression bomb). */
	for (k = 0; k < pad; k++) {
		x = x * 1103515245u + 12345u;
		p[k] = (char)('a' + (x >> 16) % 26);
	}
	strcpy(p + pad, "\"},\"old\":null}");
	return s;
}

static void write_package(const char *path, unsigned n, unsigned bad,
	int compress)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;
	unsigned i;

	opts.compress = compress;
	assert_int_equal(ferry_sop__writer_open(&w, path, HEADER, &opts,
		&err), 0);
	for (i = 1; i <= n; i++) {
		char *line = item_line(i, bad);

		assert_int_equal(ferry_sop__writer_item(w, line, strlen(line)),
			0);
		free(line);
	}
	assert_int_equal(ferry_sop__writer_finish(w, NULL, &err), 0);
	ferry_sop__writer_free(w);
	ferry_str_dispose(&err);
}

static ferry_sop_reader *open_reader(const char *path)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_reader *r;

	assert_int_equal(ferry_sop__reader_open(&r, path, &err), 0);
	ferry_str_dispose(&err);
	return r;
}

/* The line as the feed handed it out is the line read inline. */
static void assert_same_line(const ferry_fed_line *got,
	const ferry_fed_line *want)
{
	int c;

	assert_int_equal(got->item, want->item);
	assert_int_equal(got->rc, want->rc);
	if (want->rc != 0)
		return;
	assert_int_equal(got->system, want->system);
	if (want->code)
		assert_string_equal(got->code, want->code);
	else
		assert_null(got->code);
	for (c = 0; c < FERRY_NCOLS; c++) {
		assert_int_equal(got->line->null[c], want->line->null[c]);
		if (!want->line->null[c])
			assert_string_equal(FERRY_STAGED(got->line, c),
				FERRY_STAGED(want->line, c));
	}
}

/*
 * Feed the package at path and compare each line with a second reader's
 * line read inline; the feed's last answer.  *handed: lines handed out.
 */
static int feed_and_compare(const char *path, unsigned *handed,
	ferry_str *err, ferry_sop_reader **left)
{
	ferry_sop_reader *r = open_reader(path), *inline_r = open_reader(path);
	ferry_line_feed *f;
	ferry_stage_line sl;
	const ferry_fed_line *got;
	int rc;

	memset(&sl, 0, sizeof(sl));
	*handed = 0;
	assert_int_equal(ferry__feed_new(&f, r), 0);
	while ((rc = ferry__feed_next(f, &got, err)) == 1) {
		ferry_fed_line want;
		const char *line;
		size_t len;

		assert_int_equal(ferry_sop__reader_next(inline_r, &line, &len,
			NULL), 1);
		want.item = ++*handed;
		ferry__import_read_line(&sl, line, len,
			ferry_sop__reader_format(inline_r), &want);
		assert_same_line(got, &want);
		if (got->rc != 0)
			break;
	}
	ferry__feed_free(f);
	ferry_stage_line__dispose(&sl);
	ferry_sop__reader_free(inline_r);
	*left = r;
	return rc;
}

static void test_import_feed__every_line_as_read_inline(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_reader *r;
	unsigned handed, n = 1500;
	int compress, rc;

	for (compress = 0; compress <= 1; compress++) {
		const char *p = test_path(*state, "a.sop");

		remove(p);
		write_package(p, n, 0, compress);
		rc = feed_and_compare(p, &handed, &err, &r);
		if (rc != 0)
			print_error("%s\n", ferry_str_cstr(&err));
		assert_int_equal(rc, 0);
		assert_int_equal(handed, n);
		/* The reader reached the verified end. */
		assert_non_null(ferry_sop__reader_stamp(r));
		assert_int_equal(ferry_sop__reader_items(r), n);
		ferry_sop__reader_free(r);
	}
	ferry_str_dispose(&err);
}

static void test_import_feed__unreadable_line_is_the_last(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_reader *r;
	const char *line;
	size_t len;
	unsigned handed;
	int rc;

	/* Past the first batches, so the thread has read ahead. */
	write_package(p, 1200, 700, 1);
	assert_int_equal(feed_and_compare(p, &handed, &err, &r), 1);
	assert_int_equal(handed, 700);
	/* The reader is the caller's again: the rest of the file reads to
	 * its verified end. */
	while ((rc = ferry_sop__reader_next(r, &line, &len, &err)) == 1)
		;
	assert_int_equal(rc, 0);
	assert_int_equal(ferry_sop__reader_items(r), 1200);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
}

static void test_import_feed__damage_comes_out_with_its_words(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_reader *r;
	ferry_line_feed *f;
	const ferry_fed_line *got;
	unsigned handed = 0;
	size_t len;
	char *data;
	int rc;

	write_package(p, 900, 0, 0);
	/* One byte of a late item's payload changed: the stamp no longer
	 * matches, which the reader finds at the end. */
	data = test_file_get(p, &len);
	assert_non_null(strstr(data + len / 2, "\"n\":8"));
	strstr(data + len / 2, "\"n\":8")[4] = '9';
	test_file_put(p, data, len);
	free(data);
	r = open_reader(p);
	assert_int_equal(ferry__feed_new(&f, r), 0);
	while ((rc = ferry__feed_next(f, &got, &err)) == 1)
		handed++;
	assert_int_equal(rc, FERRY_EFORMAT);
	assert_true(err.size > 0);
	assert_int_equal(handed, 900);
	ferry__feed_free(f);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
}

#define V2_SYS_ID "0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
#define V2_PAYLOAD "{\"n\":1}"

/*
 * A format 2 insert of member V2_SYS_ID sealed over the version hashed
 * under `hashed_as`, with `extra` members after the action ("" or
 * starting with a comma) and payload `payload`.
 */
static void v2_line(ferry_str *l, const char *hashed_as, const char *extra,
	const char *payload)
{
	char version[FERRY_HASH_HEX], seal[FERRY_HASH_HEX];

	ferry__version_hash(version, "member", V2_SYS_ID, hashed_as,
		V2_PAYLOAD, strlen(V2_PAYLOAD));
	ferry__item_seal(seal, version, "open", 0);
	ferry_str_clear(l);
	ferry_str_printf(l, "{\"t\":\"record\",\"entity\":\"member\","
		"\"sys_id\":\"" V2_SYS_ID "\",\"action\":\"insert\"%s,"
		"\"policy\":\"open\",\"seal\":\"%s\",\"payload\":%s}", extra,
		seal, payload);
	assert_false(ferry_str_failed(l));
}

/* The verdict on line l read as format `format` ("" when none). */
static const char *verdict(ferry_stage_line *sl, const ferry_str *l,
	unsigned format)
{
	ferry_fed_line fed;

	fed.item = 1;
	assert_int_equal(ferry__import_read_line(sl, l->ptr, l->size, format,
		&fed), 0);
	return fed.code ? fed.code : "";
}

/*
 * The insert line sealed over the version hashed under `hashed_as`, read
 * as format 2 into sl: taken, with that version derived and sealed.
 */
static void read_derived(ferry_stage_line *sl, ferry_str *l,
	const char *hashed_as)
{
	char version[FERRY_HASH_HEX];

	ferry__version_hash(version, "member", V2_SYS_ID, hashed_as,
		V2_PAYLOAD, strlen(V2_PAYLOAD));
	v2_line(l, hashed_as, "", V2_PAYLOAD);
	assert_string_equal(verdict(sl, l, 2), "");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_VERSION), version);
	assert_int_equal(sl->version_from, FERRY_VERSION_DERIVED_SEALED);
}

static void test_import_feed__format2_members_filled_in(void **state)
{
	ferry_stage_line sl;
	ferry_str l = FERRY_STR_INIT;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	read_derived(&sl, &l, "insert");
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_RKEY), V2_SYS_ID);
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_VENDOR), "0");
	assert_null(FERRY_STAGED(&sl, FERRY_COL_BASE));
	assert_null(FERRY_STAGED(&sl, FERRY_COL_OLD));
	/* The same line in a format 1 package lacks its version. */
	assert_string_equal(verdict(&sl, &l, 1), "no_version");
	ferry_str_dispose(&l);
	ferry_stage_line__dispose(&sl);
}

/* A record inserted, then updated, in its pack: an insert item whose
 * version was hashed as an update.  The seal tells which. */
static void test_import_feed__format2_version_of_the_other_action(
	void **state)
{
	ferry_stage_line sl;
	ferry_str l = FERRY_STR_INIT;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	read_derived(&sl, &l, "update");
	ferry_str_dispose(&l);
	ferry_stage_line__dispose(&sl);
}

/* What format 2 leaves out may still be written, and is judged as in
 * format 1; an edited payload no longer matches the seal. */
static void test_import_feed__format2_judged_as_format1(void **state)
{
	static const struct {
		const char *extra, *payload, *code;
	} cases[] = {
		{ "", "{\"n\":2}", "seal_mismatch" },
		{ ",\"vendor\":\"yes\"", V2_PAYLOAD, "no_vendor" },
		{ ",\"vendor\":null", V2_PAYLOAD, "no_vendor" },
		{ ",\"vendor\":true", V2_PAYLOAD, "seal_mismatch" },
		{ ",\"vendor\":false", V2_PAYLOAD, "" },
		{ ",\"key\":null", V2_PAYLOAD, "no_key" },
		{ ",\"key\":\"other\"", V2_PAYLOAD, "key_mismatch" },
		{ ",\"key\":\"" V2_SYS_ID "\"", V2_PAYLOAD, "" },
		{ ",\"version\":null", V2_PAYLOAD, "no_version" },
		{ ",\"version\":\"" "0000000000000000000000000000000000000000"
		  "000000000000000000000000\"", V2_PAYLOAD, "hash_mismatch" },
		{ ",\"base\":null,\"old\":null", V2_PAYLOAD, "" },
	};
	ferry_stage_line sl;
	ferry_str l = FERRY_STR_INIT;
	size_t i;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v2_line(&l, "insert", cases[i].extra, cases[i].payload);
		if (strcmp(verdict(&sl, &l, 2), cases[i].code) != 0)
			print_error("case %zu: %s\n", i, l.ptr);
		assert_string_equal(verdict(&sl, &l, 2), cases[i].code);
	}
	ferry_str_dispose(&l);
	ferry_stage_line__dispose(&sl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_import_feed__every_line_as_read_inline,
			test_tmpdir_setup, test_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(
			test_import_feed__unreadable_line_is_the_last,
			test_tmpdir_setup, test_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(
			test_import_feed__damage_comes_out_with_its_words,
			test_tmpdir_setup, test_tmpdir_teardown),
		cmocka_unit_test(test_import_feed__format2_members_filled_in),
		cmocka_unit_test(
			test_import_feed__format2_version_of_the_other_action),
		cmocka_unit_test(test_import_feed__format2_judged_as_format1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
