/*
 * test_schema_merge.c - the safe schema-merge rules of seed 002, one test
 * per rule, on ferry__merge_field_plan() (pure: no database).
 *
 * The seed lists SQLFieldSize among the data unpacking "will not modify"
 * and then says a larger packed size grows the field; the brief settles
 * it: the size only grows.  These tests pin that reading.
 */
#include "helpers.h"

#include "schema_merge.h"

#include <stdio.h>
#include <string.h>

/* A target field as the catalog would load it. */
typedef struct {
	ferry_field f;
	char display[64];
	char description[64];
	char def[64];
} target_field;

static const ferry_field *target(target_field *t, const char *name,
	const char *type, const char *display, const char *description,
	const char *def)
{
	ferry_str err = FERRY_STR_INIT;

	memset(t, 0, sizeof(*t));
	snprintf(t->f.name, sizeof(t->f.name), "%s", name);
	assert_int_equal(ferry_type__parse(&t->f.type, type, &err), 0);
	ferry_str_dispose(&err);
	ferry_type__format(t->f.type_text, &t->f.type);
	if (display) {
		snprintf(t->display, sizeof(t->display), "%s", display);
		t->f.display = t->display;
	}
	if (description) {
		snprintf(t->description, sizeof(t->description), "%s",
			description);
		t->f.description = t->description;
	}
	if (def) {
		snprintf(t->def, sizeof(t->def), "%s", def);
		t->f.default_value = t->def;
	}
	return &t->f;
}

static ferry_field_def package(const char *name, const char *type,
	const char *display, const char *description, const char *def)
{
	ferry_field_def d;

	memset(&d, 0, sizeof(d));
	d.name = name;
	d.type = type;
	d.display = display;
	d.description = description;
	d.default_value = def;
	return d;
}

/* Plan, check action and resulting type; the reason stays in *reason. */
static void plan(const ferry_field *t, const ferry_field_def *pkg,
	int action, const char *type, ferry_str *reason)
{
	char new_type[FERRY_TYPE_TEXT_MAX];

	assert_int_equal(ferry__merge_field_plan(t, pkg, new_type, reason),
		action);
	assert_string_equal(new_type, type);
	assert_false(ferry_str_failed(reason));
}

static void test_schema_merge_rules__nchar15_onto_nvarchar10_gives_nvarchar15(
	void **state)
{
	target_field t;
	ferry_field_def p = package("code", "nchar(15)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "code", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_GROW, "nvarchar(15)", &reason);
	assert_non_null(strstr(reason.ptr, "never changed"));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__larger_size_grows(void **state)
{
	target_field t;
	ferry_field_def p = package("name", "nvarchar(40)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "name", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_GROW, "nvarchar(40)", &reason);
	assert_non_null(strstr(reason.ptr, "size grows"));
	assert_string_equal(ferry__merge_action_name(FERRY_MERGE_GROW),
		"grown");
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__larger_size_grows_keeping_nchar(
	void **state)
{
	target_field t;
	ferry_field_def p = package("code", "nvarchar(20)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "code", "nchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_GROW, "nchar(20)", &reason);
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__smaller_size_kept(void **state)
{
	target_field t;
	ferry_field_def p = package("name", "nvarchar(5)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "name", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "nvarchar(10)", &reason);
	assert_non_null(strstr(reason.ptr, "size only grows"));
	assert_string_equal(ferry__merge_action_name(FERRY_MERGE_KEEP),
		"kept");
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__same_size_kept(void **state)
{
	target_field t;
	ferry_field_def p = package("name", "nvarchar(10)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "name", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "nvarchar(10)", &reason);
	assert_non_null(strstr(reason.ptr, "same type"));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__type_never_changed(void **state)
{
	target_field t;
	ferry_field_def p = package("qty", "int", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "qty", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "nvarchar(10)", &reason);
	assert_non_null(strstr(reason.ptr, "never changed"));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__unsized_target_not_grown(void **state)
{
	target_field t;
	ferry_field_def p = package("note", "nvarchar(50)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "note", "text", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "text", &reason);
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__ref_target_never_changed(void **state)
{
	target_field t;
	ferry_field_def p = package("owner", "ref(org)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "owner", "ref(person)", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "ref(person)", &reason);
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__missing_field_added(void **state)
{
	ferry_field_def p = package("note", "nvarchar(30)", "Note", NULL,
		NULL);
	ferry_str reason = FERRY_STR_INIT;
	char new_type[FERRY_TYPE_TEXT_MAX];

	(void)state;
	/* Absent in the target (new, or deleted there): the package's
	 * type, display, description and default are taken. */
	assert_int_equal(ferry__merge_field_plan(NULL, &p, new_type, &reason),
		FERRY_MERGE_ADD);
	assert_string_equal(new_type, "nvarchar(30)");
	assert_non_null(strstr(reason.ptr, "added as nvarchar(30)"));
	assert_string_equal(ferry__merge_action_name(FERRY_MERGE_ADD),
		"added");
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__description_display_default_kept(
	void **state)
{
	target_field t;
	ferry_field_def p = package("code", "nvarchar(10)", "Pack display",
		"Pack description", "\"PACK\"");
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	plan(target(&t, "code", "nvarchar(10)", "Local display",
		"Local description", "\"LOCAL\""), &p, FERRY_MERGE_KEEP,
		"nvarchar(10)", &reason);
	assert_non_null(strstr(reason.ptr, "description, display name and "
		"default value are kept"));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__labels_unset_in_target_still_kept(
	void **state)
{
	target_field t;
	ferry_field_def p = package("code", "nvarchar(10)", "Pack display",
		NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	/* Even an empty label is the target's choice: never filled in. */
	plan(target(&t, "code", "nvarchar(10)", NULL, NULL, NULL), &p,
		FERRY_MERGE_KEEP, "nvarchar(10)", &reason);
	assert_non_null(strstr(reason.ptr, "are kept"));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_rules__unreadable_type_refused(void **state)
{
	target_field t;
	ferry_field_def p = package("code", "varchar2(10)", NULL, NULL, NULL);
	ferry_str reason = FERRY_STR_INIT;
	char new_type[FERRY_TYPE_TEXT_MAX];

	(void)state;
	assert_int_equal(ferry__merge_field_plan(target(&t, "code",
		"nvarchar(10)", NULL, NULL, NULL), &p, new_type, &reason), -1);
	assert_non_null(strstr(reason.ptr, "unreadable"));
	p.type = NULL;
	ferry_str_clear(&reason);
	assert_int_equal(ferry__merge_field_plan(NULL, &p, new_type, &reason),
		-1);
	ferry_str_dispose(&reason);
}

/*
 * External names (docs/interop.md): one test per row of the collision
 * rule.  target_ext/pkg_ext NULL for none; collides: refused (-1).
 */
static void external(const char *target_ext, const char *pkg_ext,
	int collides)
{
	target_field t;
	ferry_field_def p = package("ext_sys_policy", "text", NULL, NULL,
		NULL);
	char ext[64];
	ferry_str reason = FERRY_STR_INIT;
	char new_type[FERRY_TYPE_TEXT_MAX];

	target(&t, "ext_sys_policy", "text", NULL, NULL, NULL);
	if (target_ext) {
		snprintf(ext, sizeof(ext), "%s", target_ext);
		t.f.external_name = ext;
	}
	p.external_name = pkg_ext;
	assert_int_equal(ferry__merge_field_plan(&t.f, &p, new_type, &reason),
		collides ? -1 : FERRY_MERGE_KEEP);
	if (collides)
		assert_non_null(strstr(reason.ptr, "field ext_sys_policy "
			"collides: in the package it has "));
	ferry_str_dispose(&reason);
}

static void test_schema_merge_external__same_name_kept(void **state)
{
	(void)state;
	external("sys_policy", "sys_policy", 0);
	external(NULL, NULL, 0);
}

static void test_schema_merge_external__two_names_collide(void **state)
{
	(void)state;
	external("sys_policy", "policy", 1);
}

static void test_schema_merge_external__renamed_onto_own_field_collides(
	void **state)
{
	(void)state;
	/* ServiceNow's sys_policy onto the target's own ext_sys_policy. */
	external(NULL, "sys_policy", 1);
}

static void test_schema_merge_external__own_field_onto_renamed_collides(
	void **state)
{
	(void)state;
	external("sys_policy", NULL, 1);
}

static void test_schema_merge_external__other_name_onto_none_kept(
	void **state)
{
	(void)state;
	/* Aptify's OwnerID onto a field made before external names. */
	external(NULL, "OwnerID", 0);
	external("OwnerID", NULL, 0);
}

static void test_schema_merge_external__new_field_takes_it(void **state)
{
	ferry_field_def p = package("ext_sys_policy", "text", NULL, NULL,
		NULL);
	ferry_str reason = FERRY_STR_INIT;

	(void)state;
	p.external_name = "sys_policy";
	plan(NULL, &p, FERRY_MERGE_ADD, "text", &reason);
	ferry_str_dispose(&reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
	test_schema_merge_rules__nchar15_onto_nvarchar10_gives_nvarchar15),
		cmocka_unit_test(test_schema_merge_rules__larger_size_grows),
		cmocka_unit_test(
		test_schema_merge_rules__larger_size_grows_keeping_nchar),
		cmocka_unit_test(test_schema_merge_rules__smaller_size_kept),
		cmocka_unit_test(test_schema_merge_rules__same_size_kept),
		cmocka_unit_test(test_schema_merge_rules__type_never_changed),
		cmocka_unit_test(
		test_schema_merge_rules__unsized_target_not_grown),
		cmocka_unit_test(
		test_schema_merge_rules__ref_target_never_changed),
		cmocka_unit_test(test_schema_merge_rules__missing_field_added),
		cmocka_unit_test(
		test_schema_merge_rules__description_display_default_kept),
		cmocka_unit_test(
		test_schema_merge_rules__labels_unset_in_target_still_kept),
		cmocka_unit_test(
		test_schema_merge_rules__unreadable_type_refused),
		cmocka_unit_test(test_schema_merge_external__same_name_kept),
		cmocka_unit_test(test_schema_merge_external__two_names_collide),
		cmocka_unit_test(
	test_schema_merge_external__renamed_onto_own_field_collides),
		cmocka_unit_test(
	test_schema_merge_external__own_field_onto_renamed_collides),
		cmocka_unit_test(
		test_schema_merge_external__other_name_onto_none_kept),
		cmocka_unit_test(test_schema_merge_external__new_field_takes_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
