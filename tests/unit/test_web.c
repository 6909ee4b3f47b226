/*
 * test_web.c - the web page's files are built into the binary (generated
 * from web/ by cmake/embed-web.cmake) and served by path, each with its
 * content type; a path that names no file gets the page itself.
 */
#include "helpers.h"

#include "server.h"

#include <string.h>

static void test_web_assets__root_is_the_page(void **state)
{
	const unsigned char *data;
	const char *type;
	size_t len;

	(void)state;
	assert_int_equal(ferry_server__asset("/index.html", &data, &len,
				 &type),
		0);
	assert_string_equal(type, "text/html; charset=utf-8");
	assert_non_null(strstr((const char *)data, "<!doctype html>"));
	assert_non_null(strstr((const char *)data, "/app.js"));
	assert_int_equal(data[len], '\0');
	assert_int_equal(strlen((const char *)data), len);
}

static void test_web_assets__script_and_style_have_their_types(void **state)
{
	const unsigned char *data;
	const char *type;
	size_t len;

	(void)state;
	assert_int_equal(ferry_server__asset("/app.js", &data, &len, &type),
		0);
	assert_string_equal(type, "text/javascript; charset=utf-8");
	assert_non_null(strstr((const char *)data, "Export as application"));
	assert_int_equal(ferry_server__asset("/style.css", &data, &len,
				 &type),
		0);
	assert_string_equal(type, "text/css; charset=utf-8");
	assert_true(len > 1000);
}

static void test_web_assets__other_paths_get_the_page(void **state)
{
	const unsigned char *page, *data;
	const char *type;
	size_t len;

	(void)state;
	assert_int_equal(ferry_server__asset("/index.html", &page, &len,
				 &type),
		0);
	assert_int_equal(ferry_server__asset("/", &data, &len, &type), 0);
	assert_ptr_equal(data, page);
	assert_int_equal(ferry_server__asset("/packs/x", &data, &len, &type),
		0);
	assert_ptr_equal(data, page);
}

/* Upload names (docs/api.md): the last segment, no leading dots, no
 * control characters, nothing that is not UTF-8 (the name appears in
 * JSON answers), .sop added. */
static void test_web_upload__safe_names(void **state)
{
	char out[64];

	(void)state;
	srv_safe_name(out, sizeof(out), "../../x/member.sop", ".sop");
	assert_string_equal(out, "member.sop");
	srv_safe_name(out, sizeof(out), "..\\..\\.hidden", ".sop");
	assert_string_equal(out, "hidden.sop");
	srv_safe_name(out, sizeof(out), "a\x1b[31mb\n", ".sop");
	assert_string_equal(out, "a_[31mb_.sop");
	srv_safe_name(out, sizeof(out), "memb\xcd" "er.sop", ".sop");
	assert_string_equal(out, "memb_er.sop");
	srv_safe_name(out, sizeof(out), "caf\xc3\xa9\xff.sop", ".sop");
	assert_string_equal(out, "caf\xc3\xa9_.sop");
	srv_safe_name(out, sizeof(out), "...", ".sop");
	assert_string_equal(out, "upload.sop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_assets__root_is_the_page),
		cmocka_unit_test(
			test_web_assets__script_and_style_have_their_types),
		cmocka_unit_test(test_web_assets__other_paths_get_the_page),
		cmocka_unit_test(test_web_upload__safe_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
