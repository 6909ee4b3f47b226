/*
 * jsonw.c - writing a JSON document member by member (jsonw.h).
 *
 * The separator is decided by the last byte written: after '[', '{' or
 * nothing a member needs no comma, after anything else (a value's last
 * byte) it does; after a key's ':' a value needs none either.  Keys are
 * the builder's own literals and are written escaped all the same.
 */
#include "jsonw.h"

#include <inttypes.h>
#include <string.h>

void ferry_json_key(ferry_str *s, const char *key)
{
	char last = s->size && s->ptr ? s->ptr[s->size - 1] : '\0';

	if (last != '\0' && last != '[' && last != '{' && last != ':')
		ferry_str_putc(s, ',');
	if (key) {
		ferry_str_puts_json(s, key);
		ferry_str_putc(s, ':');
	}
}

void ferry_json_open(ferry_str *s, const char *key, char bracket)
{
	ferry_json_key(s, key);
	ferry_str_putc(s, bracket);
}

void ferry_json_close(ferry_str *s, char bracket)
{
	ferry_str_putc(s, bracket);
}

void ferry_json_str(ferry_str *s, const char *key, const char *value)
{
	ferry_json_key(s, key);
	if (value)
		ferry_str_puts_json(s, value);
	else
		ferry_str_puts(s, "null");
}

void ferry_json_int(ferry_str *s, const char *key, int64_t value)
{
	ferry_json_key(s, key);
	ferry_str_printf(s, "%" PRId64, value);
}

void ferry_json_id(ferry_str *s, const char *key, int64_t value)
{
	if (value)
		ferry_json_int(s, key, value);
	else
		ferry_json_raw(s, key, NULL, 0);
}

void ferry_json_bool(ferry_str *s, const char *key, int value)
{
	ferry_json_key(s, key);
	ferry_str_puts(s, value ? "true" : "false");
}

void ferry_json_raw(ferry_str *s, const char *key, const char *json,
	size_t len)
{
	ferry_json_key(s, key);
	if (json)
		ferry_str_put(s, json, len);
	else
		ferry_str_puts(s, "null");
}
