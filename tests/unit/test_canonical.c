/*
 * test_canonical.c - walking canonical JSON objects, and the old values
 * an export writes for a field-level three-way check.
 */
#include "helpers.h"

#include "canonical.h"

#include <jansson.h>
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

/* ferry_canon__has_members() of text with "name=json" pairs, in order. */
static int has(const char *text, size_t n, const char *const *pairs)
{
	const char *names[8], *values[8];
	size_t name_lens[8], value_lens[8], i;

	for (i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');

		names[i] = pairs[i];
		name_lens[i] = (size_t)(eq - pairs[i]);
		values[i] = eq + 1;
		value_lens[i] = strlen(eq + 1);
	}
	return ferry_canon__has_members(text, strlen(text), n, names,
		name_lens, values, value_lens);
}

/* The already-applied check of a plan: the declared fields' values. */
static void test_canonical_members__all_match(void **state)
{
	const char *text = "{\"age\":30,\"meta\":{\"k\":[1,\"x\"]},"
		"\"name\":\"a\\\"b\"}";
	const char *all[] = { "age=30", "meta={\"k\":[1,\"x\"]}",
		"name=\"a\\\"b\"" };
	const char *some[] = { "meta={\"k\":[1,\"x\"]}" };
	const char *absent[] = { "aa=null", "age=30", "zip=null" };

	(void)state;
	assert_int_equal(has(text, 3, all), 1);
	assert_int_equal(has(text, 1, some), 1);	/* others not asked */
	assert_int_equal(has(text, 3, absent), 1);	/* lacking is null */
	assert_int_equal(has("{}", 1, absent), 1);
	assert_int_equal(has("{}", 2, absent), 0);
	assert_int_equal(has(text, 0, NULL), 1);
}

static void test_canonical_members__one_differs(void **state)
{
	const char *text = "{\"age\":30,\"name\":\"ann\"}";
	const char *other_value[] = { "age=30", "name=\"anne\"" };
	const char *prefix[] = { "age=3" };
	const char *lacking[] = { "city=\"x\"" };
	const char *held_as_null[] = { "age=null" };
	const char *last_lacking[] = { "age=30", "name=\"ann\"",
		"zip=1" };

	(void)state;
	assert_int_equal(has(text, 2, other_value), 0);
	assert_int_equal(has(text, 1, prefix), 0);
	assert_int_equal(has(text, 1, lacking), 0);
	assert_int_equal(has(text, 1, held_as_null), 0);
	assert_int_equal(has(text, 3, last_lacking), 0);
	assert_int_equal(has("{\"age\":30", 1, prefix), -1);
}

/* ferry_canon__json() gives what jansson's parser gives for the text. */
static void expect_decoded(const char *text)
{
	json_t *fast = ferry_canon__json(text, strlen(text));
	json_t *slow = json_loadb(text, strlen(text), JSON_DECODE_ANY, NULL);

	assert_non_null(slow);
	assert_non_null(fast);
	assert_true(json_equal(fast, slow));
	json_decref(fast);
	json_decref(slow);
}

static void test_canonical_value__scalars_as_jansson_reads_them(void **state)
{
	(void)state;
	expect_decoded("null");
	expect_decoded("true");
	expect_decoded("false");
	expect_decoded("0");
	expect_decoded("-0");
	expect_decoded("-42");
	expect_decoded("123456789012345678");	/* 18 digits: built directly */
	expect_decoded("1234567890123456789");	/* 19: jansson's */
	expect_decoded("-2.25");
	expect_decoded("1e5");
	expect_decoded("\"\"");
	expect_decoded("\"plain text, no escapes Ã©tÃ© ð\"");
	expect_decoded("[1,\"a\",{\"b\":null}]");
	expect_decoded("{\"a\":{\"b\":[true]}}");
}

static void test_canonical_value__only_its_own_bytes(void **state)
{
	json_t *j;

	(void)state;
	/* a member's value is its len bytes, whatever follows them */
	j = ferry_canon__json("-12345", 3);
	assert_non_null(j);
	assert_int_equal(json_integer_value(j), -12);
	json_decref(j);
	j = ferry_canon__json("\"ab\"cd", 4);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "ab");
	json_decref(j);
}

static void test_canonical_value__every_escape_ferry_writes(void **state)
{
	ferry_str text = FERRY_STR_INIT;
	char bytes[64];
	size_t n = 0;
	int c;

	(void)state;
	/* every control character, quote and backslash, between text */
	for (c = 1; c < 0x20; c++)
		bytes[n++] = (char)c;
	bytes[n++] = '"';
	bytes[n++] = 'x';
	bytes[n++] = '\\';
	bytes[n++] = '/';
	ferry_str_put_json(&text, bytes, n);
	expect_decoded(ferry_str_cstr(&text));
	ferry_str_dispose(&text);
	/* an escape ferry does not write still decodes, by jansson */
	expect_decoded("\"a\\/b \\u00e9 \\ud83d\\ude00\"");
}

static void test_canonical_value__malformed_is_null(void **state)
{
	/* NUL, escaped or raw, and raw control characters: jansson (as a
	 * payload is parsed elsewhere) refuses them too */
	static const char *const bad[] = { "", "nul", "\"abc", "\"a\\x\"",
		"\"\\u00zz\"", "01", "1.", "-", "{\"a\":}", "\"\xff\"",
		"[1,2", "\"a\\u0000b\"", "\"a\x01b\"", "\"tab\there\"" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = ferry_canon__json(bad[i], strlen(bad[i]));

		if (j)
			fail_msg("ferry_canon__json accepted \"%s\"", bad[i]);
	}
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
		cmocka_unit_test(test_canonical_members__all_match),
		cmocka_unit_test(test_canonical_members__one_differs),
		cmocka_unit_test(test_canonical_value__scalars_as_jansson_reads_them),
		cmocka_unit_test(test_canonical_value__only_its_own_bytes),
		cmocka_unit_test(test_canonical_value__every_escape_ferry_writes),
		cmocka_unit_test(test_canonical_value__malformed_is_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
