/*
 * test_record_text.c - a record line's values read from its text
 * (record_text.c) against the same line parsed by jansson and converted
 * (ferry__record_parse_text + ferry__record_new_values): what the text
 * reader takes it must read exactly as the parsed object reads, and what
 * jansson or the converter refuses it must decline, so that record load
 * says why as before.
 */
#include "helpers.h"

#include "records.h"
#include "text.h"
#include "types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYS_ID "0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"

static void add_field(ferry_fieldset *fs, const char *name, const char *type,
	const char *default_value)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_field f;

	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "%s", name);
	assert_int_equal(ferry_type__parse(&f.type, type, &err), 0);
	ferry_type__format(f.type_text, &f.type);
	f.default_value = (char *)default_value;
	assert_int_equal(ferry_fieldset_add(fs, &f), 0);
	ferry_str_dispose(&err);
}

/* A field of every type, one with a default. */
static void every_type(ferry_fieldset *fs)
{
	static const char *const fields[][3] = {
		{ "name", "nvarchar(12)", NULL }, { "code", "nchar(4)", NULL },
		{ "body", "text", NULL }, { "qty", "int", NULL },
		{ "big", "bigint", NULL }, { "amount", "decimal(10,2)", NULL },
		{ "active", "bool", NULL }, { "due", "date", NULL },
		{ "seen", "datetime", NULL }, { "at", "time", NULL },
		{ "ratio", "float", NULL }, { "attrs", "json", NULL },
		{ "parent", "ref(other)", NULL },
		{ "status", "nvarchar(10)", "\"new\"" },
	};
	size_t i;

	memset(fs, 0, sizeof(*fs));
	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		add_field(fs, fields[i][0], fields[i][1], fields[i][2]);
}

typedef struct {
	int ok;
	ferry_value values[16];
	int set[16];
	char sys_id[37];
} reading;

static void reading_dispose(reading *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ferry_value_dispose(&r->values[i]);
}

/* The line as record load read it before: parsed, then converted. */
static void by_jansson(reading *r, const ferry_fieldset *fs, const char *line)
{
	ferry_str why = FERRY_STR_INIT;
	json_t *obj = NULL, *id;

	memset(r, 0, sizeof(*r));
	if (ferry__record_parse_text(&obj, line, strlen(line), &why) == 0) {
		id = json_object_get(obj, "sys_id");
		if (id && json_is_string(id) &&
		    ferry_sys_id_valid(json_string_value(id)))
			snprintf(r->sys_id, 37, "%s", json_string_value(id));
		r->ok = (!id || json_is_null(id) || r->sys_id[0]) &&
			ferry__record_new_values(NULL, "thing", fs, obj,
			r->values, r->set) == 0;
	}
	json_decref(obj);
	ferry_str_dispose(&why);
}

/* 1 read, 0 declined: and when read, the same as jansson's reading. */
static int compare(const ferry_fieldset *fs, const char *line)
{
	reading a, b;
	size_t i;
	int rc;

	by_jansson(&a, fs, line);
	memset(&b, 0, sizeof(b));
	rc = ferry__record_values_of_text("thing", fs, line, strlen(line),
		b.values, b.set, b.sys_id);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1) {
		if (!a.ok)
			fail_msg("read what jansson refuses: %s", line);
		assert_string_equal(a.sys_id, b.sys_id);
		for (i = 0; i < fs->n; i++) {
			assert_int_equal(a.set[i], b.set[i]);
			assert_int_equal(a.values[i].kind, b.values[i].kind);
			assert_int_equal(a.values[i].i, b.values[i].i);
			assert_int_equal(a.values[i].len, b.values[i].len);
			if (a.values[i].kind == FERRY_V_TEXT)
				assert_memory_equal(a.values[i].s,
					b.values[i].s, a.values[i].len);
		}
	} else {
		for (i = 0; i < fs->n; i++) {
			assert_int_equal(b.set[i], 0);
			assert_int_equal(b.values[i].kind, FERRY_V_NULL);
		}
		assert_string_equal(b.sys_id, "");
	}
	reading_dispose(&a, fs->n);
	reading_dispose(&b, fs->n);
	return rc;
}

/* Each of n lines against every_type(): read (want 1) or declined (0). */
static void expect_each(const char *const *lines, size_t n, int want)
{
	ferry_fieldset fs;
	size_t i;

	every_type(&fs);
	for (i = 0; i < n; i++)
		if (compare(&fs, lines[i]) != want)
			fail_msg("%s: %s", want ? "declined" : "read", lines[i]);
	ferry_fieldset_dispose(&fs);
}

/* Lines nearly every load is made of: read here, as jansson reads them. */
static void test_the_usual_lines_are_read_as_jansson_reads_them(void **state)
{
	static const char *const lines[] = {
		"{\"name\":\"plain\"}",
		"{\"sys_id\":\"" SYS_ID "\",\"name\":\"x\",\"qty\":-42,"
		"\"big\":9223372036854775807,\"amount\":12.5,"
		"\"active\":true,\"due\":\"2024-02-29\","
		"\"seen\":\"2024-03-01T12:00:00Z\",\"at\":\"10:11:12\","
		"\"ratio\":0.1,\"code\":\"AB\"}",
		"  { \"sys_id\" : null , \"name\" : \"spaced\" }  ",
		"{\"body\":\"quotes \\\" backslash \\\\ slash \\/ tab \\t "
		"nl \\n cr \\r bs \\b ff \\f\"}",
		"{\"name\":\"caf\\u00e9\",\"body\":\"clef \\ud834\\udd1e "
		"and \\u20ac and raw \xc3\xa9 \xf0\x9f\x98\x80\"}",
		"{\"attrs\":{\"b\":[1,2.5,{\"z\":null,\"a\":\"\\u00e9\"}],"
		"\"a\":true}}",
		"{\"attrs\":[],\"ratio\":-1.5e-300,\"amount\":\"3.10\"}",
		"{\"amount\":-0,\"qty\":0,\"ratio\":1E2,\"active\":false}",
		"{\"name\":null,\"status\":\"set\",\"parent\":\"" SYS_ID "\"}",
		/* strings each field takes as text, escapes and all */
		"{\"attrs\":\"just text\",\"seen\":\"2024-03-01T12:00:00.250Z\","
		"\"at\":\"23:59:59.5\",\"amount\":\"-0012.50\"}",
		"{\"parent\":\"0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2\\u0066\","
		"\"due\":\"2024\\u002d01-31\",\"code\":\"\\u00e9\\u00e9\\u00e9\\u00e9\","
		"\"name\":\"\"}",
		/* json values, written canonical from the text */
		"{\"attrs\":{\"z\":1,\"a\":{\"y\":[true,false,null],"
		"\"b\":\"\\t\\u00e9\\ud83d\\ude80\\/\"},\"m\":[]}}",
		"{\"attrs\":[1,-0,-1,9223372036854775807,"
		"-9223372036854775808,0.0,-0.0,1.0,1e2,1E-2,-2.5e+3,"
		"0.1,1.7976931348623157e308,4.9e-324,1e-400]}",
		"{\"attrs\":{\"\\u00e9\":1,\"e\":2,\"\\u0065x\":3,\"\":4,"
		"\"E\":5,\"ab\":6,\"a\":7}}",
		"{\"attrs\":  [ { } , [ [ ] ] , \"s\" , { \"k\" : [ 1 , 2 ] } ] }",
		"{\"attrs\":\"a string\"}",
		"{\"attrs\":12}",
		"{\"attrs\":-1.5}",
		"{\"attrs\":true}",
		"{\"attrs\":null}",
		"{\"attrs\":{\"ctl\":\"\\u001f\\u0001\\b\\f\\n\\r\\\\\\\"\"}}",
		"{}",
	};

	(void)state;
	expect_each(lines, sizeof(lines) / sizeof(*lines), 1);
}

/* Lines jansson refuses or reads otherwise, and values a field refuses:
 * declined, nothing set, for record load to parse and say why. */
static void test_anything_else_is_left_to_jansson(void **state)
{
	static const char *const lines[] = {
		"{\"name\":\"nul \\u0000 inside\"}",
		"{\"name\":\"lone \\ud834 high\"}",
		"{\"name\":\"lone \\udd1e low\"}",
		"{\"name\":\"high then \\ud834\\u0041\"}",
		"{\"name\":\"a\",\"name\":\"b\"}",
		"{\"na\\u006de\":\"escaped label\"}",
		"{\"sys_id\":\"" SYS_ID "\",\"sys_id\":null}",
		"{\"sys_id\":\"not-a-sys-id\"}",
		"{\"sys_id\":\"\"}",
		"{\"sys_id\":7}",
		"{\"nope\":1}",
		"{\"sys_created_at\":\"2024-01-01\"}",
		"{\"big\":9223372036854775808}",
		"{\"ratio\":1e999}",
		"{\"qty\":\"12\"}",
		"{\"qty\":2147483648}",
		"{\"name\":\"far too long for twelve\"}",
		"{\"attrs\":{\"a\":1,\"a\":2}}",
		"{\"attrs\":{\"a\":1,\"\\u0061\":2}}",
		"{\"attrs\":[{\"k\":{\"x\":1,\"x\":[]}}]}",
		"{\"attrs\":[1,99999999999999999999]}",
		"{\"attrs\":{\"r\":1e400}}",
		"{\"attrs\":[\"nul \\u0000\"]}",
		"{\"attrs\":{\"\\ud800\":1}}",
		"{\"attrs\":[\"\\udc00\"]}",
		"{\"due\":\"2024-02-30\"}",
		"{\"ratio\":\"1.5\"}",
		"{\"active\":\"true\"}",
		"{\"big\":\"7\"}",
		"{\"at\":\"25:00:00\"}",
		"{\"seen\":\"yesterday\"}",
		"{\"amount\":\"12.345\"}",
		"{\"code\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}",
		"{\"parent\":\"0D5F1C2E-3B4A-4C5D-8E6F-7A8B9C0D1E2F\"}",
		"{\"parent\":\"nobody\"}",
		"{\"name\":\"bad utf-8 \xc3\x28\"}",
		"{\"name\":\"ctl \x01 char\"}",
		"[1,2]",
		"\"just a string\"",
		"{\"name\":\"x\"} trailing",
		"{\"name\":01}",
		"{\"name\":\"x\",}",
	};

	(void)state;
	expect_each(lines, sizeof(lines) / sizeof(*lines), 0);
}

/* A NUL byte inside the line's length: jansson refuses the line, and
 * json1's reader would stop at it. */
static void test_a_nul_byte_is_left_to_jansson(void **state)
{
	static const char line[] = "{\"name\":\"a\"}\0{\"name\":\"b\"}";
	ferry_value values[16];
	int set[16];
	char sys_id[37];
	ferry_fieldset fs;

	(void)state;
	every_type(&fs);
	memset(values, 0, sizeof(values));
	memset(set, 0, sizeof(set));
	assert_int_equal(ferry__record_values_of_text("thing", &fs, line,
		sizeof(line) - 1, values, set, sys_id), 0);
	ferry_fieldset_dispose(&fs);
}

/* Nested n arrays deep, one scalar inside. */
static char *nested(size_t n)
{
	char *line = malloc(n * 2 + 32), *p;
	size_t i;

	assert_non_null(line);
	p = line + sprintf(line, "{\"attrs\":");
	for (i = 0; i < n; i++)
		*p++ = '[';
	*p++ = '1';
	for (i = 0; i < n; i++)
		*p++ = ']';
	strcpy(p, "}");
	return line;
}

/* A json value as deep as a field takes is read; one deeper is left to
 * jansson and the converter, which refuse it. */
static void test_json_values_nest_as_deep_as_the_converter_takes(void **state)
{
	ferry_fieldset fs;
	char *ok = nested(FERRY_JSON_DEPTH_MAX);
	char *deep = nested(FERRY_JSON_DEPTH_MAX + 1);

	(void)state;
	every_type(&fs);
	assert_int_equal(compare(&fs, ok), 1);
	assert_int_equal(compare(&fs, deep), 0);
	free(ok);
	free(deep);
	ferry_fieldset_dispose(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_the_usual_lines_are_read_as_jansson_reads_them),
		cmocka_unit_test(test_anything_else_is_left_to_jansson),
		cmocka_unit_test(test_a_nul_byte_is_left_to_jansson),
		cmocka_unit_test(
			test_json_values_nest_as_deep_as_the_converter_takes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
