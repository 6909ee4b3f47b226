/*
 * test_fit.c - the rules the store's set-wise import statements call by
 * name (src/lib/functions.c), as plain library calls: whether a JSON
 * value fits a type (and that the write path's conversion agrees), the
 * payload check of load with its sentences, the canonical form check,
 * and the small text checks they are built from.
 */
#include "helpers.h"

#include "canonical.h"
#include "str.h"
#include "text.h"
#include "types.h"

#include <jansson.h>
#include <string.h>

static ferry_field field(const char *name, const char *type)
{
	ferry_field f;
	ferry_str err = FERRY_STR_INIT;

	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", name);
	snprintf(f.type_text, sizeof(f.type_text), "%s", type);
	assert_int_equal(ferry_type__parse(&f.type, type, &err), 0);
	ferry_str_dispose(&err);
	return f;
}

static ferry_fit fit(const char *type, const char *json)
{
	ferry_field f = field("x", type);

	return ferry_type__fit_text(&f, json, strlen(json));
}

/* ---- fit: one rule, and the write path agrees ---------------------- */

static void test_fit_text__stored_converts_or_not(void **state)
{
	(void)state;
	assert_int_equal(fit("nvarchar(3)", "\"\xc3\xa9\xc3\xa9\xc3\xa9\""),
		FERRY_FIT_STORED);
	assert_int_equal(fit("nvarchar(3)", "\"abcd\""), FERRY_FIT_NO);
	assert_int_equal(fit("nvarchar(3)", "\"a\\nb\""), FERRY_FIT_STORED);
	assert_int_equal(fit("text", "\"a\\u0000b\""), FERRY_FIT_NO);
	assert_int_equal(fit("text", "5"), FERRY_FIT_NO);
	assert_int_equal(fit("int", "2147483647"), FERRY_FIT_STORED);
	assert_int_equal(fit("int", "2147483648"), FERRY_FIT_NO);
	assert_int_equal(fit("bigint", "-9223372036854775808"),
		FERRY_FIT_STORED);
	assert_int_equal(fit("bigint", "9223372036854775808"), FERRY_FIT_NO);
	assert_int_equal(fit("int", "1.0"), FERRY_FIT_NO);
	assert_int_equal(fit("bool", "true"), FERRY_FIT_STORED);
	assert_int_equal(fit("bool", "1"), FERRY_FIT_NO);
	assert_int_equal(fit("decimal(5,2)", "\"123.45\""), FERRY_FIT_STORED);
	assert_int_equal(fit("decimal(5,2)", "\"123.4\""), FERRY_FIT_CONVERTS);
	assert_int_equal(fit("decimal(5,2)", "0.1"), FERRY_FIT_CONVERTS);
	assert_int_equal(fit("decimal(5,2)", "12.345"), FERRY_FIT_NO);
	assert_int_equal(fit("decimal(5,2)", "7"), FERRY_FIT_CONVERTS);
	assert_int_equal(fit("date", "\"2021-12-31\""), FERRY_FIT_STORED);
	assert_int_equal(fit("date", "\"2021-13-01\""), FERRY_FIT_NO);
	assert_int_equal(fit("datetime", "\"2021-12-31 10:00:00Z\""),
		FERRY_FIT_CONVERTS);
	assert_int_equal(fit("datetime", "\"2021-12-31T10:00:00Z\""),
		FERRY_FIT_STORED);
	assert_int_equal(fit("time", "\"08:30:00.500\""), FERRY_FIT_CONVERTS);
	assert_int_equal(fit("float", "1.5"), FERRY_FIT_CONVERTS);
	assert_int_equal(fit("float", "true"), FERRY_FIT_NO);
	assert_int_equal(fit("float", "\"1.5\""), FERRY_FIT_NO);
	assert_int_equal(fit("json", "{\"a\":[1]}"), FERRY_FIT_STORED);
	assert_int_equal(fit("json", "null"), FERRY_FIT_NO);
	assert_int_equal(fit("ref(team)",
		"\"0123456789abcdef0123456789abcdef\""), FERRY_FIT_STORED);
	assert_int_equal(fit("ref(team)", "\"x\""), FERRY_FIT_NO);
}

/*
 * For every pair of type and value: the fit says NO exactly when
 * ferry_type__convert() refuses the value, and STORED only when the
 * conversion's canonical text is the value itself.  Except for json:
 * its fit does not re-encode the value (a number written 0.1, which
 * ferry would write 0.10000000000000001, is taken as it is).
 */
static void test_fit_text__agrees_with_convert(void **state)
{
	static const char *const types[] = { "nvarchar(3)", "nchar(2)",
		"text", "int", "bigint", "decimal(5,2)", "decimal(3,0)",
		"bool", "date", "datetime", "time", "float", "json",
		"ref(team)" };
	static const char *const values[] = { "\"abc\"", "\"abcd\"",
		"\"\xc3\xa9\"", "\"a\\tb\"", "\"\"", "0", "-7", "42",
		"2147483648", "1.5", "0.1", "1e2", "12.345", "-0.5", "true",
		"false", "\"12.30\"", "\"12.3\"", "\"x1\"", "\"2021-12-31\"",
		"\"2021-12-31T10:00:00Z\"", "\"2021-12-31T10:00:00.100Z\"",
		"\"2021-12-31 10:00:00Z\"", "\"08:30:00\"", "\"08:30:00.10\"",
		"\"25:00:00\"", "[1,2]", "{\"a\":1}", "\"0123456789abcdef"
		"0123456789abcdef\"" };
	size_t t, v;

	(void)state;
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		ferry_field f = field("x", types[t]);

		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			ferry_fit r = ferry_type__fit_text(&f, values[v],
				strlen(values[v]));
			json_t *j = json_loads(values[v], JSON_DECODE_ANY,
				NULL);
			ferry_str err = FERRY_STR_INIT, c = FERRY_STR_INIT;
			ferry_value out;
			int ok;

			assert_non_null(j);
			ok = ferry_type__convert(&out, &f, j, &err) == 0;
			if (ok)
				ferry_type__canonical(&c, &f, &out);
			if ((r != FERRY_FIT_NO) != ok ||
			    (r == FERRY_FIT_STORED &&
			    f.type.base != FERRY_T_JSON && strcmp(ferry_str_cstr(&c), values[v]) != 0))
				fail_msg("%s, %s: fit %d, convert %s (%s)",
					types[t], values[v], (int)r, ok ?
					ferry_str_cstr(&c) : "refuses",
					ferry_str_cstr(&err));
			ferry_value_dispose(&out);
			ferry_str_dispose(&err);
			ferry_str_dispose(&c);
			json_decref(j);
		}
	}
}

/* The value as SQL's JSON functions hand it out fits as its text does. */
static void test_fit_scalar__same_as_its_text(void **state)
{
	ferry_field dec = field("x", "decimal(5,2)"), nv = field("x",
		"nvarchar(2)"), js = field("x", "json");
	ferry_json_scalar v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.kind = FERRY_JSON_REAL;
	v.d = 0.1;
	assert_int_equal(ferry_type__fit(&dec, &v), FERRY_FIT_CONVERTS);
	v.kind = FERRY_JSON_STRING;
	v.text = "\xc3\xa9\xc3\xa9";
	v.len = 4;
	v.chars = -2;
	assert_int_equal(ferry_type__fit(&nv, &v), FERRY_FIT_STORED);
	v.text = "[[[";
	v.len = 3;
	assert_int_equal(ferry_type__fit(&js, &v), FERRY_FIT_STORED);
}

/* ---- the payload check of load ----------------------------------------- */

static void payload_why(const ferry_fieldset *fs, const char *payload,
	const char *want)
{
	ferry_str why = FERRY_STR_INIT;

	assert_int_equal(ferry_type__payload_check(&why, NULL, "asset", fs,
		payload, strlen(payload)), want ? 1 : 0);
	if (want)
		assert_string_equal(ferry_str_cstr(&why), want);
	ferry_str_dispose(&why);
}

static void test_fit_payload__every_member_declared_and_stored(void **state)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_field a = field("name", "nvarchar(4)"), b = field("cost",
		"decimal(5,2)"), c = field("n", "int");

	(void)state;
	assert_int_equal(ferry_fieldset_add(&fs, &a), 0);
	assert_int_equal(ferry_fieldset_add(&fs, &b), 0);
	assert_int_equal(ferry_fieldset_add(&fs, &c), 0);
	payload_why(&fs, "{\"cost\":\"1.50\",\"n\":3,\"name\":\"ab\"}", NULL);
	payload_why(&fs, "{}", NULL);
	payload_why(&fs, "{\"colour\":\"red\"}", "sets field colour, which "
		"the package does not declare for entity asset");
	payload_why(&fs, "{\"na\":1}", "sets field na, which the package "
		"does not declare for entity asset");
	payload_why(&fs, "{\"cost\":\"1.5\"}", "sets asset.cost to a string, "
		"which is not in the canonical form of its declared type "
		"decimal(5,2)");
	payload_why(&fs, "{\"n\":1.5}", "sets asset.n to a number with a "
		"fraction, which does not fit its declared type int");
	payload_why(&fs, "{\"name\":\"abcde\"}", "sets asset.name to a "
		"string, which does not fit its declared type nvarchar(4)");
	payload_why(&fs, "[]", "has a payload that is not an object");
	payload_why(&fs, "{\"n\":}", "has a payload that is not canonical "
		"JSON");
	ferry_fieldset_dispose(&fs);
}

/* ---- canonical form ------------------------------------------------------ */

static void canon(const char *json, int want)
{
	assert_int_equal(ferry_canon__check(json, strlen(json)), want);
}

static void test_fit_canonical__form(void **state)
{
	(void)state;
	canon("{}", 1);
	canon("{\"a\":1,\"b\":{\"z\":1,\"a\":[1,\"x\"]}}", 1);
	canon("{\"a\":\"\\n\\u001f\\\"\"}", 1);
	canon("{\"b\":1,\"a\":2}", 0);		/* keys out of order */
	canon("{\"a\":1,\"a\":2}", 0);		/* a key twice */
	canon("{\"A\":1}", 0);			/* not a field name */
	canon("{\"a\": 1}", 0);			/* white space */
	canon("{\"a\":\"\\u000a\"}", 0);	/* not the short form */
	canon("{\"a\":\"\\/\"}", 0);		/* an escape put_json never
						 * writes */
	canon("[1]", 0);
}

/* ---- the text checks under them --------------------------------------- */

static void test_fit_text_checks__hex_ident_escapes(void **state)
{
	const char *e = "\\n\\u001f\\u000a\\/";

	(void)state;
	assert_true(ferry_hex_valid("0123456789abcdef", 16));
	assert_false(ferry_hex_valid("0123456789abcdeF", 16));
	assert_false(ferry_hex_valid("0123456789abcdef0", 16));
	assert_false(ferry_hex_valid("0123", 16));
	assert_false(ferry_hex_valid(NULL, 16));
	assert_true(ferry_ident_valid_len("name\"", 4));
	assert_false(ferry_ident_valid_len("Name", 4));
	assert_false(ferry_ident_valid_len("", 0));
	assert_int_equal(ferry_str_json_escape_len(e, strlen(e), 0), 2);
	assert_int_equal(ferry_str_json_escape_len(e, strlen(e), 2), 6);
	assert_int_equal(ferry_str_json_escape_len(e, strlen(e), 8), 0);
	assert_int_equal(ferry_str_json_escape_len(e, strlen(e), 14), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_text__stored_converts_or_not),
		cmocka_unit_test(test_fit_text__agrees_with_convert),
		cmocka_unit_test(test_fit_scalar__same_as_its_text),
		cmocka_unit_test(test_fit_payload__every_member_declared_and_stored),
		cmocka_unit_test(test_fit_canonical__form),
		cmocka_unit_test(test_fit_text_checks__hex_ident_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
