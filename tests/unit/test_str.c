/*
 * test_str.c - ferry_str: growable strings with a cap and sticky failure,
 * and the JSON string escaping that canonical payloads use (frozen).
 */
#include "helpers.h"

#include "alloc.h"
#include "jsonw.h"
#include "str.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void test_str_build__appends(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	assert_string_equal(ferry_str_cstr(&s), "");
	assert_int_equal(ferry_str_puts(&s, "abc"), 0);
	assert_int_equal(ferry_str_putc(&s, '-'), 0);
	assert_int_equal(ferry_str_put(&s, "xyz", 2), 0);
	assert_int_equal(ferry_str_printf(&s, "[%d|%s|%05.1f]", 42, "t", 2.5),
		0);
	assert_string_equal(ferry_str_cstr(&s), "abc-xy[42|t|002.5]");
	assert_int_equal(s.size, strlen("abc-xy[42|t|002.5]"));
	assert_false(ferry_str_failed(&s));
	ferry_str_dispose(&s);
	assert_null(s.ptr);
	assert_int_equal(s.size, 0);
}

static void test_str_build__empty_put_allocates_a_terminated_string(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	assert_int_equal(ferry_str_put(&s, NULL, 0), 0);
	assert_non_null(s.ptr);
	assert_string_equal(s.ptr, "");
	ferry_str_dispose(&s);
}

static void test_str_build__grows_past_many_doublings(void **state)
{
	ferry_str s = FERRY_STR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 100000; i++)
		ferry_str_putc(&s, (char)('a' + i % 26));
	assert_false(ferry_str_failed(&s));
	assert_int_equal(s.size, 100000);
	assert_true(s.asize > s.size);
	assert_int_equal(s.ptr[99999], 'a' + 99999 % 26);
	assert_int_equal(s.ptr[100000], '\0');
	ferry_str_dispose(&s);
}

static void test_str_cap__failure_is_sticky_until_cleared(void **state)
{
	ferry_str s;

	(void)state;
	ferry_str_init(&s, 8);
	assert_int_equal(ferry_str_puts(&s, "12345678"), 0);
	assert_string_equal(ferry_str_cstr(&s), "12345678");
	assert_int_equal(ferry_str_putc(&s, '9'), -1);
	assert_true(ferry_str_failed(&s));
	/* Failed: every later append is refused, even a small one. */
	assert_int_equal(ferry_str_puts(&s, ""), -1);
	assert_int_equal(ferry_str_printf(&s, "%d", 1), -1);
	assert_string_equal(ferry_str_cstr(&s), "");
	ferry_str_clear(&s);
	assert_false(ferry_str_failed(&s));
	assert_int_equal(ferry_str_puts(&s, "ok"), 0);
	assert_string_equal(ferry_str_cstr(&s), "ok");
	ferry_str_dispose(&s);
	/* The cap survives dispose, so a string can be reused. */
	assert_int_equal(s.cap, 8);
	assert_int_equal(ferry_str_printf(&s, "%s", "123456789"), -1);
	ferry_str_dispose(&s);
}

static void test_str_cap__size_arithmetic_does_not_overflow(void **state)
{
	ferry_str s;

	(void)state;
	ferry_str_init(&s, 0);
	ferry_str_puts(&s, "x");
	assert_int_equal(ferry_str_grow(&s, (size_t)-1), -1);
	assert_true(ferry_str_failed(&s));
	ferry_str_dispose(&s);
	ferry_str_init(&s, 0);
	assert_int_equal(ferry_str_grow(&s, FERRY_STR_DEFAULT_CAP + 1), -1);
	ferry_str_dispose(&s);
}

static int allocs_left = -1;

static void *limited_malloc(size_t n)
{
	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	return malloc(n);
}

static void *limited_realloc(void *p, size_t n)
{
	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	return realloc(p, n);
}

static void test_str_oom__an_allocation_failure_fails_the_string(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	ferry__set_allocator(limited_malloc, limited_realloc, free);
	allocs_left = 1;
	assert_int_equal(ferry_str_puts(&s, "first"), 0);
	assert_int_equal(ferry_str_printf(&s, "%0200d", 1), -1);
	assert_true(ferry_str_failed(&s));
	assert_string_equal(ferry_str_cstr(&s), "");
	allocs_left = -1;
	/* Memory is back, but the failure stays until cleared. */
	assert_int_equal(ferry_str_puts(&s, "x"), -1);
	ferry__set_allocator(NULL, NULL, NULL);
	ferry_str_dispose(&s);
}

static void test_str_clear_truncate_detach(void **state)
{
	ferry_str s = FERRY_STR_INIT;
	char *p;

	(void)state;
	ferry_str_puts(&s, "hello world");
	ferry_str_truncate(&s, 5);
	assert_string_equal(ferry_str_cstr(&s), "hello");
	ferry_str_truncate(&s, 50);
	assert_string_equal(ferry_str_cstr(&s), "hello");
	ferry_str_clear(&s);
	assert_string_equal(ferry_str_cstr(&s), "");
	assert_int_equal(s.size, 0);
	ferry_str_puts(&s, "kept");
	p = ferry_str_detach(&s);
	assert_string_equal(p, "kept");
	assert_null(s.ptr);
	assert_int_equal(s.size, 0);
	ferry__free(p);
	p = ferry_str_detach(&s);	/* an empty string detaches as "" */
	assert_string_equal(p, "");
	ferry__free(p);
	ferry_str_truncate(&s, 0);	/* never allocated: a no-op */
	ferry_str_dispose(&s);
}

/* The escaping is part of the canonical form: pinned byte for byte. */
static void test_str_json__escaping_is_frozen(void **state)
{
	ferry_str s = FERRY_STR_INIT;
	static const char in[] = "q\"b\\n\nt\tr\rb\bf\f\x01\x1f\x7f/<>&\xc3\xa9"
		"\xf0\x9f\x98\x80";

	(void)state;
	ferry_str_put_json(&s, in, sizeof(in) - 1);
	assert_string_equal(ferry_str_cstr(&s),
		"\"q\\\"b\\\\n\\nt\\tr\\rb\\bf\\f\\u0001\\u001f\x7f/<>&\xc3\xa9"
		"\xf0\x9f\x98\x80\"");
	ferry_str_clear(&s);
	ferry_str_puts_json(&s, "");
	assert_string_equal(ferry_str_cstr(&s), "\"\"");
	ferry_str_clear(&s);
	/* An embedded NUL is escaped, not a terminator. */
	ferry_str_put_json(&s, "a\0b", 3);
	assert_int_equal(s.size, 10);
	assert_memory_equal(s.ptr, "\"a\\u0000b\"", 10);
	ferry_str_dispose(&s);
}

/* The member writer puts the separators itself, writes NULL strings and
 * 0 ids as null, and copies JSON text as it is. */
static void test_str_json__members_and_separators(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	ferry_json_open(&s, NULL, '[');
	ferry_json_open(&s, NULL, '{');
	ferry_json_str(&s, "name", "a\"b");
	ferry_json_str(&s, "none", NULL);
	ferry_json_int(&s, "n", -42);
	ferry_json_id(&s, "id", 0);
	ferry_json_id(&s, "import", 7);
	ferry_json_bool(&s, "t", 1);
	ferry_json_bool(&s, "f", 0);
	ferry_json_raw(&s, "payload", "{\"x\":[1]}xyz", 9);
	ferry_json_raw(&s, "nothing", NULL, 0);
	ferry_json_open(&s, "empty", '[');
	ferry_json_close(&s, ']');
	ferry_json_close(&s, '}');
	ferry_json_open(&s, NULL, '{');
	ferry_json_close(&s, '}');
	ferry_json_str(&s, NULL, "tail");
	ferry_json_close(&s, ']');
	assert_false(ferry_str_failed(&s));
	assert_string_equal(ferry_str_cstr(&s), "[{\"name\":\"a\\\"b\","
		"\"none\":null,\"n\":-42,\"id\":null,\"import\":7,\"t\":true,"
		"\"f\":false,\"payload\":{\"x\":[1]},\"nothing\":null,"
		"\"empty\":[]},{},\"tail\"]");
	ferry_str_dispose(&s);
}

/* The canonical payload writes int fields with ferry_str_put_i64(): its
 * digits must be printf's, to the extremes, or version hashes would
 * change. */
static void test_str_build__put_i64_writes_what_printf_writes(void **state)
{
	static const int64_t v[] = { 0, 1, -1, 9, 10, -10, 1710, 99999,
		-123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ferry_str a = FERRY_STR_INIT, b = FERRY_STR_INIT;

		assert_int_equal(ferry_str_puts(&a, "x"), 0);
		assert_int_equal(ferry_str_put_i64(&a, v[i]), 0);
		assert_int_equal(ferry_str_printf(&b, "x%" PRId64, v[i]), 0);
		assert_string_equal(a.ptr, b.ptr);
		assert_int_equal(a.size, b.size);
		ferry_str_dispose(&a);
		ferry_str_dispose(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_build__appends),
		cmocka_unit_test(test_str_build__empty_put_allocates_a_terminated_string),
		cmocka_unit_test(test_str_build__grows_past_many_doublings),
		cmocka_unit_test(test_str_cap__failure_is_sticky_until_cleared),
		cmocka_unit_test(test_str_cap__size_arithmetic_does_not_overflow),
		cmocka_unit_test(test_str_oom__an_allocation_failure_fails_the_string),
		cmocka_unit_test(test_str_clear_truncate_detach),
		cmocka_unit_test(test_str_build__put_i64_writes_what_printf_writes),
		cmocka_unit_test(test_str_json__escaping_is_frozen),
		cmocka_unit_test(test_str_json__members_and_separators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
