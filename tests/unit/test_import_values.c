/*
 * test_import_values.c - each record's values judged against its
 * package's declared fields as load stages the lines (import_values.c):
 * an entity whose schema item comes first is judged there, with the
 * first record that does not fit and ferry_type__payload_check's words;
 * any other order, a second schema item, a faulty one or an entity
 * never declared is left to the store's check (verdict 0).  A record it
 * judged and found fitting hands back its reference values, which load
 * stages with the item for the plan's reference checks.
 */
#include "helpers.h"

#include "imports.h"
#include "records.h"
#include "store/stage_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA "{\"t\":\"schema\",\"entity\":\"member\",\"definition\":" \
	"{\"name\":\"member\",\"fields\":[{\"name\":\"name\",\"type\":" \
	"\"nvarchar(4)\"},{\"name\":\"age\",\"type\":\"int\"}]}}"
/* The same entity with two reference fields. */
#define SCHEMA_REFS "{\"t\":\"schema\",\"entity\":\"member\"," \
	"\"definition\":{\"name\":\"member\",\"fields\":[{\"name\":" \
	"\"club\",\"type\":\"ref(club)\"},{\"name\":\"name\",\"type\":" \
	"\"nvarchar(4)\"},{\"name\":\"owner\",\"type\":\"ref(user)\"}]}}"

typedef struct {
	ferry_value_judge *j;
	ferry_stage_line sl;
	int64_t item;
	const ferry_str *refs;	/* the last line's reference values */
} judge_fixture;

static int setup(void **state)
{
	judge_fixture *f = calloc(1, sizeof(*f));

	if (!f || ferry__values_new(&f->j) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	judge_fixture *f = *state;

	ferry__values_free(f->j);
	ferry_stage_line__dispose(&f->sl);
	free(f);
	return 0;
}

/* Read one line as the feed does and show it to the judge; its code. */
static const char *see(judge_fixture *f, const char *line)
{
	ferry_fed_line fed;

	fed.item = ++f->item;
	assert_int_equal(ferry__import_read_line(&f->sl, line, strlen(line),
		1, &fed), 0);
	assert_int_equal(ferry__values_see(f->j, &f->sl, fed.code, fed.item,
		&f->refs), 0);
	return fed.code;
}

/* The reference values the last line was staged with, or NULL. */
static const char *refs(const judge_fixture *f)
{
	return f->refs ? ferry_str_cstr(f->refs) : NULL;
}

/* A record item of member that load takes on its own (no code). */
static void see_record(judge_fixture *f, unsigned n, const char *action,
	const char *payload)
{
	char sys_id[40], version[FERRY_HASH_HEX], seal[FERRY_HASH_HEX],
		line[1024];
	const char *code;

	snprintf(sys_id, sizeof(sys_id), "%08x-0000-4000-8000-000000000000",
		n);
	ferry__version_hash(version, "member", sys_id, action, payload,
		strlen(payload));
	ferry__item_seal(seal, version, "open", 0);
	snprintf(line, sizeof(line), "{\"t\":\"record\",\"entity\":\"member\","
		"\"sys_id\":\"%s\",\"key\":\"%s\",\"action\":\"%s\","
		"\"version\":\"%s\",\"base\":%s,\"policy\":\"open\","
		"\"vendor\":false,\"seal\":\"%s\",\"payload\":%s,\"old\":null}",
		sys_id, sys_id, action, version, strcmp(action, "update") ?
		"null" : "\"" "0000000000000000000000000000000000000000000000"
		"000000000000000000\"", seal, payload);
	code = see(f, line);
	if (code)
		print_error("%s\n", code);
	assert_null(code);
}

static int verdict(judge_fixture *f, int64_t *bad, const char **why)
{
	return ferry__values_verdict(f->j, "member", bad, why);
}

static void test_import_values__schema_first_is_judged(void **state)
{
	judge_fixture *f = *state;
	const char *why;
	int64_t bad;

	assert_null(see(f, SCHEMA));
	see_record(f, 1, "insert", "{\"age\":30,\"name\":\"ann\"}");
	see_record(f, 2, "delete", "{\"age\":\"not judged\"}");
	see_record(f, 3, "update", "{\"name\":\"ben\"}");
	assert_int_equal(verdict(f, &bad, &why), 1);
	assert_int_equal(bad, 0);
	assert_null(why);
	see_record(f, 4, "insert", "{\"age\":\"thirty\"}");
	see_record(f, 5, "insert", "{\"ghost\":1}");
	assert_int_equal(verdict(f, &bad, &why), 1);
	assert_int_equal(bad, 5);
	assert_string_equal(why, "sets member.age to a string, which does "
		"not fit its declared type int");
}

static void test_import_values__the_first_bad_record_is_named(void **state)
{
	judge_fixture *f = *state;
	const char *why;
	int64_t bad;

	assert_null(see(f, SCHEMA));
	see_record(f, 1, "insert", "{\"ghost\":1}");
	see_record(f, 2, "insert", "{\"name\":\"too long\"}");
	assert_int_equal(verdict(f, &bad, &why), 1);
	assert_int_equal(bad, 2);
	assert_string_equal(why, "sets field ghost, which the package does "
		"not declare for entity member");
}

static void test_import_values__other_orders_are_the_stores(void **state)
{
	judge_fixture *f = *state;
	const char *why;
	int64_t bad;

	/* Never declared. */
	assert_int_equal(verdict(f, &bad, &why), 0);
	/* A record before the schema. */
	see_record(f, 1, "insert", "{\"age\":\"thirty\"}");
	assert_null(see(f, SCHEMA));
	see_record(f, 3, "insert", "{\"age\":\"thirty\"}");
	assert_int_equal(verdict(f, &bad, &why), 0);
	assert_int_equal(bad, 0);
	/* No judge at all. */
	assert_int_equal(ferry__values_verdict(NULL, "member", &bad, &why),
		0);
}

static void test_import_values__a_second_schema_is_the_stores(void **state)
{
	judge_fixture *f = *state;
	const char *why;
	int64_t bad;

	assert_null(see(f, SCHEMA));
	see_record(f, 1, "insert", "{\"age\":30}");
	assert_int_equal(verdict(f, &bad, &why), 1);
	assert_null(see(f, SCHEMA));
	assert_int_equal(verdict(f, &bad, &why), 0);
}

static void test_import_values__a_faulty_schema_is_the_stores(void **state)
{
	judge_fixture *f = *state;
	const char *why;
	int64_t bad;

	assert_string_equal(see(f, "{\"t\":\"schema\",\"entity\":\"member\","
		"\"definition\":{\"name\":\"member\",\"fields\":[{\"name\":"
		"\"age\",\"type\":\"integer(9)\"}]}}"), "schema_bad_field");
	see_record(f, 2, "insert", "{\"age\":\"thirty\"}");
	assert_int_equal(verdict(f, &bad, &why), 0);
}

/* Two records to refer to. */
#define C1 "\"00000000-0000-4000-8000-0000000000c1\""
#define U2 "\"00000000-0000-4000-8000-0000000000a2\""

static void test_import_values__a_judged_record_keeps_its_refs(void **state)
{
	judge_fixture *f = *state;

	assert_null(see(f, SCHEMA_REFS));
	assert_null(refs(f));
	see_record(f, 1, "insert", "{\"club\":" C1 ",\"name\":\"ann\","
		"\"owner\":" U2 "}");
	assert_string_equal(refs(f), "{\"club\":" C1 ",\"owner\":" U2 "}");
	/* a record keeps those it sets, {} for none */
	see_record(f, 2, "insert", "{\"owner\":" U2 "}");
	assert_string_equal(refs(f), "{\"owner\":" U2 "}");
	see_record(f, 3, "update", "{\"name\":\"ben\"}");
	assert_string_equal(refs(f), "{}");
	/* a delete and a record that does not fit keep none */
	see_record(f, 4, "delete", "{\"club\":" C1 "}");
	assert_null(refs(f));
	see_record(f, 5, "insert", "{\"club\":" C1 ",\"name\":\"too long\"}");
	assert_null(refs(f));
}

static void test_import_values__a_record_not_judged_keeps_no_refs(
	void **state)
{
	judge_fixture *f = *state;

	see_record(f, 1, "insert", "{\"club\":" C1 "}");
	assert_null(refs(f));
	assert_null(see(f, SCHEMA_REFS));
	see_record(f, 3, "insert", "{\"club\":" C1 "}");
	assert_null(refs(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_import_values__schema_first_is_judged, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__the_first_bad_record_is_named,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__other_orders_are_the_stores, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__a_second_schema_is_the_stores,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__a_faulty_schema_is_the_stores,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__a_judged_record_keeps_its_refs,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_import_values__a_record_not_judged_keeps_no_refs,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
