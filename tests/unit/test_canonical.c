/*
 * test_canonical.c - walking canonical JSON objects, and the old values
 * an export writes for a field-level three-way check.
 */
#include "helpers.h"

#include "canonical.h"

#include <string.h>

static void expect_old(const char *base, const char *now, const char *want)
{
	ferry_str out = FERRY_STR_INIT;

	assert_int_equal(ferry_canon__old_values(&out, base, strlen(base), now,
		strlen(now)), 0);
	assert_string_equal(ferry_str_cstr(&out), want);
	ferry_str_dispose(&out);
}

static void test_canonical_old__unchanged_is_empty(void **state)
{
	(void)state;
	expect_old("{}", "{}", "{}");
	expect_old("{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{}");
}

static void test_canonical_old__changed_field_keeps_base_value(void **state)
{
	(void)state;
	expect_old("{\"a\":1,\"b\":\"x\"}", "{\"a\":2,\"b\":\"x\"}",
		"{\"a\":1}");
}

static void test_canonical_old__added_field_was_null(void **state)
{
	(void)state;
	expect_old("{\"b\":\"x\"}", "{\"a\":true,\"b\":\"x\",\"c\":null}",
		"{\"a\":null,\"c\":null}");
}

static void test_canonical_old__cleared_field_keeps_base_value(void **state)
{
	(void)state;
	expect_old("{\"a\":\"12.50\",\"b\":\"x\"}", "{\"b\":\"x\"}",
		"{\"a\":\"12.50\"}");
}

static void test_canonical_old__nested_values_and_escapes(void **state)
{
	(void)state;
	/* Separators inside strings and nested json values are skipped. */
	expect_old("{\"d\":{\"k\":[1,{\"x\":\"},\"}]},\"s\":\"a\\\"b,c:d\"}",
		"{\"d\":{\"k\":[1,{\"x\":\"},\"}]},\"s\":\"a\\\"b,c:e\"}",
		"{\"s\":\"a\\\"b,c:d\"}");
	expect_old("{\"d\":[1,2]}", "{\"d\":[1,2,3]}", "{\"d\":[1,2]}");
}

static void test_canonical_old__malformed_is_refused(void **state)
{
	static const char *const bad[] = { "", "[]", "{", "{\"a\"}",
		"{\"a\":}", "{\"a\":1,}", "{\"a\":\"x}", "{\"a\":[1}", "{a:1}" };
	ferry_str out = FERRY_STR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ferry_canon__old_values(&out, bad[i],
			strlen(bad[i]), "{}", 2), -1);
	ferry_str_dispose(&out);
}

static void test_canonical_walk__members_in_order(void **state)
{
	const char *t = "{\"a\":1,\"bb\":{\"c\":[]},\"d\":\"e\"}";
	ferry_canon_iter it;
	ferry_canon_member m;

	(void)state;
	assert_int_equal(ferry_canon__begin(&it, t, strlen(t)), 0);
	assert_int_equal(ferry_canon__next(&it, &m), 1);
	assert_int_equal(m.key_len, 1);
	assert_memory_equal(m.value, "1", 1);
	assert_int_equal(ferry_canon__next(&it, &m), 1);
	assert_memory_equal(m.key, "bb", 2);
	assert_int_equal(m.value_len, strlen("{\"c\":[]}"));
	assert_int_equal(ferry_canon__next(&it, &m), 1);
	assert_memory_equal(m.value, "\"e\"", 3);
	assert_int_equal(ferry_canon__next(&it, &m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_old__unchanged_is_empty),
		cmocka_unit_test(test_canonical_old__changed_field_keeps_base_value),
		cmocka_unit_test(test_canonical_old__added_field_was_null),
		cmocka_unit_test(test_canonical_old__cleared_field_keeps_base_value),
		cmocka_unit_test(test_canonical_old__nested_values_and_escapes),
		cmocka_unit_test(test_canonical_old__malformed_is_refused),
		cmocka_unit_test(test_canonical_walk__members_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
