/*
 * test_types.c - field types: parsing and formatting type text, checking
 * and converting values, and the canonical form that version hashes are
 * computed over.
 *
 * The canonical form and the version hash are frozen (types.h,
 * version.c): a few known payloads and hashes are pinned here byte for
 * byte.  The pinned hashes were computed independently of ferry, with
 * Python's hashlib.blake2b(digest_size=32) over the input that
 * ferry__version_hash() documents, so a change to either side fails.
 */
#include "helpers.h"

#include "alloc.h"
#include "records.h"
#include "types.h"

#include <stdio.h>
#include <string.h>

#define SYS_ID "0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"

/* ---- helpers -------------------------------------------------------- */

static ferry_field make_field(const char *name, const char *type)
{
	ferry_field f;
	ferry_str err = FERRY_STR_INIT;

	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", name);
	assert_int_equal(ferry_type__parse(&f.type, type, &err), 0);
	ferry_type__format(f.type_text, &f.type);
	ferry_str_dispose(&err);
	return f;
}

/*
 * Convert JSON text for a field of `type`.  Returns 0 and the canonical
 * form of the converted value in canon, or -1 and the message in canon.
 */
static int convert(const char *type, const char *json, char *canon,
	size_t size)
{
	ferry_field f = make_field("v", type);
	ferry_str err = FERRY_STR_INIT, out = FERRY_STR_INIT;
	ferry_value v;
	json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
	int rc;

	assert_non_null(j);
	rc = ferry_type__convert(&v, &f, j, &err);
	if (rc == 0)
		ferry_type__canonical(&out, &f, &v);
	snprintf(canon, size, "%s", rc == 0 ? ferry_str_cstr(&out) :
		ferry_str_cstr(&err));
	ferry_value_dispose(&v);
	ferry_str_dispose(&err);
	ferry_str_dispose(&out);
	json_decref(j);
	return rc;
}

static void accepts(const char *type, const char *json, const char *canon)
{
	char got[256];

	if (convert(type, json, got, sizeof(got)) != 0)
		fail_msg("%s refused %s: %s", type, json, got);
	if (strcmp(got, canon) != 0)
		fail_msg("%s: %s became %s, expected %s", type, json, got,
			canon);
}

static void rejects(const char *type, const char *json, const char *msg)
{
	char got[256];

	if (convert(type, json, got, sizeof(got)) == 0)
		fail_msg("%s accepted %s as %s", type, json, got);
	if (!strstr(got, msg))
		fail_msg("%s refused %s saying '%s', expected '%s'", type,
			json, got, msg);
}

/* ---- parsing and formatting ----------------------------------------- */

static void test_types_parse__every_type_round_trips(void **state)
{
	static const char *const types[] = { "nvarchar(40)", "nchar(1)",
		"nvarchar(1000000)", "int", "bigint", "decimal(5,2)",
		"decimal(1,0)", "decimal(38,38)", "bool", "date", "datetime",
		"text", "json", "ref(member)", "ref(a_b_1)" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ferry_field f = make_field("x", types[i]);

		assert_string_equal(f.type_text, types[i]);
	}
}

static void test_types_parse__bases_and_sizes(void **state)
{
	ferry_field f;

	(void)state;
	f = make_field("x", "decimal(12,4)");
	assert_int_equal(f.type.base, FERRY_T_DECIMAL);
	assert_int_equal(f.type.size, 12);
	assert_int_equal(f.type.scale, 4);
	f = make_field("x", "nchar(7)");
	assert_int_equal(f.type.base, FERRY_T_NCHAR);
	assert_int_equal(f.type.size, 7);
	assert_true(ferry_type__sized(&f.type));
	f = make_field("x", "ref(team)");
	assert_int_equal(f.type.base, FERRY_T_REF);
	assert_string_equal(f.type.ref, "team");
	assert_false(ferry_type__sized(&f.type));
	f = make_field("x", "int");
	assert_true(ferry_type__is_integer(&f.type));
	f = make_field("x", "bigint");
	assert_true(ferry_type__is_integer(&f.type));
	f = make_field("x", "bool");
	assert_true(ferry_type__is_integer(&f.type));
	f = make_field("x", "decimal(5,2)");
	assert_false(ferry_type__is_integer(&f.type));
	f = make_field("x", "date");
	assert_false(ferry_type__is_integer(&f.type));
}

static void test_types_parse__bad_text_is_refused_with_the_list(void **state)
{
	static const char *const bad[] = { "", "varchar(10)", "NVARCHAR(10)",
		"nvarchar", "nvarchar()", "nvarchar(0)", "nvarchar(-1)",
		"nvarchar(1000001)", "nvarchar(99999999999999999999)",
		"nvarchar(10", "nvarchar(10))", "nvarchar(10)x",
		"nvarchar( 10)", "int()", "int(4)", "decimal(5)",
		"decimal(5,)", "decimal(5, 2)", "decimal(0,0)",
		"decimal(39,0)", "decimal(5,6)", "ref()", "ref(Team)",
		"ref(1team)", "ref(team", "ref(a b)", "json(1)", "bool(1)",
		"float(8)", "time(3)", "money" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ferry_type t;
		ferry_str err = FERRY_STR_INIT;

		if (ferry_type__parse(&t, bad[i], &err) == 0)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(ferry_str_cstr(&err), bad[i]));
		assert_non_null(strstr(ferry_str_cstr(&err),
			"nvarchar(n), nchar(n), int, bigint, decimal(p,s), "
			"float, bool, date, datetime, time, text, json or "
			"ref(ENTITY)"));
		ferry_str_dispose(&err);
	}
}

/* ---- conversion ------------------------------------------------------- */

static void test_types_convert__strings_count_characters(void **state)
{
	(void)state;
	accepts("nvarchar(3)", "\"\xc3\xa9\xc3\xa9\xc3\xa9\"",
		"\"\xc3\xa9\xc3\xa9\xc3\xa9\"");
	accepts("nvarchar(3)", "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"",
		"\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"");
	accepts("nvarchar(1)", "\"\"", "\"\"");
	rejects("nvarchar(3)", "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
		"nvarchar(3) holds at most 3 characters; got 4");
	rejects("nchar(2)", "\"abc\"", "nchar(2) holds at most 2 characters; "
		"got 3");
	rejects("nvarchar(3)", "3", "nvarchar(3) takes a string; got an "
		"integer");
	rejects("text", "[]", "text takes a string; got an array");
	rejects("text", "{}", "text takes a string; got an object");
}

static void test_types_convert__nul_is_refused(void **state)
{
	ferry_field f = make_field("v", "text");
	ferry_str err = FERRY_STR_INIT;
	ferry_value v;
	json_t *j = json_stringn("a\0b", 3);

	(void)state;
	assert_int_equal(ferry_type__convert(&v, &f, j, &err), -1);
	assert_string_equal(ferry_str_cstr(&err),
		"text may not contain NUL characters");
	json_decref(j);
	ferry_str_dispose(&err);
}

static void test_types_convert__text_size_limit(void **state)
{
	ferry_field f = make_field("v", "text");
	ferry_str err = FERRY_STR_INIT;
	ferry_value v;
	char *big = ferry__malloc(FERRY_TEXT_MAX + 2);
	json_t *j;

	(void)state;
	memset(big, 'x', FERRY_TEXT_MAX + 1);
	big[FERRY_TEXT_MAX + 1] = '\0';
	j = json_string(big);
	assert_int_equal(ferry_type__convert(&v, &f, j, &err), -1);
	assert_non_null(strstr(ferry_str_cstr(&err), "at most 16777216 bytes"));
	json_decref(j);
	big[FERRY_TEXT_MAX] = '\0';
	j = json_string(big);
	assert_int_equal(ferry_type__convert(&v, &f, j, &err), 0);
	assert_int_equal(v.len, FERRY_TEXT_MAX);
	ferry_value_dispose(&v);
	json_decref(j);
	ferry__free(big);
	ferry_str_dispose(&err);
}

static void test_types_convert__integers(void **state)
{
	(void)state;
	accepts("int", "2147483647", "2147483647");
	accepts("int", "-2147483648", "-2147483648");
	rejects("int", "2147483648", "int holds -2147483648 to 2147483647; "
		"got 2147483648; use bigint");
	rejects("int", "-2147483649", "int holds");
	rejects("int", "1.0", "int takes an integer; got a number with a "
		"fraction");
	rejects("int", "\"1\"", "int takes an integer; got a string");
	rejects("int", "true", "int takes an integer; got a boolean");
	accepts("bigint", "9223372036854775807", "9223372036854775807");
	accepts("bigint", "-9223372036854775808", "-9223372036854775808");
	rejects("bigint", "1e3", "bigint takes an integer");
}

static void test_types_convert__bool(void **state)
{
	(void)state;
	accepts("bool", "true", "true");
	accepts("bool", "false", "false");
	rejects("bool", "1", "bool takes true or false; got an integer");
	rejects("bool", "\"true\"", "bool takes true or false; got a string");
}

static void test_types_convert__decimals_normalised_never_rounded(void **state)
{
	(void)state;
	accepts("decimal(5,2)", "\"123.45\"", "\"123.45\"");
	accepts("decimal(5,2)", "\"12.3\"", "\"12.30\"");
	accepts("decimal(5,2)", "12", "\"12.00\"");
	accepts("decimal(5,2)", "12.5", "\"12.50\"");
	accepts("decimal(5,2)", "0.1", "\"0.10\"");
	accepts("decimal(5,2)", "\"-0\"", "\"0.00\"");
	rejects("decimal(5,2)", "\"-0.001\"", "decimal(5,2) takes");
	accepts("decimal(5,2)", "\"+7\"", "\"7.00\"");
	accepts("decimal(5,2)", "\".5\"", "\"0.50\"");
	accepts("decimal(5,2)", "\"5.\"", "\"5.00\"");
	accepts("decimal(5,2)", "\"000123.450\"", "\"123.45\"");
	accepts("decimal(3,0)", "\"999\"", "\"999\"");
	accepts("decimal(2,2)", "\"0.99\"", "\"0.99\"");
	accepts("decimal(38,0)", "\"99999999999999999999999999999999999999\"",
		"\"99999999999999999999999999999999999999\"");
	/* A JSON number is the decimal it was written as, not the binary
	 * double's expansion, whatever the scale. */
	accepts("decimal(38,20)", "0.1", "\"0.10000000000000000000\"");
	accepts("decimal(38,20)", "0.30000000000000004",
		"\"0.30000000000000004000\"");
	accepts("decimal(30,25)", "1e-5", "\"0.0000100000000000000000000\"");
	accepts("decimal(5,2)", "2.5e1", "\"25.00\"");
	accepts("decimal(5,2)", "-0.0", "\"0.00\"");
	rejects("decimal(5,2)", "2.675", "decimal(5,2) takes");
	rejects("decimal(38,2)", "1e37", "decimal(38,2) takes");
	rejects("decimal(5,2)", "\"1234.5\"", "decimal(5,2) takes a number "
		"with at most 3 digits before and 2 after the point");
	rejects("decimal(5,2)", "\"12.345\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "12.345", "decimal(5,2) takes");
	rejects("decimal(5,2)", "1000", "decimal(5,2) takes");
	rejects("decimal(2,2)", "\"1\"", "decimal(2,2) takes");
	rejects("decimal(5,2)", "\"1e2\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\"\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\".\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\"-\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\"1.2.3\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\" 1\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\"0x10\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "\"NaN\"", "decimal(5,2) takes");
	rejects("decimal(5,2)", "true", "decimal(5,2) takes");
	rejects("decimal(5,2)", "1e300", "decimal(5,2) takes");
	rejects("decimal(5,2)",
		"\"1111111111111111111111111111111111111111111111111111111111111111\"",
		"decimal(5,2) takes");
}

static void test_types_convert__dates_and_datetimes(void **state)
{
	(void)state;
	accepts("date", "\"2020-02-29\"", "\"2020-02-29\"");
	accepts("date", "\"2000-02-29\"", "\"2000-02-29\"");
	rejects("date", "\"1900-02-29\"", "date takes \"YYYY-MM-DD\"; got "
		"1900-02-29");
	rejects("date", "\"2021-04-31\"", "date takes");
	rejects("date", "\"2021-00-10\"", "date takes");
	rejects("date", "\"0000-01-01\"", "date takes");
	rejects("date", "\"2021-1-01\"", "date takes");
	rejects("date", "\"2021-01-01 \"", "date takes");
	rejects("date", "20210101", "date takes \"YYYY-MM-DD\"; got an "
		"integer");
	accepts("datetime", "\"2021-12-31T23:59:59Z\"",
		"\"2021-12-31T23:59:59Z\"");
	accepts("datetime", "\"2021-12-31 23:59:59Z\"",
		"\"2021-12-31T23:59:59Z\"");
	rejects("datetime", "\"2021-12-31T23:59:59\"", "datetime takes "
		"\"YYYY-MM-DDTHH:MM:SS[.fff]Z\" (UTC) (up to 9 fraction "
		"digits); got 2021-12-31T23:59:59");
	rejects("datetime", "\"2021-12-31T23:59:59+00:00\"", "datetime takes");
	rejects("datetime", "\"2021-12-31t23:59:59z\"", "datetime takes");
	rejects("datetime", "\"2021-12-31T24:00:00Z\"", "datetime takes");
	rejects("datetime", "\"2021-12-31T23:60:00Z\"", "datetime takes");
}

/* Fractions of a second are kept (1 to 9 digits, trailing zeros
 * dropped); a whole second keeps the frozen form, so no hash changes. */
static void test_types_convert__datetime_fractions_kept(void **state)
{
	(void)state;
	accepts("datetime", "\"2024-09-23T12:51:28.123Z\"",
		"\"2024-09-23T12:51:28.123Z\"");
	accepts("datetime", "\"2024-09-23 12:51:28.120Z\"",
		"\"2024-09-23T12:51:28.12Z\"");
	accepts("datetime", "\"2024-09-23T12:51:28.000Z\"",
		"\"2024-09-23T12:51:28Z\"");
	accepts("datetime", "\"2024-09-23T12:51:28.123456789Z\"",
		"\"2024-09-23T12:51:28.123456789Z\"");
	rejects("datetime", "\"2024-09-23T12:51:28.1234567890Z\"",
		"datetime takes");
	rejects("datetime", "\"2024-09-23T12:51:28.Z\"", "datetime takes");
	rejects("datetime", "\"2024-09-23T12:51:28.5\"", "datetime takes");
}

/* time: "HH:MM:SS" with the same fraction rule (ServiceNow's time). */
static void test_types_convert__time(void **state)
{
	(void)state;
	accepts("time", "\"08:30:00\"", "\"08:30:00\"");
	accepts("time", "\"23:59:59.250\"", "\"23:59:59.25\"");
	rejects("time", "\"24:00:00\"", "time takes \"HH:MM:SS[.fff]\" "
		"(up to 9 fraction digits); got 24:00:00");
	rejects("time", "\"8:30:00\"", "time takes");
	rejects("time", "830", "time takes");
}

/* float: IEEE binary64, canonical as the shortest decimal that reads
 * back as the same double (ServiceNow and Aptify float). */
static void test_types_convert__float_shortest_round_trip(void **state)
{
	(void)state;
	accepts("float", "0.1", "0.1");
	accepts("float", "1.5", "1.5");
	accepts("float", "3", "3");
	accepts("float", "-0.0", "0");
	accepts("float", "1e300", "1e+300");
	accepts("float", "0.30000000000000004", "0.30000000000000004");
	rejects("float", "\"1.5\"", "float takes a number; got a string");
	rejects("float", "true", "float takes a number");
}

static void test_types_convert__json_is_canonical(void **state)
{
	(void)state;
	accepts("json", "{ \"b\" : [1, {\"d\": null, \"c\": \"\xc3\xa9\"}], "
		"\"a\": 1.5 }",
		"{\"a\":1.5,\"b\":[1,{\"c\":\"\xc3\xa9\",\"d\":null}]}");
	accepts("json", "\"text\"", "\"text\"");
	accepts("json", "[]", "[]");
	accepts("json", "{}", "{}");
	accepts("json", "true", "true");
	accepts("json", "-12", "-12");
	/* Reals are written with 17 significant digits: frozen. */
	accepts("json", "0.1", "0.10000000000000001");
	accepts("json", "{\"B\":1,\"a\":2,\"\xc3\xa9\":3,\"_\":4}",
		"{\"B\":1,\"_\":4,\"a\":2,\"\xc3\xa9\":3}");
}

static void test_types_convert__ref_takes_a_lowercase_uuid(void **state)
{
	(void)state;
	accepts("ref(team)", "\"" SYS_ID "\"", "\"" SYS_ID "\"");
	accepts("ref(team)", "\"cb2d45d1db731200fc79f7fdbf9619b5\"",
		"\"cb2d45d1db731200fc79f7fdbf9619b5\"");
	rejects("ref(team)", "\"0D5F1C2E-3B4A-4C5D-8E6F-7A8B9C0D1E2F\"",
		"ref(team) takes the sys_id (a lowercase UUID or 32 hex "
		"digits) of a team record");
	rejects("ref(team)", "\"CB2D45D1DB731200FC79F7FDBF9619B5\"",
		"ref(team) takes the sys_id");
	rejects("ref(team)", "\"x\"", "ref(team) takes the sys_id");
	rejects("ref(team)", "5", "ref(team) takes the sys_id");
}

static void test_types_convert__null_is_null_for_every_type(void **state)
{
	static const char *const types[] = { "nvarchar(4)", "int", "bool",
		"decimal(5,2)", "date", "datetime", "text", "json",
		"ref(team)", "float", "time" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		accepts(types[i], "null", "null");
}

/* ---- fits: stored values against a (new) type --------------------------- */

static void test_types_fits__stored_values(void **state)
{
	ferry_field f;

	(void)state;
	f = make_field("v", "nvarchar(3)");
	assert_true(ferry_type__fits(&f, 0, "\xc3\xa9\xc3\xa9\xc3\xa9", 0));
	assert_false(ferry_type__fits(&f, 0, "abcd", 0));
	assert_false(ferry_type__fits(&f, 5, "5", 1));
	f = make_field("v", "int");
	assert_true(ferry_type__fits(&f, 2147483647, "2147483647", 1));
	assert_false(ferry_type__fits(&f, 2147483648LL, "2147483648", 1));
	assert_false(ferry_type__fits(&f, 0, "12", 0));
	f = make_field("v", "bool");
	assert_true(ferry_type__fits(&f, 1, "1", 1));
	assert_false(ferry_type__fits(&f, 2, "2", 1));
	f = make_field("v", "decimal(5,2)");
	assert_true(ferry_type__fits(&f, 0, "123.45", 0));
	assert_false(ferry_type__fits(&f, 0, "123.4", 0));
	assert_false(ferry_type__fits(&f, 0, "1234.00", 0));
	f = make_field("v", "decimal(6,3)");
	assert_false(ferry_type__fits(&f, 0, "123.45", 0));
	f = make_field("v", "date");
	assert_true(ferry_type__fits(&f, 0, "2021-12-31", 0));
	assert_false(ferry_type__fits(&f, 0, "2021-12-31T00:00:00Z", 0));
	f = make_field("v", "datetime");
	assert_true(ferry_type__fits(&f, 0, "2024-09-23T12:51:28.123Z", 0));
	assert_false(ferry_type__fits(&f, 0, "2024-09-23T12:51:28.120Z", 0));
	f = make_field("v", "time");
	assert_true(ferry_type__fits(&f, 0, "08:30:00", 0));
	assert_false(ferry_type__fits(&f, 0, "08:30", 0));
	f = make_field("v", "float");
	assert_true(ferry_type__fits(&f, 0, "0.1", 0));
	assert_false(ferry_type__fits(&f, 0, "0.10", 0));
	assert_false(ferry_type__fits(&f, 1, "1", 1));
	f = make_field("v", "json");
	assert_true(ferry_type__fits(&f, 0, "{\"a\":1}", 0));
	assert_true(ferry_type__fits(&f, 0, "\"s\"", 0));
	assert_false(ferry_type__fits(&f, 0, "plain text", 0));
	f = make_field("v", "text");
	assert_true(ferry_type__fits(&f, 0, "anything", 0));
	assert_false(ferry_type__fits(&f, 7, "7", 1));
	f = make_field("v", "ref(team)");
	assert_true(ferry_type__fits(&f, 0, SYS_ID, 0));
	assert_false(ferry_type__fits(&f, 0, "x", 0));
}

/* ---- fieldsets ---------------------------------------------------------- */

static void test_types_fieldset__sorted_by_name(void **state)
{
	ferry_fieldset fs = { NULL, 0 };
	static const char *const names[] = { "name", "age", "Zed", "b_2",
		"b_10", "_x" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ferry_field f = make_field(names[i], "int");

		f.display = (char *)"shown";
		assert_int_equal(ferry_fieldset_add(&fs, &f), 0);
	}
	assert_int_equal(fs.n, 6);
	assert_string_equal(fs.fields[0].name, "Zed");
	assert_string_equal(fs.fields[1].name, "_x");
	assert_string_equal(fs.fields[2].name, "age");
	assert_string_equal(fs.fields[3].name, "b_10");
	assert_string_equal(fs.fields[4].name, "b_2");
	assert_string_equal(fs.fields[5].name, "name");
	assert_string_equal(fs.fields[5].display, "shown");
	assert_int_equal(ferry_fieldset_find(&fs, "age"), 2);
	assert_int_equal(ferry_fieldset_find(&fs, "nope"), -1);
	ferry_fieldset_dispose(&fs);
	assert_int_equal(fs.n, 0);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(NULL);
}

/* ---- the canonical payload (frozen) ------------------------------------- */

/* Values by field name, for a fieldset built from (name, type) pairs. */
static void build(ferry_fieldset *fs, ferry_value **values,
	const char *const *spec, const char *const *json)
{
	ferry_str err = FERRY_STR_INIT;
	size_t i, n = 0;

	while (spec[n * 2])
		n++;
	for (i = 0; i < n; i++) {
		ferry_field f = make_field(spec[i * 2], spec[i * 2 + 1]);

		assert_int_equal(ferry_fieldset_add(fs, &f), 0);
	}
	*values = ferry__calloc(n, sizeof(**values));
	for (i = 0; i < n; i++) {
		int k = ferry_fieldset_find(fs, spec[i * 2]);
		json_t *j = json_loads(json[i], JSON_DECODE_ANY, NULL);

		assert_non_null(j);
		assert_int_equal(ferry_type__convert(&(*values)[k],
			&fs->fields[k], j, &err), 0);
		json_decref(j);
	}
	ferry_str_dispose(&err);
}

static void test_types_payload__pinned_bytes(void **state)
{
	static const char *const spec[] = { "text_f", "text", "int_f", "int",
		"bool_f", "bool", "dec_f", "decimal(7,3)", "date_f", "date",
		"dt_f", "datetime", "json_f", "json", "null_f", "nvarchar(5)",
		"big_f", "bigint", "ref_f", "ref(team)", NULL };
	static const char *const json[] = {
		"\"q\\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f/\xc3\xa9\"",
		"-5", "false", "\"-1.5\"", "\"2021-12-31\"",
		"\"2021-12-31 12:00:00Z\"", "{\"b\":[1,2],\"a\":{\"y\":0,\"x\":1}}",
		"null", "9007199254740993", "\"" SYS_ID "\"" };
	ferry_fieldset fs = { NULL, 0 };
	ferry_value *values = NULL;
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	build(&fs, &values, spec, json);
	ferry_type__payload(&s, &fs, values);
	assert_string_equal(ferry_str_cstr(&s),
		"{\"big_f\":9007199254740993,\"bool_f\":false,"
		"\"date_f\":\"2021-12-31\",\"dec_f\":\"-1.500\","
		"\"dt_f\":\"2021-12-31T12:00:00Z\","
		"\"int_f\":-5,\"json_f\":{\"a\":{\"x\":1,\"y\":0},\"b\":[1,2]},"
		"\"ref_f\":\"" SYS_ID "\","
		"\"text_f\":\"q\\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u001f\x7f/"
		"\xc3\xa9\"}");
	ferry_values_dispose(values, fs.n);
	ferry_fieldset_dispose(&fs);
	ferry_str_dispose(&s);
}

static void test_types_payload__empty_record(void **state)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_field f = make_field("a", "int");
	ferry_value v = { FERRY_V_NULL, 0, NULL, 0 };
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	ferry_type__payload(&s, &fs, NULL);
	assert_string_equal(ferry_str_cstr(&s), "{}");
	ferry_str_clear(&s);
	assert_int_equal(ferry_fieldset_add(&fs, &f), 0);
	ferry_type__payload(&s, &fs, &v);
	assert_string_equal(ferry_str_cstr(&s), "{}");
	ferry_fieldset_dispose(&fs);
	ferry_str_dispose(&s);
}

/* ---- version hashes (frozen) --------------------------------------------- */

static void test_types_hash__pinned_version_hashes(void **state)
{
	static const char payload[] = "{\"age\":30,\"name\":\"Ann\"}";
	static const char field[] = "{\"entity\":\"member\",\"name\":\"name\","
		"\"type\":\"nvarchar(40)\"}";
	char h[FERRY_HASH_HEX];

	(void)state;
	ferry__version_hash(h, "member", SYS_ID, "insert", payload,
		strlen(payload));
	assert_string_equal(h, "5ede2e03e98cd4716ed4d8a161b5682d"
		"d471a58c3062d3c9b6f30bc9a750a8c6");
	ferry__version_hash(h, "member", SYS_ID, "update", payload,
		strlen(payload));
	assert_string_equal(h, "f3a396573f58c066cf40fccc3ba5e719"
		"ea4a44e9efb1442f8010e4b2dc5842a0");
	/* A delete's content is "gone": its payload is not hashed. */
	ferry__version_hash(h, "member", SYS_ID, "delete", payload,
		strlen(payload));
	assert_string_equal(h, "9cc2b9a69dfe1b8525d57ae7e1e46e65"
		"99745127f04f0d42bf38de7322adc70b");
	ferry__version_hash(h, "member", SYS_ID, "delete", "", 0);
	assert_string_equal(h, "9cc2b9a69dfe1b8525d57ae7e1e46e65"
		"99745127f04f0d42bf38de7322adc70b");
	ferry__version_hash(h, "sys_field", "member.name", "insert", field,
		strlen(field));
	assert_string_equal(h, "20a539b44eff871e1e2c1b23f2d97375"
		"9518e2276f09cfd4d7fd4bd8bada7f86");
}

static void test_types_hash__every_part_counts(void **state)
{
	char a[FERRY_HASH_HEX], b[FERRY_HASH_HEX];

	(void)state;
	ferry__version_hash(a, "member", "k", "insert", "{}", 2);
	ferry__version_hash(b, "members", "k", "insert", "{}", 2);
	assert_string_not_equal(a, b);
	ferry__version_hash(b, "member", "k2", "insert", "{}", 2);
	assert_string_not_equal(a, b);
	ferry__version_hash(b, "member", "k", "update", "{}", 2);
	assert_string_not_equal(a, b);
	ferry__version_hash(b, "member", "k", "insert", "{ }", 3);
	assert_string_not_equal(a, b);
	/* Line framing keeps "ab"+"c" apart from "a"+"bc". */
	ferry__version_hash(a, "ab", "c", "insert", "{}", 2);
	ferry__version_hash(b, "a", "bc", "insert", "{}", 2);
	assert_string_not_equal(a, b);
}

/* ---- identity keys ------------------------------------------------------- */

static void test_types_record_key__natural_keys(void **state)
{
	static const char *const field_spec[] = { "entity", "nvarchar(63)",
		"name", "nvarchar(63)", NULL };
	static const char *const field_json[] = { "\"member\"", "\"age\"" };
	static const char *const entity_spec[] = { "name", "nvarchar(63)",
		NULL };
	static const char *const entity_json[] = { "\"member\"" };
	ferry_fieldset fs = { NULL, 0 }, es = { NULL, 0 };
	ferry_value *fv = NULL, *ev = NULL;
	ferry_str k = FERRY_STR_INIT;

	(void)state;
	build(&fs, &fv, field_spec, field_json);
	build(&es, &ev, entity_spec, entity_json);
	ferry__record_key(&k, "sys_field", &fs, fv, SYS_ID);
	assert_string_equal(ferry_str_cstr(&k), "member.age");
	ferry_str_clear(&k);
	ferry__record_key(&k, "sys_form_template", &fs, fv, SYS_ID);
	assert_string_equal(ferry_str_cstr(&k), "member:age");
	ferry_str_clear(&k);
	ferry__record_key(&k, "sys_entity", &es, ev, SYS_ID);
	assert_string_equal(ferry_str_cstr(&k), "member");
	ferry_str_clear(&k);
	ferry__record_key(&k, "member", &es, ev, SYS_ID);
	assert_string_equal(ferry_str_cstr(&k), SYS_ID);
	ferry_values_dispose(fv, fs.n);
	ferry_values_dispose(ev, es.n);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(&es);
	ferry_str_dispose(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_parse__every_type_round_trips),
		cmocka_unit_test(test_types_parse__bases_and_sizes),
		cmocka_unit_test(test_types_parse__bad_text_is_refused_with_the_list),
		cmocka_unit_test(test_types_convert__strings_count_characters),
		cmocka_unit_test(test_types_convert__nul_is_refused),
		cmocka_unit_test(test_types_convert__text_size_limit),
		cmocka_unit_test(test_types_convert__integers),
		cmocka_unit_test(test_types_convert__bool),
		cmocka_unit_test(test_types_convert__decimals_normalised_never_rounded),
		cmocka_unit_test(test_types_convert__dates_and_datetimes),
		cmocka_unit_test(test_types_convert__datetime_fractions_kept),
		cmocka_unit_test(test_types_convert__time),
		cmocka_unit_test(test_types_convert__float_shortest_round_trip),
		cmocka_unit_test(test_types_convert__json_is_canonical),
		cmocka_unit_test(test_types_convert__ref_takes_a_lowercase_uuid),
		cmocka_unit_test(test_types_convert__null_is_null_for_every_type),
		cmocka_unit_test(test_types_fits__stored_values),
		cmocka_unit_test(test_types_fieldset__sorted_by_name),
		cmocka_unit_test(test_types_payload__pinned_bytes),
		cmocka_unit_test(test_types_payload__empty_record),
		cmocka_unit_test(test_types_hash__pinned_version_hashes),
		cmocka_unit_test(test_types_hash__every_part_counts),
		cmocka_unit_test(test_types_record_key__natural_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
