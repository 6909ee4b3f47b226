/*
 * test_dynlib.c - loading a library when first needed (src/util/dynlib.h):
 * what ferry does when libpq, libxml2 or libmicrohttpd is missing or too
 * old, and that a library is loaded once.
 */
#include "helpers.h"

#include "dynlib.h"

#include <string.h>

static double (*cos_fn)(double);
static void *no_fn;

static void test_dynlib__binds_each_function_once(void **state)
{
	static const ferry_dl_symbol syms[] = {
		{ "cos", (void **)&cos_fn },
	};
	ferry_dl_lib lib = { "libm.so.6", "the maths library", "libc6", syms,
		1, PTHREAD_MUTEX_INITIALIZER, 0, "" };
	const char *why = NULL;

	(void)state;
	assert_int_equal(ferry_dl_load(&lib, &why), 0);
	assert_null(why);
	assert_non_null(cos_fn);
	assert_true(cos_fn(0.0) == 1.0);
	/* a second call finds it loaded and binds nothing again */
	cos_fn = NULL;
	assert_int_equal(ferry_dl_load(&lib, &why), 0);
	assert_null(cos_fn);
}

static void test_dynlib__a_missing_library_names_what_to_install(void **state)
{
	static const ferry_dl_symbol syms[] = {
		{ "PQexec", &no_fn },
	};
	ferry_dl_lib lib = { "libferry-test-absent.so.9",
		"PostgreSQL's client library", "libpq5", syms, 1,
		PTHREAD_MUTEX_INITIALIZER, 0, "" };
	const char *why = NULL;

	(void)state;
	assert_int_equal(ferry_dl_load(&lib, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, "PostgreSQL's client library "
		"(libferry-test-absent.so.9) cannot be loaded"));
	assert_non_null(strstr(why, "install libpq5 (scripts/install-deps)"));
	/* the failure is kept: asking again gives the same answer */
	why = NULL;
	assert_int_equal(ferry_dl_load(&lib, &why), -1);
	assert_non_null(strstr(why, "cannot be loaded"));
	assert_int_equal(ferry_dl_load(&lib, NULL), -1);
}

static void test_dynlib__a_library_without_a_function_is_too_old(void **state)
{
	static const ferry_dl_symbol syms[] = {
		{ "cos", (void **)&cos_fn },
		{ "ferry_test_no_such_function", &no_fn },
	};
	ferry_dl_lib lib = { "libm.so.6", "the maths library", "libc6", syms,
		2, PTHREAD_MUTEX_INITIALIZER, 0, "" };
	const char *why = NULL;

	(void)state;
	assert_int_equal(ferry_dl_load(&lib, &why), -1);
	assert_string_equal(why, "the maths library (libm.so.6) lacks "
		"ferry_test_no_such_function: it is older than the one ferry "
		"was built with; install a newer libc6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynlib__binds_each_function_once),
		cmocka_unit_test(test_dynlib__a_missing_library_names_what_to_install),
		cmocka_unit_test(test_dynlib__a_library_without_a_function_is_too_old),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
