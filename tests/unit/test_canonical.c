/*
 * test_canonical.c - walking canonical JSON objects, and the old values
 * an export writes for a field-level three-way check.
 */
#include "helpers.h"

#include "canonical.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
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

/* ferry_canon__has_any() of text with the names listed, comma-free. */
static int has_any(const char *text, size_t n, const char *const *names)
{
	size_t lens[8], i;

	for (i = 0; i < n; i++)
		lens[i] = strlen(names[i]);
	return ferry_canon__has_any(text, strlen(text), n, names, lens);
}

/* The already-applied shortcut of a plan: do the old values name one of
 * the declared fields? */
static void test_canonical_has_any__one_of_the_names(void **state)
{
	const char *old = "{\"name\":\"x\",\"status\":null}";
	const char *one[] = { "age", "status" };
	const char *unsorted[] = { "zip", "name", "age" };
	const char *none[] = { "age", "nam", "names", "stat" };

	(void)state;
	assert_int_equal(has_any(old, 2, one), 1);
	assert_int_equal(has_any(old, 3, unsorted), 1);
	assert_int_equal(has_any(old, 4, none), 0);
	assert_int_equal(has_any(old, 0, NULL), 0);
	assert_int_equal(has_any("{}", 2, one), 0);
	/* a member's value is not a name */
	assert_int_equal(has_any("{\"a\":\"status\"}", 2, one), 0);
	assert_int_equal(has_any("{\"status\":1", 2, one), -1);
	assert_int_equal(has_any("[\"status\"]", 2, one), -1);
}

/* ferry_canon__member() of name in text: its value's JSON text, "-"
 * when text lacks it, "!" when text is malformed. */
static const char *member_of(ferry_canon_index *ix, const char *text,
	const char *name, char *buf, size_t cap)
{
	ferry_canon_member m;
	int rc = ferry_canon__member(ix, text, strlen(text), name,
		strlen(name), &m);

	if (rc < 0)
		return "!";
	if (rc == 0)
		return "-";
	assert_true(m.value_len < cap);
	memcpy(buf, m.value, m.value_len);
	buf[m.value_len] = '\0';
	return buf;
}

/* The set-wise commit's lookups: each field of a payload by name, the
 * index built once and rebuilt for another payload. */
static void test_canonical_member__found_by_name(void **state)
{
	static ferry_canon_index ix;
	const char *a = "{\"age\":30,\"meta\":{\"k\":[1,\"x\"]},"
		"\"name\":\"a\\\"b\"}";
	/* as long as a, other values: the index must not answer from a */
	const char *b = "{\"age\":31,\"meta\":{\"k\":[1,\"y\"]},"
		"\"name\":\"a\\\"c\"}";
	char buf[64];

	(void)state;
	assert_int_equal(strlen(a), strlen(b));
	assert_string_equal(member_of(&ix, a, "age", buf, sizeof(buf)), "30");
	assert_string_equal(member_of(&ix, a, "meta", buf, sizeof(buf)),
		"{\"k\":[1,\"x\"]}");
	assert_string_equal(member_of(&ix, a, "name", buf, sizeof(buf)),
		"\"a\\\"b\"");
	assert_string_equal(member_of(&ix, b, "name", buf, sizeof(buf)),
		"\"a\\\"c\"");
	assert_string_equal(member_of(&ix, b, "age", buf, sizeof(buf)), "31");
	/* lacking: before the first key, between two, after the last */
	assert_string_equal(member_of(&ix, a, "aa", buf, sizeof(buf)), "-");
	assert_string_equal(member_of(&ix, a, "ages", buf, sizeof(buf)), "-");
	assert_string_equal(member_of(&ix, a, "zip", buf, sizeof(buf)), "-");
	assert_string_equal(member_of(&ix, "{}", "age", buf, sizeof(buf)),
		"-");
	assert_string_equal(member_of(&ix, "{\"age\":30", "age", buf,
		sizeof(buf)), "!");
}

/* Objects the index cannot hold are walked, with the same answers. */
static void test_canonical_member__larger_than_the_index(void **state)
{
	static ferry_canon_index ix;
	ferry_str text = FERRY_STR_INIT, name = FERRY_STR_INIT;
	char buf[64], want[64];
	int i;

	(void)state;
	/* more members than the index holds */
	ferry_str_putc(&text, '{');
	for (i = 0; i < FERRY_CANON_INDEX_MEMBERS + 10; i++)
		ferry_str_printf(&text, "%s\"f%04d\":%d", i ? "," : "", i, i);
	ferry_str_putc(&text, '}');
	for (i = 0; i < FERRY_CANON_INDEX_MEMBERS + 10; i += 7) {
		ferry_str_clear(&name);
		ferry_str_printf(&name, "f%04d", i);
		snprintf(want, sizeof(want), "%d", i);
		assert_string_equal(member_of(&ix, ferry_str_cstr(&text),
			ferry_str_cstr(&name), buf, sizeof(buf)), want);
	}
	assert_string_equal(member_of(&ix, ferry_str_cstr(&text), "f99999",
		buf, sizeof(buf)), "-");
	/* more bytes than the index holds */
	ferry_str_clear(&text);
	ferry_str_puts(&text, "{\"a\":1,\"big\":\"");
	for (i = 0; i < FERRY_CANON_INDEX_BYTES; i++)
		ferry_str_putc(&text, 'x');
	ferry_str_puts(&text, "\",\"z\":true}");
	assert_string_equal(member_of(&ix, ferry_str_cstr(&text), "z", buf,
		sizeof(buf)), "true");
	assert_string_equal(member_of(&ix, ferry_str_cstr(&text), "a", buf,
		sizeof(buf)), "1");
	ferry_str_dispose(&text);
	ferry_str_dispose(&name);
}

/* ferry_canon__sql() of a JSON value gives what SQLite's ->> gives for
 * it: the same type and the same value (the set-wise commit stores
 * rows with it where the write path's rows came from ->>). */
static void expect_as_sqlite(sqlite3 *db, const char *value)
{
	sqlite3_stmt *st;
	ferry_canon_sql v;
	char buf[256];
	int type;

	assert_true(strlen(value) < sizeof(buf));
	assert_int_equal(ferry_canon__sql(value, strlen(value), buf, &v), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT ('{\"v\":' || ?1 || "
		"'}') ->> '$.v'", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	type = sqlite3_column_type(st, 0);
	switch (v.kind) {
	case FERRY_CANON_SQL_NULL:
		assert_int_equal(type, SQLITE_NULL);
		break;
	case FERRY_CANON_SQL_INT:
		assert_int_equal(type, SQLITE_INTEGER);
		assert_true(sqlite3_column_int64(st, 0) == v.i);
		break;
	case FERRY_CANON_SQL_REAL:
		assert_int_equal(type, SQLITE_FLOAT);
		assert_true(sqlite3_column_double(st, 0) == v.r);
		break;
	case FERRY_CANON_SQL_TEXT:
		assert_int_equal(type, SQLITE_TEXT);
		assert_int_equal((size_t)sqlite3_column_bytes(st, 0),
			v.text_len);
		assert_memory_equal(sqlite3_column_text(st, 0), v.text,
			v.text_len);
		break;
	}
	sqlite3_finalize(st);
}

static void test_canonical_sql__as_sqlite_reads_it(void **state)
{
	static const char *const values[] = { "null", "true", "false", "0",
		"-42", "123456789012345678", "9223372036854775807",
		"-9223372036854775808", "9223372036854775808", "-2.25", "1e5",
		"0.1", "\"\"", "\"plain \xc3\xa9t\xc3\xa9\"",
		"\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f c\\u001f\"",
		"\"a\\/b \\u00e9 \\ud83d\\ude00\"", "[1,\"a\",{\"b\":null}]",
		"{\"a\":{\"b\":[true]}}" };
	sqlite3 *db;
	size_t i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		expect_as_sqlite(db, values[i]);
	sqlite3_close(db);
}

static void test_canonical_sql__malformed_is_refused(void **state)
{
	static const char *const bad[] = { "", "nul", "trueish", "\"abc",
		"\"a\\x\"", "-", "1.5.5", "\"a\\u0000b\"" };
	ferry_canon_sql v;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ferry_canon__sql(bad[i], strlen(bad[i]), buf, &v) == 0)
			fail_msg("ferry_canon__sql accepted \"%s\"", bad[i]);
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
		cmocka_unit_test(test_canonical_has_any__one_of_the_names),
		cmocka_unit_test(test_canonical_member__found_by_name),
		cmocka_unit_test(test_canonical_member__larger_than_the_index),
		cmocka_unit_test(test_canonical_sql__as_sqlite_reads_it),
		cmocka_unit_test(test_canonical_sql__malformed_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
