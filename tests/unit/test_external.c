/*
 * test_external.c - a field's external name (docs/interop.md, "External
 * names"): what ferry__field_add() takes as one, one test per rule, on a
 * real instance (imports and unpacking are its only callers with one).
 */
#include "helpers.h"

#include "records.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	test_tmpdir_free(*state);
	return 0;
}

/* An instance with entity pets (no fields). */
static ferry_db *instance(const char *dir)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_db *db;

	o.now = "2021-12-31T12:00:00Z";
	assert_int_equal(ferry_db_create(&db, test_path(dir, "i.db"), &o), 0);
	assert_int_equal(ferry_entity_create(db, "pets", NULL, NULL), 0);
	return db;
}

/* Add field `name` of type int with external name ext, as an import. */
static int add(ferry_db *db, const char *name, const char *ext)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;

	return ferry__field_add(db, "pets", name, "int", NULL, NULL, NULL,
		ext, &o);
}

static void test_external_name__kept_with_the_field(void **state)
{
	ferry_db *db = instance(*state);
	ferry_buf out = FERRY_BUF_INIT;

	assert_int_equal(add(db, "ownerid", "OwnerID"), 0);
	assert_int_equal(add(db, "chips", NULL), 0);
	assert_int_equal(ferry_entity_show(&out, db, "pets"), 0);
	assert_non_null(strstr(out.ptr, "\"name\":\"ownerid\",\"type\":\"int\","
		"\"display\":null,\"description\":null,\"default\":null,"
		"\"external_name\":\"OwnerID\"}"));
	assert_non_null(strstr(out.ptr, "\"name\":\"chips\",\"type\":\"int\","
		"\"display\":null,\"description\":null,\"default\":null,"
		"\"external_name\":null}"));
	ferry_buf_dispose(&out);
	ferry_db_close(db);
}

static void test_external_name__one_field_per_name(void **state)
{
	ferry_db *db = instance(*state);

	assert_int_equal(add(db, "ownerid", "OwnerID"), 0);
	assert_int_equal(add(db, "owner_id", "OwnerID"), FERRY_ECONFLICT);
	assert_string_equal(ferry_errmsg(db), "pets.ownerid and pets.owner_id "
		"would both stand for the external name 'OwnerID'; an external "
		"name maps to one field");
	ferry_db_close(db);
}

static void test_external_name__text_on_one_line_not_the_name(void **state)
{
	static const char *const bad[] = { "", "ownerid", "Owner\nID",
		"\xff" };
	ferry_db *db = instance(*state);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(add(db, "ownerid", bad[i]), FERRY_EINVALID);
		assert_non_null(strstr(ferry_errmsg(db), "an external name is "
			"UTF-8 text of 1 to 200 characters on one line, and "
			"differs from the field's own name"));
	}
	ferry_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_external_name__kept_with_the_field, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_external_name__one_field_per_name, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_external_name__text_on_one_line_not_the_name,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
