/*
 * test_time.c - instants as ISO-8601 text, calendar dates, IANA zones and
 * local time, and the export file name built from them (seed 000:
 * completed 12:00:00 UTC is 15:00:00 for a user in UTC+3).
 */
#include "helpers.h"
#include "store/handle.h"

#include "ferry.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>

/* 2021-12-31T12:00:00Z */
#define NOON 1640952000

static int64_t iso(const char *text)
{
	int64_t t = -1;

	if (ferry_time_parse_iso(&t, text) < 0)
		fail_msg("'%s' was refused", text);
	return t;
}

static void test_time_iso__parse(void **state)
{
	(void)state;
	assert_int_equal(iso("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(iso("2021-12-31T12:00:00Z"), NOON);
	assert_int_equal(iso("2021-12-31 12:00:00Z"), NOON);
	assert_int_equal(iso("2020-02-29T23:59:59Z"), 1583020799);
	assert_int_equal(iso("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(iso("2100-03-01T00:00:00Z"), 4107542400LL);
}

static void test_time_iso__refused(void **state)
{
	static const char *const bad[] = { "", "2021-12-31", "2021-12-31T12:00Z",
		"2021-12-31T12:00:00", "2021-12-31T12:00:00z",
		"2021-12-31t12:00:00Z", "2021-12-31T12:00:00+00:00",
		"2021-12-31T12:00:00.000Z", "2021-12-31T12:00:00ZZ",
		" 2021-12-31T12:00:00Z", "2021-12-31T24:00:00Z",
		"2021-12-31T23:60:00Z", "2021-12-31T23:59:60Z",
		"2021-02-29T00:00:00Z", "2021-13-01T00:00:00Z",
		"2021-00-01T00:00:00Z", "2021-01-00T00:00:00Z",
		"0000-01-01T00:00:00Z", "21-12-31T12:00:00Z",
		"2021/12/31T12:00:00Z", "2021-12-31T12-00-00Z",
		"+021-12-31T12:00:00Z", "2021-1a-31T12:00:00Z" };
	size_t i;
	int64_t t = 7;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ferry_time_parse_iso(&t, bad[i]) == 0)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_time_iso__format_round_trips(void **state)
{
	static const char *const texts[] = { "1970-01-01T00:00:00Z",
		"2021-12-31T12:00:00Z", "2000-02-29T00:00:01Z",
		"2038-01-19T03:14:08Z", "9999-12-31T23:59:59Z",
		/* years before 1000 keep four digits (a fuzzer's find) */
		"0229-01-02T21:04:05Z", "0001-01-01T00:00:00Z" };
	char out[FERRY_ISO_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ferry_time_format_iso(out, iso(texts[i]));
		assert_string_equal(out, texts[i]);
	}
}

static void test_time_date__parse(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(ferry_time_parse_date(&t, "2021-12-31"), 0);
	assert_int_equal(t, NOON - 12 * 3600);
	assert_int_equal(ferry_time_parse_date(&t, "2000-02-29"), 0);
	assert_int_equal(ferry_time_parse_date(&t, "1900-02-29"), -1);
	assert_int_equal(ferry_time_parse_date(&t, "2021-02-29"), -1);
	assert_int_equal(ferry_time_parse_date(&t, "2021-04-31"), -1);
	assert_int_equal(ferry_time_parse_date(&t, "2021-12-31 "), -1);
	assert_int_equal(ferry_time_parse_date(&t, "2021-12-3"), -1);
	assert_int_equal(ferry_time_parse_date(&t, "2021-12-31T00:00:00Z"), -1);
	assert_int_equal(ferry_time_parse_date(&t, ""), -1);
}

static void test_time_zone__valid_names(void **state)
{
	(void)state;
	assert_true(ferry_tz_valid("UTC"));
	assert_true(ferry_tz_valid("Europe/Moscow"));
	assert_true(ferry_tz_valid("America/New_York"));
	assert_true(ferry_tz_valid("Asia/Kolkata"));
	assert_true(ferry_tz_valid("America/Argentina/Buenos_Aires"));
}

static void test_time_zone__refused_names(void **state)
{
	static const char *const bad[] = { "", "Mars/Olympus", "utc ",
		"Europe", "Europe/", "/etc/localtime",
		"/usr/share/zoneinfo/UTC", "../../../etc/passwd",
		"Europe/../UTC", "zone.tab", "tzdata.zi", "iso3166.tab",
		"+03:00", "UTC+3" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ferry_tz_valid(bad[i]))
			fail_msg("zone '%s' was accepted", bad[i]);
	assert_false(ferry_tz_valid(NULL));
}

static void local(const char *zone, int64_t t, const char *want)
{
	struct tm tm;
	char out[32];

	assert_int_equal(ferry_time_local(&tm, t, zone), 0);
	strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S", &tm);
	if (strcmp(out, want) != 0)
		fail_msg("%s: %s, expected %s", zone, out, want);
}

static void test_time_zone__local_time(void **state)
{
	struct tm tm;
	char date[FERRY_DATE_LEN];

	(void)state;
	local("UTC", NOON, "2021-12-31 12:00:00");
	local("Europe/Moscow", NOON, "2021-12-31 15:00:00");
	local("America/New_York", NOON, "2021-12-31 07:00:00");
	local("America/New_York", iso("2022-07-01T12:00:00Z"),
		"2022-07-01 08:00:00");
	local("Asia/Kolkata", NOON, "2021-12-31 17:30:00");
	local("Pacific/Kiritimati", NOON, "2022-01-01 02:00:00");
	local("America/New_York", iso("2022-01-01T02:30:00Z"),
		"2021-12-31 21:30:00");
	assert_int_equal(ferry_time_local(&tm, NOON, "Nowhere/Land"), -1);
	assert_int_equal(ferry_time_local_date(date, NOON,
		"Pacific/Kiritimati"), 0);
	assert_string_equal(date, "2022-01-01");
	assert_int_equal(ferry_time_local_date(date, NOON, "Nowhere"), -1);
}

static void test_time_zone__tz_environment_is_restored(void **state)
{
	struct tm tm;

	(void)state;
	unsetenv("TZ");
	assert_int_equal(ferry_time_local(&tm, NOON, "Europe/Moscow"), 0);
	assert_null(getenv("TZ"));
	setenv("TZ", "Asia/Tokyo", 1);
	assert_int_equal(ferry_time_local(&tm, NOON, "Europe/Moscow"), 0);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	unsetenv("TZ");
}

static void file_name(const char *pack, int64_t t, const char *zone,
	const char *want)
{
	ferry_buf b = FERRY_BUF_INIT;

	assert_int_equal(ferry_pack_file_name(&b, pack, t, zone), 0);
	assert_string_equal(b.ptr, want);
	assert_int_equal(b.size, strlen(want));
	ferry_buf_dispose(&b);
}

static void test_time_file_name__seed_rules(void **state)
{
	ferry_buf b = FERRY_BUF_INIT;
	int was;

	(void)state;
	file_name("Local Pack name", NOON, "UTC",
		"Local Pack name_2021-12-31 12:00:00.sop");
	file_name("Local Pack name", NOON, "Europe/Moscow",
		"Local Pack name_2021-12-31 15:00:00.sop");
	file_name("P", NOON, "America/New_York", "P_2021-12-31 07:00:00.sop");
	file_name("a\\b/c:d*e?f\"g<h>i|j", NOON, "UTC",
		"a_b_c_d_e_f_g_h_i_j_2021-12-31 12:00:00.sop");
	file_name("\\/:*?\"<>|", NOON, "UTC",
		"__________2021-12-31 12:00:00.sop");
	file_name("caf\xc3\xa9 [1] (x) #2 .", NOON, "UTC",
		"caf\xc3\xa9 [1] (x) #2 ._2021-12-31 12:00:00.sop");
	assert_int_equal(ferry_pack_file_name(&b, "P", NOON, "Nowhere"),
		FERRY_EINVALID);
	assert_null(b.ptr);
	/* The misuse answers (debug builds would stop at the first). */
	was = ferry__misuse_abort(0);
	assert_int_equal(ferry_pack_file_name(NULL, "P", NOON, "UTC"),
		FERRY_EMISUSE);
	assert_int_equal(ferry_pack_file_name(&b, NULL, NOON, "UTC"),
		FERRY_EMISUSE);
	assert_int_equal(ferry_pack_file_name(&b, "P", NOON, NULL),
		FERRY_EMISUSE);
	ferry__misuse_abort(was);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_iso__parse),
		cmocka_unit_test(test_time_iso__refused),
		cmocka_unit_test(test_time_iso__format_round_trips),
		cmocka_unit_test(test_time_date__parse),
		cmocka_unit_test(test_time_zone__valid_names),
		cmocka_unit_test(test_time_zone__refused_names),
		cmocka_unit_test(test_time_zone__local_time),
		cmocka_unit_test(test_time_zone__tz_environment_is_restored),
		cmocka_unit_test(test_time_file_name__seed_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
