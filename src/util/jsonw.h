/*
 * jsonw.h - writing a JSON document member by member into a ferry_str.
 *
 * The library builds its public documents (listings, shows) from the
 * facts the store returns, so that every store prints the same bytes.
 * These calls keep a builder short: each member call writes the comma
 * that separates it from the previous one itself (none right after an
 * opening bracket), a key, and the value in ferry's fixed form: strings
 * escaped as ferry_str_put_json() does, NULL strings as null, integers
 * in decimal.  key NULL writes an array element.  Like ferry_str, a
 * failed append sticks: check ferry_str_failed() once at the end.
 */
#ifndef FERRY_UTIL_JSONW_H
#define FERRY_UTIL_JSONW_H

#include "str.h"

#include <stdint.h>

/* The separator (when needed) and "key": (key NULL: just the separator). */
void ferry_json_key(ferry_str *s, const char *key);
/* Open an object ('{') or array ('[') as member key; close it with
 * ferry_json_close(s, '}') or ']'. */
void ferry_json_open(ferry_str *s, const char *key, char bracket);
void ferry_json_close(ferry_str *s, char bracket);
/* A string member, or null when value is NULL. */
void ferry_json_str(ferry_str *s, const char *key, const char *value);
/* An integer member. */
void ferry_json_int(ferry_str *s, const char *key, int64_t value);
/* An integer member, or null when value is 0 (ids and version numbers,
 * which start at 1). */
void ferry_json_id(ferry_str *s, const char *key, int64_t value);
void ferry_json_bool(ferry_str *s, const char *key, int value);
/* A member whose value is JSON text already (a canonical payload), or
 * null when json is NULL. */
void ferry_json_raw(ferry_str *s, const char *key, const char *json,
	size_t len);

#endif
