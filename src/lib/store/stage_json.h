/*
 * stage_json.h - reading an item line as SQLite's JSON functions read
 * it (version 3.40's json1, what the SQLite store stages with): the
 * same lines valid, the same member found for a path (the first of its
 * name, labels compared as written), the same values handed out by ->
 * (the value's text without white space) and ->> (a string unescaped,
 * a number or truth as SQLite's TEXT column stores it).  Both stores
 * stage an item line's columns with these (stage_line.c), as the SQLite
 * store once pulled them with json1 in SQL, so that both check and show
 * the same values.
 */
#ifndef FERRY_STORE_STAGE_JSON_H
#define FERRY_STORE_STAGE_JSON_H

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
/* The first member of each of the n names in keys, in one walk of obj
 * (out[i].kind SJ_NONE for a name it lacks): what n calls of
 * sj_member() give, without walking the members before each again.  A
 * value that starts where one of the nknown values of known does is
 * taken to be that long: the walk skips it at once. */
void sj_members(sj_value obj, const char *const *keys, size_t n,
	sj_value *out, const sj_value *known, size_t nknown);
/* The members of an object one at a time, as written: *at starts at
 * 0; 1 with *key (the label, its quotes included) and *val set, 0 past
 * the last. */
int sj_next(sj_value obj, size_t *at, sj_value *key, sj_value *val);
/* The elements of an array one at a time: *at starts at 0; 1 with *val
 * set, 0 past the last. */
int sj_next_element(sj_value arr, size_t *at, sj_value *val);
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
