/*
 * timeutil.h - UTC instants, ISO-8601 text, dates and IANA time zones.
 *
 * Instants are seconds since the epoch, UTC.  Text forms are fixed:
 * "2021-12-31T12:00:00Z" for instants and "2021-12-31" for dates.  Zones
 * are looked up in the system's tzdata; converting to local time briefly
 * sets TZ, so these calls are not thread-safe (ferry is single-threaded).
 */
#ifndef FERRY_UTIL_TIME_H
#define FERRY_UTIL_TIME_H

#include <stdint.h>
#include <time.h>

#define FERRY_ISO_LEN 21	/* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define FERRY_DATE_LEN 11	/* "YYYY-MM-DD" + NUL */

/* Parse "YYYY-MM-DDTHH:MM:SSZ" (or a space for the T).  0 or -1. */
int ferry_time_parse_iso(int64_t *out, const char *text);
void ferry_time_format_iso(char out[FERRY_ISO_LEN], int64_t t);
/* Parse a calendar date "YYYY-MM-DD" into midnight UTC.  0 or -1. */
int ferry_time_parse_date(int64_t *out, const char *text);
/* 1 if zone names a time zone of the system's tzdata. */
int ferry_tz_valid(const char *zone);
/* Broken-down local time of t in zone.  0 or -1 (unknown zone). */
int ferry_time_local(struct tm *out, int64_t t, const char *zone);
/* The local calendar date of t in zone, as "YYYY-MM-DD". */
int ferry_time_local_date(char out[FERRY_DATE_LEN], int64_t t,
	const char *zone);

#endif
