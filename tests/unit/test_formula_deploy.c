/*
 * test_formula_deploy.c - the import rules of formulas and data sets
 * (seed 001, docs/formulas.md) through ferry__definition_preview() and
 * ferry__definition_commit(), and the life cycle of the public calls.
 *
 * Every test gets a fresh instance (admin alice, UTC) whose clock is fixed
 * at 2022-03-10T12:00:00Z, builds the target with the public API, and
 * builds package items by hand in the layout export writes.
 */
#include "helpers.h"

#include "definitions.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "2022-03-10T12:00:00Z"
#define TODAY "2022-03-10"

typedef test_instance fixture;

static int setup(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;

	o.admin = "alice";
	o.tz = "UTC";
	o.now = NOW;
	test_instance_new(state, "t.db", &o);
	return 0;
}

/* A formula item as export writes it. */
static char *formula_item(const char *name, const char *start,
	const char *inputs, const char *outputs, const char *parent,
	const char *master)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "{\"t\":\"formula\",\"name\":\"%s\","
		"\"version\":3,\"status\":\"active\",\"start_date\":\"%s\","
		"\"inputs\":%s,\"outputs\":%s,\"body\":\"a*b\",\"parent\":%s,"
		"\"master\":%s}", name, start, inputs, outputs,
		parent ? parent : "null", master ? master : "null");
	return buf;
}

static char *dataset_item(const char *name, const char *start,
	const char *columns)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "{\"t\":\"dataset\",\"name\":\"%s\","
		"\"version\":1,\"status\":\"closed\",\"start_date\":\"%s\","
		"\"columns\":%s,\"body\":\"\",\"parent\":null,\"master\":null}",
		name, start, columns);
	return buf;
}

#define INPUTS "[{\"name\":\"a\",\"type\":\"decimal(10,2)\"}," \
	"{\"name\":\"b\",\"type\":\"int\"}]"
#define OUTPUTS "[\"gross\",\"net\"]"
#define COLUMNS "[{\"name\":\"code\",\"type\":\"nvarchar(10)\"}," \
	"{\"name\":\"rate\",\"type\":\"decimal(5,2)\"}]"

static void create_formula(ferry_db *db, const char *name,
	const char *inputs, const char *outputs)
{
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;

	o.inputs = inputs;
	o.outputs = outputs;
	assert_int_equal(ferry_formula_create(db, FERRY_FORMULA, name, &o), 0);
}

static void create_dataset(ferry_db *db, const char *name,
	const char *columns)
{
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;

	o.inputs = columns;
	assert_int_equal(ferry_formula_create(db, FERRY_DATASET, name, &o), 0);
}

/* The shown document of a definition (the caller decrefs). */
static json_t *show(ferry_db *db, ferry_definition_kind kind,
	const char *name)
{
	ferry_buf out = FERRY_BUF_INIT;
	json_t *doc;

	assert_int_equal(ferry_formula_show(&out, db, kind, name), 0);
	doc = json_loadb(out.ptr, out.size, 0, NULL);
	assert_non_null(doc);
	ferry_buf_dispose(&out);
	return doc;
}

static int exists(ferry_db *db, ferry_definition_kind kind,
	const char *name)
{
	ferry_buf out = FERRY_BUF_INIT;
	int error = ferry_formula_show(&out, db, kind, name);

	ferry_buf_dispose(&out);
	assert_true(error == 0 || error == FERRY_ENOTFOUND);
	return error == 0;
}

static size_t version_count(ferry_db *db, ferry_definition_kind kind,
	const char *name)
{
	json_t *doc = show(db, kind, name);
	size_t n = json_array_size(json_object_get(doc, "versions"));

	json_decref(doc);
	return n;
}

/* A member of version n (1-based position) of a shown definition, as
 * text ("" for null), in a static buffer. */
static const char *vfield(ferry_db *db, ferry_definition_kind kind,
	const char *name, size_t n, const char *key)
{
	static char buf[512];
	json_t *doc = show(db, kind, name), *v;

	v = json_object_get(json_array_get(json_object_get(doc, "versions"),
		n - 1), key);
	if (json_is_string(v))
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, sizeof(buf), "%lld",
			(long long)json_integer_value(v));
	else
		buf[0] = '\0';
	json_decref(doc);
	return buf;
}

/* 1 if the plan lists a problem of that kind and severity. */
static int has_problem(const ferry_definition_plan *p, const char *kind,
	const char *severity)
{
	json_t *doc = json_loads(ferry_str_cstr(&p->problems), 0, NULL), *x;
	size_t i;
	int found = 0;

	assert_non_null(doc);
	json_array_foreach(doc, i, x)
		if (!strcmp(json_string_value(json_object_get(x, "kind")),
		    kind) && !strcmp(json_string_value(json_object_get(x,
		    "severity")), severity))
			found = 1;
	json_decref(doc);
	return found;
}

static size_t problem_count(const ferry_definition_plan *p)
{
	json_t *doc = json_loads(ferry_str_cstr(&p->problems), 0, NULL);
	size_t n = json_array_size(doc);

	assert_non_null(doc);
	json_decref(doc);
	return n;
}

static void preview(ferry_db *db, const char *item,
	ferry_definition_plan *plan)
{
	ferry__definition_plan_init(plan);
	assert_int_equal(ferry__definition_preview(db, item, strlen(item),
		plan), 0);
}

static void commit(ferry_db *db, const char *item, ferry_str *outcome)
{
	assert_int_equal(ferry__definition_commit(db, item, strlen(item), 7,
		outcome), 0);
}

/* ---- formulas -------------------------------------------------------- */

/* Row 1: no formula of that name -> new, version 1, draft, today (the
 * package's start date, past or future, does not matter). */
static void test_formula_deploy__absent_name_creates_v1_draft_today(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	ferry_str out = FERRY_STR_INIT;
	const char *item = formula_item("tax", "2030-01-01", INPUTS,
		OUTPUTS, NULL, NULL);

	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create");
	assert_string_equal(ferry_str_cstr(&p.target), "tax");
	assert_int_equal(problem_count(&p), 0);
	ferry__definition_plan_dispose(&p);
	assert_false(exists(f->db, FERRY_FORMULA, "tax"));

	commit(f->db, item, &out);
	assert_string_equal(ferry_str_cstr(&out), "{\"kind\":\"formula\","
		"\"name\":\"tax\",\"version\":1,\"action\":\"create\","
		"\"start_date\":\"" TODAY "\"}");
	ferry_str_dispose(&out);
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax"), 1);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "status"),
		"draft");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1,
		"start_date"), TODAY);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "body"),
		"a*b");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "import"),
		"7");
}

/* Row 2: same signature and a draft in the target -> error problem,
 * the commit is refused and nothing is imported. */
static void test_formula_deploy__draft_in_target_blocks(void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = formula_item("tax", "2021-01-01", INPUTS,
		OUTPUTS, NULL, NULL);

	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "new_version");
	assert_true(has_problem(&p, "formula_draft_exists", "error"));
	assert_non_null(strstr(ferry_str_cstr(&p.problems),
		"ferry formula delete tax 1"));
	ferry__definition_plan_dispose(&p);

	assert_int_equal(ferry__definition_commit(f->db, item, strlen(item),
		7, NULL), FERRY_ECONFLICT);
	assert_non_null(strstr(ferry_errmsg(f->db), "already has a draft"));
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax"), 1);
	assert_false(exists(f->db, FERRY_FORMULA, "tax_" TODAY));

	/* Deleting the draft unblocks it. */
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "tax", 1),
		0);
	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	preview(f->db, item, &p);
	assert_int_equal(problem_count(&p), 0);
	ferry__definition_plan_dispose(&p);
}

/* Row 3 with a past start date: the next version, draft, today. */
static void test_formula_deploy__no_draft_new_version_past_start(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	ferry_str out = FERRY_STR_INIT;
	const char *item = formula_item("tax", "2021-06-01", INPUTS,
		OUTPUTS, NULL, NULL);

	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "new_version");
	assert_string_equal(ferry_str_cstr(&p.target), "tax");
	assert_int_equal(problem_count(&p), 0);
	ferry__definition_plan_dispose(&p);

	commit(f->db, item, &out);
	assert_non_null(strstr(ferry_str_cstr(&out), "\"version\":2"));
	ferry_str_dispose(&out);
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax"), 2);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "status"),
		"draft");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2,
		"start_date"), TODAY);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "status"),
		"active");
}

/* Row 3 with a future start date: the package's date is kept. */
static void test_formula_deploy__no_draft_new_version_future_start(
	void **state)
{
	fixture *f = *state;
	const char *item = formula_item("tax", "2023-05-01", INPUTS,
		OUTPUTS, NULL, NULL);

	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	commit(f->db, item, NULL);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2,
		"start_date"), "2023-05-01");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "status"),
		"draft");
}

/* Row 3: links re-initialised: kept where the target has that formula,
 * cleared with a warning where it has not. */
static void test_formula_deploy__links_reinitialised_or_cleared(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = formula_item("tax", "2021-06-01", INPUTS,
		OUTPUTS, "\"base\"", "\"gone\"");

	create_formula(f->db, "base", "x:int", "y");
	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	preview(f->db, item, &p);
	assert_true(has_problem(&p, "formula_link_cleared", "warning"));
	assert_int_equal(problem_count(&p), 1);
	assert_non_null(strstr(ferry_str_cstr(&p.problems), "'gone'"));
	ferry__definition_plan_dispose(&p);

	commit(f->db, item, NULL);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "parent"),
		"base");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "master"),
		"");
}

/* Links of a new formula are resolved in the target too. */
static void test_formula_deploy__new_formula_links_resolved(void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = formula_item("tax", "2021-06-01", INPUTS,
		OUTPUTS, "\"gone\"", "\"base\"");

	create_formula(f->db, "base", "x:int", "y");
	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create");
	assert_true(has_problem(&p, "formula_link_cleared", "warning"));
	ferry__definition_plan_dispose(&p);
	commit(f->db, item, NULL);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "parent"),
		"");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "master"),
		"base");
}

/* Both links missing: one warning names both (one problem per kind). */
static void test_formula_deploy__both_links_cleared_one_warning(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = formula_item("tax", "2021-06-01", INPUTS,
		OUTPUTS, "\"gone\"", "\"lost\"");

	preview(f->db, item, &p);
	assert_int_equal(problem_count(&p), 1);
	assert_true(has_problem(&p, "formula_link_cleared", "warning"));
	assert_non_null(strstr(ferry_str_cstr(&p.problems), "parent formula "
		"'gone' and master formula 'lost'"));
	ferry__definition_plan_dispose(&p);
	commit(f->db, item, NULL);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "parent"),
		"");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "master"),
		"");
}

/* Row 4: different inputs -> a new formula <name>_<import date>. */
static void test_formula_deploy__different_inputs_renamed(void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	ferry_str out = FERRY_STR_INIT;
	const char *item = formula_item("tax", "2023-05-01", INPUTS,
		OUTPUTS, NULL, NULL);

	/* A draft in the target does not block a renamed import. */
	create_formula(f->db, "tax", "a:decimal(10,2),b:bigint", "gross,net");
	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create_renamed");
	assert_string_equal(ferry_str_cstr(&p.target), "tax_" TODAY);
	assert_true(has_problem(&p, "formula_renamed", "info"));
	assert_false(has_problem(&p, "formula_draft_exists", "error"));
	ferry__definition_plan_dispose(&p);

	commit(f->db, item, &out);
	assert_non_null(strstr(ferry_str_cstr(&out),
		"\"name\":\"tax_" TODAY "\",\"version\":1"));
	ferry_str_dispose(&out);
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax_" TODAY),
		1);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax_" TODAY, 1,
		"status"), "draft");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax_" TODAY, 1,
		"start_date"), TODAY);
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax"), 1);
}

/* Row 4: the same steps in another order are different output steps. */
static void test_formula_deploy__different_output_order_renamed(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;

	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "net,gross");
	preview(f->db, formula_item("tax", TODAY, INPUTS, OUTPUTS, NULL,
		NULL), &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create_renamed");
	ferry__definition_plan_dispose(&p);
}

/* Row 4: when <name>_<date> is taken too, _2 then _3. */
static void test_formula_deploy__renamed_collision_suffix(void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = formula_item("tax", TODAY, INPUTS, OUTPUTS, NULL,
		NULL);

	create_formula(f->db, "tax", "a:int", "gross,net");
	create_formula(f->db, "tax_" TODAY, "z:int", "q");
	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.target), "tax_" TODAY "_2");
	ferry__definition_plan_dispose(&p);
	commit(f->db, item, NULL);
	assert_true(exists(f->db, FERRY_FORMULA, "tax_" TODAY "_2"));
	/* The same package again is already applied: no "_3". */
	commit(f->db, item, NULL);
	assert_false(exists(f->db, FERRY_FORMULA, "tax_" TODAY "_3"));
}

/* The import date is the importing user's date in their time zone. */
static void test_formula_deploy__import_date_in_user_time_zone(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;

	assert_int_equal(ferry_user_add(f->db, "kenji", 1, "Asia/Tokyo"), 0);
	assert_int_equal(ferry_db_set_user(f->db, "kenji"), 0);
	assert_int_equal(ferry_db_set_now(f->db, "2022-03-10T20:00:00Z"), 0);
	create_formula(f->db, "tax", "a:int", "gross,net");
	preview(f->db, formula_item("tax", "2022-01-01", INPUTS, OUTPUTS,
		NULL, NULL), &p);
	assert_string_equal(ferry_str_cstr(&p.target), "tax_2022-03-11");
	ferry__definition_plan_dispose(&p);
	commit(f->db, formula_item("tax", "2022-01-01", INPUTS, OUTPUTS, NULL,
		NULL), NULL);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax_2022-03-11", 1,
		"start_date"), "2022-03-11");
}

/* Types compare in canonical form: "decimal(10, 2)" is decimal(10,2). */
static void test_formula_deploy__signature_compared_canonically(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;

	create_formula(f->db, "tax", " a : decimal(10, 2) , b:int ",
		" gross , net ");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	preview(f->db, formula_item("tax", TODAY, INPUTS, OUTPUTS, NULL,
		NULL), &p);
	assert_string_equal(ferry_str_cstr(&p.action), "new_version");
	ferry__definition_plan_dispose(&p);
}

/* The signature is compared with the target's latest version. */
static void test_formula_deploy__compared_with_latest_version(
	void **state)
{
	fixture *f = *state;
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;
	ferry_definition_plan p;

	create_formula(f->db, "tax", "a:decimal(10,2),b:int", "gross,net");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	o.inputs = "a:decimal(10,2)";
	assert_int_equal(ferry_formula_new_version(NULL, f->db, FERRY_FORMULA,
		"tax", &o), 0);
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		2), 0);
	preview(f->db, formula_item("tax", TODAY, INPUTS, OUTPUTS, NULL,
		NULL), &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create_renamed");
	ferry__definition_plan_dispose(&p);
}

/* A damaged or hostile item is refused with a clear error. */
static void test_formula_deploy__damaged_items_refused(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {
		"{\"t\":\"formula\",",
		"[1]",
		"{\"t\":\"macro\",\"name\":\"x\"}",
		"{\"t\":\"formula\",\"name\":\"x\","
		"\"start_date\":\"2022-02-30\","
		"\"inputs\":[],\"outputs\":[\"y\"]}",
		"{\"t\":\"formula\",\"name\":\"x\","
		"\"start_date\":\"2022-02-03\","
		"\"inputs\":[{\"name\":\"a\",\"type\":\"money\"}],"
		"\"outputs\":[\"y\"]}",
		"{\"t\":\"formula\",\"name\":\"x\","
		"\"start_date\":\"2022-02-03\","
		"\"outputs\":[\"y\"]}",
		"{\"t\":\"formula\",\"name\":\"x\","
		"\"start_date\":\"2022-02-03\","
		"\"inputs\":[],\"outputs\":[\"y\",\"y\"]}",
		"{\"t\":\"formula\",\"name\":\"\","
		"\"start_date\":\"2022-02-03\","
		"\"inputs\":[],\"outputs\":[\"y\"]}",
		"{\"t\":\"dataset\",\"name\":\"x\","
		"\"start_date\":\"2022-02-03\","
		"\"columns\":[{\"name\":\"A\",\"type\":\"int\"}]}",
	};
	ferry_definition_plan p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ferry__definition_plan_init(&p);
		assert_int_equal(ferry__definition_preview(f->db, bad[i],
			strlen(bad[i]), &p), FERRY_EINVALID);
		assert_true(strlen(ferry_errmsg(f->db)) > 10);
		ferry__definition_plan_dispose(&p);
		assert_int_equal(ferry__definition_commit(f->db, bad[i],
			strlen(bad[i]), 1, NULL), FERRY_EINVALID);
	}
	assert_false(exists(f->db, FERRY_FORMULA, "x"));
}

/* ---- data sets ------------------------------------------------------- */

static void test_formula_deploy__dataset_absent_creates_v1_draft(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = dataset_item("rates", "2021-01-01", COLUMNS);

	preview(f->db, item, &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create");
	ferry__definition_plan_dispose(&p);
	commit(f->db, item, NULL);
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates", 1,
		"status"), "draft");
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates", 1,
		"start_date"), TODAY);
	/* A formula of the same name is another kind: untouched. */
	assert_false(exists(f->db, FERRY_FORMULA, "rates"));
}

static void test_formula_deploy__dataset_draft_blocks(void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;
	const char *item = dataset_item("rates", "2021-01-01", COLUMNS);

	create_dataset(f->db, "rates", "code:nvarchar(10),rate:decimal(5,2)");
	preview(f->db, item, &p);
	assert_true(has_problem(&p, "formula_draft_exists", "error"));
	assert_non_null(strstr(ferry_str_cstr(&p.problems),
		"ferry dataset delete rates 1"));
	ferry__definition_plan_dispose(&p);
	assert_int_equal(ferry__definition_commit(f->db, item, strlen(item),
		1, NULL), FERRY_ECONFLICT);
	assert_int_equal(version_count(f->db, FERRY_DATASET, "rates"), 1);
}

static void test_formula_deploy__dataset_no_draft_new_version(
	void **state)
{
	fixture *f = *state;
	const char *item;

	create_dataset(f->db, "rates", "code:nvarchar(10),rate:decimal(5,2)");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_DATASET, "rates",
		1), 0);
	commit(f->db, dataset_item("rates", "2021-01-01", COLUMNS), NULL);
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates", 2,
		"start_date"), TODAY);
	item = dataset_item("rates", "2024-02-29", COLUMNS);
	assert_int_equal(ferry__definition_commit(f->db, item, strlen(item),
		1, NULL), FERRY_ECONFLICT);
	assert_int_equal(version_count(f->db, FERRY_DATASET, "rates"), 2);
	assert_int_equal(ferry_formula_activate(f->db, FERRY_DATASET, "rates",
		2), 0);
	commit(f->db, dataset_item("rates", "2024-02-29", COLUMNS), NULL);
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates", 3,
		"start_date"), "2024-02-29");
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates", 1,
		"status"), "closed");
}

static void test_formula_deploy__dataset_different_columns_renamed(
	void **state)
{
	fixture *f = *state;
	ferry_definition_plan p;

	create_dataset(f->db, "rates", "code:nvarchar(12),rate:decimal(5,2)");
	create_dataset(f->db, "rates_" TODAY, "x:int");
	preview(f->db, dataset_item("rates", TODAY, COLUMNS), &p);
	assert_string_equal(ferry_str_cstr(&p.action), "create_renamed");
	assert_string_equal(ferry_str_cstr(&p.target), "rates_" TODAY "_2");
	ferry__definition_plan_dispose(&p);
	commit(f->db, dataset_item("rates", TODAY, COLUMNS), NULL);
	assert_string_equal(vfield(f->db, FERRY_DATASET, "rates_" TODAY "_2",
		1, "status"), "draft");
}

/* What export writes is what the import reads: a round trip. */
static int collect(const char *line, size_t len, void *payload)
{
	ferry_str *s = payload;

	ferry_str_put(s, line, len);
	ferry_str_putc(s, '\n');
	return 0;
}

static void test_formula_deploy__export_item_round_trip(void **state)
{
	fixture *f = *state;
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;
	ferry_str lines = FERRY_STR_INIT;
	ferry_pack_row pack;
	ferry_db *target;
	ferry_init_options io = FERRY_INIT_OPTIONS_INIT;
	char *nl, *line;

	create_formula(f->db, "base", "x:int", "y");
	o.inputs = "a:decimal(10,2),b:int";
	o.outputs = "gross,net";
	o.body = "a \"times\" b";
	o.parent = "base";
	o.start = "2021-01-01";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		0);
	create_dataset(f->db, "rates", "code:nvarchar(10),rate:decimal(5,2)");
	assert_int_equal(ferry_pack_create(f->db, "P", NULL, 0), 0);
	assert_int_equal(ferry_pack_add_definition(f->db, "P", "formula",
		"tax", 1), 0);
	assert_int_equal(ferry_pack_add_definition(f->db, "P", "dataset",
		"rates", 1), 0);
	assert_int_equal(ferry_store__pack_get(f->db, "P", &pack), 0);
	assert_int_equal(ferry_store__definition_items(f->db, pack.id,
		collect, &lines), 0);
	assert_non_null(strstr(lines.ptr, "{\"t\":\"dataset\",\"name\":"
		"\"rates\",\"version\":1,\"status\":\"draft\",\"start_date\":"
		"\"" TODAY "\",\"columns\":" COLUMNS));
	assert_non_null(strstr(lines.ptr, "{\"t\":\"formula\",\"name\":"
		"\"tax\",\"version\":1,\"status\":\"draft\",\"start_date\":"
		"\"2021-01-01\",\"inputs\":" INPUTS ",\"outputs\":" OUTPUTS));

	io.now = "2022-04-01T00:00:00Z";
	assert_int_equal(ferry_db_create(&target, test_path(f->dir, "u.db"),
		&io), 0);
	for (line = lines.ptr; (nl = strchr(line, '\n')); line = nl + 1)
		assert_int_equal(ferry__definition_commit(target, line,
			(size_t)(nl - line), 1, NULL), 0);
	assert_string_equal(vfield(target, FERRY_FORMULA, "tax", 1, "body"),
		"a \"times\" b");
	/* base was not in the pack: the link is cleared. */
	assert_string_equal(vfield(target, FERRY_FORMULA, "tax", 1, "parent"),
		"");
	assert_string_equal(vfield(target, FERRY_FORMULA, "tax", 1,
		"start_date"), "2022-04-01");
	assert_string_equal(vfield(target, FERRY_DATASET, "rates", 1,
		"status"), "draft");
	ferry_db_close(target);
	ferry_str_dispose(&lines);
}

/* ---- life cycle ------------------------------------------------------ */

static void test_formula_lifecycle__one_draft_at_a_time(void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;

	create_formula(f->db, "tax", "a:int", "y");
	assert_int_equal(ferry_formula_new_version(&out, f->db, FERRY_FORMULA,
		"tax", NULL), FERRY_ESTATE);
	assert_non_null(strstr(ferry_errmsg(f->db), "already has a draft"));
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	assert_int_equal(ferry_formula_new_version(&out, f->db, FERRY_FORMULA,
		"tax", NULL), 0);
	assert_string_equal(out.ptr, "{\"name\":\"tax\",\"version\":2,"
		"\"start_date\":\"" TODAY "\"}");
	ferry_buf_dispose(&out);
	/* Unset options are copied from the latest version. */
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "status"),
		"draft");
	{
		json_t *doc = show(f->db, FERRY_FORMULA, "tax");
		json_t *v = json_array_get(json_object_get(doc, "versions"), 1);

		assert_string_equal(json_string_value(json_array_get(
			json_object_get(v, "outputs"), 0)), "y");
		json_decref(doc);
	}
}

static void test_formula_lifecycle__activate_closes_previous(void **state)
{
	fixture *f = *state;

	create_formula(f->db, "tax", "a:int", "y");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	assert_int_equal(ferry_formula_new_version(NULL, f->db, FERRY_FORMULA,
		"tax", NULL), 0);
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		2), 0);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 1, "status"),
		"closed");
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "status"),
		"active");
	/* Only a draft can be activated; only an active version closed. */
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), FERRY_ESTATE);
	assert_int_equal(ferry_formula_close(f->db, FERRY_FORMULA, "tax", 1),
		FERRY_ESTATE);
	assert_int_equal(ferry_formula_close(f->db, FERRY_FORMULA, "tax", 2),
		0);
	assert_string_equal(vfield(f->db, FERRY_FORMULA, "tax", 2, "status"),
		"closed");
}

static void test_formula_lifecycle__delete_only_drafts(void **state)
{
	fixture *f = *state;

	create_formula(f->db, "tax", "a:int", "y");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), 0);
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "tax", 1),
		FERRY_ESTATE);
	assert_non_null(strstr(ferry_errmsg(f->db), "only a draft can be "
		"deleted"));
	assert_int_equal(ferry_formula_new_version(NULL, f->db, FERRY_FORMULA,
		"tax", NULL), 0);
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "tax", 2),
		0);
	assert_int_equal(version_count(f->db, FERRY_FORMULA, "tax"), 1);
	/* Deleting the last version deletes the formula. */
	create_formula(f->db, "once", "a:int", "y");
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "once",
		1), 0);
	assert_false(exists(f->db, FERRY_FORMULA, "once"));
}

static void test_formula_lifecycle__who_may_do_what(void **state)
{
	fixture *f = *state;

	assert_int_equal(ferry_user_add(f->db, "bob", 0, "UTC"), 0);
	assert_int_equal(ferry_user_add(f->db, "eve", 0, "UTC"), 0);
	assert_int_equal(ferry_db_set_user(f->db, "bob"), 0);
	create_formula(f->db, "tax", "a:int", "y");
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		1), FERRY_EDENIED);
	assert_int_equal(ferry_db_set_user(f->db, "eve"), 0);
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "tax", 1),
		FERRY_EDENIED);
	assert_int_equal(ferry_db_set_user(f->db, "bob"), 0);
	assert_int_equal(ferry_formula_delete(f->db, FERRY_FORMULA, "tax", 1),
		0);
}

static void test_formula_lifecycle__bad_input(void **state)
{
	fixture *f = *state;
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;

	o.inputs = "a:money";
	o.outputs = "y";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EINVALID);
	assert_non_null(strstr(ferry_errmsg(f->db), "unknown type 'money'"));
	o.inputs = "a:int,a:int";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EINVALID);
	o.inputs = "a int";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EINVALID);
	o.inputs = "a:int";
	o.start = "10/03/2022";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EINVALID);
	assert_non_null(strstr(ferry_errmsg(f->db), "YYYY-MM-DD"));
	o.start = NULL;
	o.parent = "nobody";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_ENOTFOUND);
	o.parent = NULL;
	o.outputs = "";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EINVALID);
	assert_int_equal(ferry_formula_new_version(&out, f->db, FERRY_FORMULA,
		"nope", NULL), FERRY_ENOTFOUND);
	assert_non_null(strstr(ferry_errmsg(f->db), "no formula named "
		"'nope'"));
	assert_int_equal(ferry_formula_activate(f->db, FERRY_DATASET, "nope",
		1), FERRY_ENOTFOUND);
	o.outputs = "y";
	assert_int_equal(ferry_formula_create(f->db, FERRY_DATASET, "ds", &o),
		FERRY_EINVALID);
	assert_false(exists(f->db, FERRY_FORMULA, "tax"));
	create_formula(f->db, "tax", "a:int", "y");
	o.outputs = NULL;
	o.inputs = "a:int";
	assert_int_equal(ferry_formula_create(f->db, FERRY_FORMULA, "tax", &o),
		FERRY_EEXISTS);
	assert_int_equal(ferry_formula_activate(f->db, FERRY_FORMULA, "tax",
		9), FERRY_ENOTFOUND);
	ferry_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, \
	test_instance_free)
		T(test_formula_deploy__absent_name_creates_v1_draft_today),
		T(test_formula_deploy__draft_in_target_blocks),
		T(test_formula_deploy__no_draft_new_version_past_start),
		T(test_formula_deploy__no_draft_new_version_future_start),
		T(test_formula_deploy__links_reinitialised_or_cleared),
		T(test_formula_deploy__new_formula_links_resolved),
		T(test_formula_deploy__both_links_cleared_one_warning),
		T(test_formula_deploy__different_inputs_renamed),
		T(test_formula_deploy__different_output_order_renamed),
		T(test_formula_deploy__renamed_collision_suffix),
		T(test_formula_deploy__import_date_in_user_time_zone),
		T(test_formula_deploy__signature_compared_canonically),
		T(test_formula_deploy__compared_with_latest_version),
		T(test_formula_deploy__damaged_items_refused),
		T(test_formula_deploy__dataset_absent_creates_v1_draft),
		T(test_formula_deploy__dataset_draft_blocks),
		T(test_formula_deploy__dataset_no_draft_new_version),
		T(test_formula_deploy__dataset_different_columns_renamed),
		T(test_formula_deploy__export_item_round_trip),
		T(test_formula_lifecycle__one_draft_at_a_time),
		T(test_formula_lifecycle__activate_closes_previous),
		T(test_formula_lifecycle__delete_only_drafts),
		T(test_formula_lifecycle__who_may_do_what),
		T(test_formula_lifecycle__bad_input),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
