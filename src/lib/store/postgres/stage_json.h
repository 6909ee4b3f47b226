/*
 * stage_json.h - reading an item line as SQLite's JSON functions read
 * it (version 3.40's json1, what the SQLite store stages with): the
 * same lines valid, the same member found for a path (the first of its
 * name, labels compared as written), the same values handed out by ->
 * (the value's text without white space) and ->> (a string unescaped,
 * a number or truth as SQLite's TEXT column stores it).  The PostgreSQL
 * store stages the columns SQLite's statement would write with these,
 * so that both stores check and show the same values.
 */
#ifndef FERRY_STORE_PG_STAGE_JSON_H
#define FERRY_STORE_PG_STAGE_JSON_H

#include "str.h"

#include <stddef.h>

/* A JSON value inside a text: its bytes and its kind. */
typedef enum {
	SJ_NONE = 0, SJ_NULL, SJ_TRUE, SJ_FALSE, SJ_INT, SJ_REAL, SJ_STRING,
	SJ_ARRAY, SJ_OBJECT
} sj_kind;

typedef struct {
	const char *p;		/* first byte of the value */
	size_t n;		/* its length */
	sj_kind kind;		/* SJ_NONE: absent */
} sj_value;

/* 1 if text[0..len) is one JSON value as SQLite 3.40 takes it; *root
 * then covers it. */
int sj_parse(const char *text, size_t len, sj_value *root);
/* The member key of an object (the first so named), else SJ_NONE. */
sj_value sj_member(sj_value obj, const char *key);
/* The i-th element of an array; SJ_NONE past its end. */
sj_value sj_element(sj_value arr, size_t i);
/* json_type()'s name of a value ("object", "text", ...), NULL when
 * absent. */
const char *sj_type(sj_value v);
/* Append what -> gives (the value without white space); 0 when absent
 * (nothing appended). */
int sj_arrow(ferry_str *out, sj_value v);
/* Append what ->> gives, as a TEXT column stores it; 0 for SQL NULL
 * (absent or null: nothing appended). */
int sj_text(ferry_str *out, sj_value v);

#endif
