/*
 * timeutil.c - time text and zones (see timeutil.h).
 */
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FERRY_ZONEINFO
#define FERRY_ZONEINFO "/usr/share/zoneinfo"
#endif

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

static int parse_date_part(struct tm *tm, const char *s)
{
	int y, mo, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	return 0;
}

int ferry_time_parse_date(int64_t *out, const char *text)
{
	struct tm tm;

	if (strlen(text) != 10 || parse_date_part(&tm, text) < 0)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int ferry_time_parse_iso(int64_t *out, const char *s)
{
	struct tm tm;
	int h, mi, se;

	if (strlen(s) != 20 || parse_date_part(&tm, s) < 0 ||
	    (s[10] != 'T' && s[10] != ' ') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &se) || s[19] != 'Z')
		return -1;
	if (h > 23 || mi > 59 || se > 59)
		return -1;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void ferry_time_format_iso(char out[FERRY_ISO_LEN], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* Four digits of year always (strftime's %Y gives "229" for the
	 * year 229, which the parser rightly refuses). */
	gmtime_r(&tt, &tm);
	snprintf(out, FERRY_ISO_LEN, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		(unsigned)(tm.tm_year + 1900) % 10000u,
		(unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		(unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		(unsigned)tm.tm_sec % 100u);
}

int ferry_tz_valid(const char *zone)
{
	char path[512];
	struct stat st;
	FILE *f;
	char magic[4];
	int ok;

	if (!zone || !*zone || zone[0] == '/' || strstr(zone, "..") ||
	    strlen(zone) > 200)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", FERRY_ZONEINFO, zone);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

int ferry_time_local(struct tm *out, int64_t t, const char *zone)
{
	char *saved = NULL, *old;
	time_t tt = (time_t)t;

	if (!ferry_tz_valid(zone))
		return -1;
	if ((old = getenv("TZ")) != NULL && (saved = strdup(old)) == NULL)
		return -1;
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&tt, out);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	return 0;
}

int ferry_time_local_date(char out[FERRY_DATE_LEN], int64_t t,
	const char *zone)
{
	struct tm tm;

	if (ferry_time_local(&tm, t, zone) < 0)
		return -1;
	snprintf(out, FERRY_DATE_LEN, "%04u-%02u-%02u",
		(unsigned)(tm.tm_year + 1900) % 10000u,
		(unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
	return 0;
}
