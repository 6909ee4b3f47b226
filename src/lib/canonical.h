/*
 * canonical.h - walking the members of a canonical JSON object (the form
 * types.h defines: compact, keys sorted, fixed escaping) without a
 * general JSON parser.
 *
 * Export compares a version's payload with its base's for every record
 * of a pack; doing that with SQLite's json_each cost two thirds of an
 * export of updates, and with jansson about 9 s per million records.  A
 * canonical object is simple enough to walk in one pass.  The input must
 * be canonical (ferry wrote it); anything else is reported as malformed.
 */
#ifndef FERRY_LIB_CANONICAL_H
#define FERRY_LIB_CANONICAL_H

#include "str.h"

#include <stddef.h>

typedef struct {
	const char *p;		/* next byte to read */
	const char *end;
} ferry_canon_iter;

typedef struct {
	const char *key;	/* the key's bytes, without quotes */
	size_t key_len;
	const char *value;	/* the value's JSON text */
	size_t value_len;
} ferry_canon_member;

/* Start walking `len` bytes holding one JSON object.  0 or -1. */
int ferry_canon__begin(ferry_canon_iter *it, const char *text, size_t len);
/* The next member: 1 with m set, 0 at the end, -1 if malformed. */
int ferry_canon__next(ferry_canon_iter *it, ferry_canon_member *m);

/*
 * 1 if the len bytes at text, one well-formed JSON object (a parser
 * read it already), are in canonical form (types.h): no white space
 * outside strings, strings escaped as ferry_str_put_json() does, and at
 * the top level field names (text.h identifiers) as keys in strictly
 * ascending byte order, so no key twice.  Else 0.
 */
int ferry_canon__check(const char *text, size_t len);

/*
 * Whether a canonical object holds the given members: 1 if each of the
 * n names (in strictly ascending byte order) has exactly the JSON text
 * values[i] in it, "null" standing for a member it lacks; 0 if one
 * differs; -1 if text is malformed.  One walk of text.
 */
int ferry_canon__has_members(const char *text, size_t len, size_t n,
	const char *const *names, const size_t *name_lens,
	const char *const *values, const size_t *value_lens);

/*
 * The old values of an update: an object of every key whose value differs
 * between base and now, with base's value (null where base lacks it),
 * keys in byte order.  Appends to out.  0, or -1 if either is malformed.
 */
int ferry_canon__old_values(ferry_str *out, const char *base,
	size_t base_len, const char *now, size_t now_len);

/*
 * One member's value (ferry_canon_member.value) as a jansson value, a
 * new reference; NULL if it is malformed or memory ran out.  Strings and
 * small integers, nearly every value of a payload, are built directly
 * (a canonical string has only the escapes ferry_str_put_json() writes);
 * anything else goes to jansson's parser.  A restore reads a payload's
 * values this way, member by member, instead of parsing the whole object
 * into a hash table.
 */
struct json_t *ferry_canon__json(const char *value, size_t len);

#endif
