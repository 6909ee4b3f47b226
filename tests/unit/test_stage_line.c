/*
 * test_stage_line.c - an item line's columns as both stores stage them
 * (store/stage_line.c over store/stage_json.c): one walk of the line
 * finds what a lookup per member finds, json1's reading of values is
 * kept (the first member of a name, labels as written, ->> texts), and
 * the library's spans of payload and old give the same columns as the
 * reader finding them itself.
 */
#include "helpers.h"

#include "store/stage_line.h"

#include <string.h>

static const char LINE[] = "{\"action\":\"update\",\"base\":\"b0\","
	"\"entity\":\"member\",\"key\":\"k1\",\"old\":{\"n\":1},"
	"\"payload\":{\"n\":2,\"s\":\"a\\\"b\"},\"policy\":\"open\","
	"\"seal\":\"s0\",\"sys_id\":\"id1\",\"t\":\"record\","
	"\"vendor\":true,\"version\":\"v1\"}";

static void read_line(ferry_stage_line *sl, const char *line, int spans)
{
	ferry_import_line l = { line, strlen(line), 0, NULL, NULL, 0, 0 };

	if (spans) {
		const char *p = strstr(line, "\"payload\":") + 10;
		const char *o = strstr(line, "\"old\":") + 6;

		l.spans = 1;
		l.payload = p;
		l.payload_len = strlen("{\"n\":2,\"s\":\"a\\\"b\"}");
		l.old = o;
		l.old_len = strlen("{\"n\":1}");
	}
	assert_int_equal(ferry_stage_line__read(sl, &l), 0);
}

static void check_columns(const ferry_stage_line *sl)
{
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_T), "record");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_ENTITY), "member");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_SYS_ID), "id1");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_RKEY), "k1");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_ACTION), "update");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_VERSION), "v1");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_BASE), "b0");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_POLICY), "open");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_VENDOR), "1");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_PAYLOAD),
		"{\"n\":2,\"s\":\"a\\\"b\"}");
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_OLD), "{\"n\":1}");
	assert_null(FERRY_STAGED(sl, FERRY_COL_BODY));
	assert_string_equal(FERRY_STAGED(sl, FERRY_COL_SEAL), "s0");
}

static void test_stage_line__columns_of_a_record(void **state)
{
	ferry_stage_line sl;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	read_line(&sl, LINE, 0);
	check_columns(&sl);
	ferry_stage_line__dispose(&sl);
}

static void test_stage_line__spans_give_the_same_columns(void **state)
{
	ferry_stage_line sl;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	read_line(&sl, LINE, 1);
	check_columns(&sl);
	/* The same reader, the next line without spans: nothing kept. */
	read_line(&sl, "{\"t\":\"schema\",\"entity\":\"member\"}", 0);
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_T), "schema");
	assert_null(FERRY_STAGED(&sl, FERRY_COL_PAYLOAD));
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_BODY),
		"{\"t\":\"schema\",\"entity\":\"member\"}");
	ferry_stage_line__dispose(&sl);
}

static void test_stage_line__json1_reading_is_kept(void **state)
{
	ferry_stage_line sl;
	ferry_import_line l;
	/* A name twice (the first counts), an escaped label (not "t"),
	 * numbers and null as ->> hands them out, spaces inside the
	 * payload (kept apart from the canonical text), old null. */
	static const char line[] = "{ \"t\" : \"record\", \"\\u0074\":\"x\","
		"\"entity\":\"a\",\"entity\":\"b\",\"sys_id\":12,"
		"\"version\":1.5e0,\"base\":null,\"vendor\":1,"
		"\"payload\":{ \"n\": 1 },\"old\":null}";

	(void)state;
	memset(&sl, 0, sizeof(sl));
	l.line = line;
	l.len = strlen(line);
	l.spans = 0;
	assert_int_equal(ferry_stage_line__read(&sl, &l), 0);
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_T), "record");
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_ENTITY), "a");
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_SYS_ID), "12");
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_VERSION), "1.5");
	assert_null(FERRY_STAGED(&sl, FERRY_COL_BASE));
	assert_null(FERRY_STAGED(&sl, FERRY_COL_VENDOR));	/* not a truth */
	assert_string_equal(FERRY_STAGED(&sl, FERRY_COL_PAYLOAD),
		"{ \"n\":1}");
	assert_null(FERRY_STAGED(&sl, FERRY_COL_OLD));
	ferry_stage_line__dispose(&sl);
}

static void test_stage_line__not_json_is_refused(void **state)
{
	static const char *const bad[] = { "{\"t\":\"record\"", "{\"a\":01}",
		"{\"a\":\"\\x\"}", "{\"a\":tru}", "{} {}", "" };
	ferry_stage_line sl;
	size_t i;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ferry_import_line l = { bad[i], strlen(bad[i]), 0, NULL, NULL,
			0, 0 };

		assert_int_equal(ferry_stage_line__read(&sl, &l),
			FERRY_STAGE_NOT_JSON);
	}
	ferry_stage_line__dispose(&sl);
}

static void test_stage_json__one_walk_finds_what_lookups_find(void **state)
{
	static const char *const keys[] = { "seal", "t", "payload", "nope",
		"action" };
	sj_value root, m[5], one;
	size_t i;

	(void)state;
	assert_true(sj_parse(LINE, strlen(LINE), &root));
	sj_members(root, keys, 5, m, NULL, 0);
	for (i = 0; i < 5; i++) {
		one = sj_member(root, keys[i]);
		assert_int_equal(m[i].kind, one.kind);
		assert_int_equal(m[i].n, one.n);
		assert_ptr_equal(m[i].p, one.p);
	}
	assert_int_equal(m[3].kind, SJ_NONE);
	assert_int_equal(m[2].kind, SJ_OBJECT);
	assert_int_equal(sj_member(sj_member(root, "old"), "n").kind, SJ_INT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_line__columns_of_a_record),
		cmocka_unit_test(test_stage_line__spans_give_the_same_columns),
		cmocka_unit_test(test_stage_line__json1_reading_is_kept),
		cmocka_unit_test(test_stage_line__not_json_is_refused),
		cmocka_unit_test(test_stage_json__one_walk_finds_what_lookups_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
