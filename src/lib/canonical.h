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
#include <stdint.h>

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
 * 1 if the object at text has a member named one of the n names, 0 if
 * none, -1 if text is malformed.  The names in any order; each member
 * is looked up among them.
 */
int ferry_canon__has_any(const char *text, size_t len, size_t n,
	const char *const *names, const size_t *name_lens);

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

/*
 * A canonical object's members, found once and then looked up by name
 * many times.  The set-wise commit stores every field of each staged
 * payload, one call a field (ferry_member(), functions.c); with SQLite's
 * ->>, each lookup went through its own parse of the object, and the
 * populated 1M commit's row updates took an eighth longer
 * (docs/performance.md).  An index holds a copy of the object
 * it was built from, so a lookup in another object builds it again.
 * Objects larger than the copy are walked for each lookup.
 */
#define FERRY_CANON_INDEX_BYTES 4096
#define FERRY_CANON_INDEX_MEMBERS 128

typedef struct {
	size_t len;		/* bytes of text; 0: holds nothing */
	size_t n;		/* members */
	struct {
		unsigned short key, key_len;	/* offsets into text */
		unsigned short value, value_len;
	} m[FERRY_CANON_INDEX_MEMBERS];
	char text[FERRY_CANON_INDEX_BYTES];
} ferry_canon_index;

/* The member `name` of the object at text: 1 with *m set, 0 if it has
 * none, -1 if text is malformed.  ix caches the object's members. */
int ferry_canon__member(ferry_canon_index *ix, const char *text, size_t len,
	const char *name, size_t name_len, ferry_canon_member *m);

/* A member's value as SQL holds it, as SQLite's ->> returns it. */
typedef enum {
	FERRY_CANON_SQL_NULL,
	FERRY_CANON_SQL_INT,
	FERRY_CANON_SQL_REAL,
	FERRY_CANON_SQL_TEXT	/* strings unescaped; objects and arrays
				 * as their JSON text */
} ferry_canon_sql_kind;

typedef struct {
	ferry_canon_sql_kind kind;
	int64_t i;
	double r;
	const char *text;	/* the value's bytes or buf's */
	size_t text_len;
} ferry_canon_sql;

/*
 * A member's value (ferry_canon_member.value, len bytes) as SQL: true
 * and false as 1 and 0, integers that int64 holds as integers, other
 * numbers as reals, null as NULL.  A string's unescaped text goes to
 * buf, which has room for len bytes (unescaping only shortens).  0, or
 * -1 if the value is malformed.
 */
int ferry_canon__sql(const char *value, size_t len, char *buf,
	ferry_canon_sql *sql);

#endif
