/*
 * types.h - field types: parsing "nvarchar(40)", checking values against
 * a type, and the canonical JSON form of values that version hashes are
 * computed over.
 *
 * The canonical form is frozen: changing it would change every version
 * hash.  Strings are escaped by ferry_str_put_json(); integers are plain
 * decimal; decimals are strings with exactly `scale` fraction digits;
 * bools are true/false; dates "YYYY-MM-DD"; datetimes
 * "YYYY-MM-DDTHH:MM:SSZ", or "YYYY-MM-DDTHH:MM:SS.fffZ" when the value
 * has a fraction of a second (1 to 9 digits, trailing zeros dropped, so a
 * whole second keeps the old form); times "HH:MM:SS" with the same
 * fraction rule; floats (IEEE binary64) the shortest decimal that reads
 * back as the same double, as a JSON number; json values are re-encoded
 * with sorted keys and no spaces.  A record's payload is an object of its non-null fields,
 * keys in byte order, no spaces.
 */
#ifndef FERRY_LIB_TYPES_H
#define FERRY_LIB_TYPES_H

#include "str.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	FERRY_T_NVARCHAR = 1,
	FERRY_T_NCHAR,
	FERRY_T_INT,
	FERRY_T_BIGINT,
	FERRY_T_DECIMAL,
	FERRY_T_BOOL,
	FERRY_T_DATE,
	FERRY_T_DATETIME,
	FERRY_T_TEXT,
	FERRY_T_JSON,
	FERRY_T_REF,
	FERRY_T_FLOAT,
	FERRY_T_TIME
} ferry_type_base;

#define FERRY_NAME_MAX 64
#define FERRY_TYPE_TEXT_MAX 96
#define FERRY_SIZE_MAX 1000000	/* largest nvarchar/nchar size */
#define FERRY_TEXT_MAX (16u << 20) /* largest text or json value, bytes */
/*
 * Deepest nesting of arrays and objects in a json value: checked when a
 * value is written (record put, merge) and when a package is read, so
 * that what one instance writes every other can load.  Well within what
 * jansson (2048) and SQLite's JSON functions (1000 since 3.45) parse,
 * with room for the package item around the value.
 */
#define FERRY_JSON_DEPTH_MAX 500

typedef struct {
	ferry_type_base base;
	int size;		/* n of nvarchar/nchar, p of decimal */
	int scale;		/* s of decimal */
	char ref[FERRY_NAME_MAX]; /* target entity of ref() */
} ferry_type;

/* Parse a type; 0, or -1 with the reason in err. */
int ferry_type__parse(ferry_type *out, const char *text, ferry_str *err);
/* The type's text form: "nvarchar(40)". */
void ferry_type__format(char out[FERRY_TYPE_TEXT_MAX], const ferry_type *t);
/* Longest canonical datetime or time text, with its NUL. */
#define FERRY_DATETIME_MAX 32
/*
 * The canonical form of a datetime ("YYYY-MM-DDTHH:MM:SS[.f]Z", a space
 * for the T accepted) or a time ("HH:MM:SS[.f]"): 0, or -1 if text is
 * not one.  The fraction rule is types.h's opening comment.
 */
int ferry_type__datetime_canonical(char out[FERRY_DATETIME_MAX],
	const char *text);
int ferry_type__time_canonical(char out[FERRY_DATETIME_MAX],
	const char *text);
/* The canonical text of a float: -1 for infinities and NaN.  out holds
 * at least 32 bytes. */
int ferry_type__float_canonical(char out[32], double d);
/* 1 if values of this type are stored as SQL integers. */
int ferry_type__is_integer(const ferry_type *t);
/* 1 if the type has a size (nvarchar, nchar). */
int ferry_type__sized(const ferry_type *t);

/* A field of an entity, as the catalog knows it. */
typedef struct {
	char name[FERRY_NAME_MAX];
	ferry_type type;
	char type_text[FERRY_TYPE_TEXT_MAX];
	char *display;		/* owned, may be NULL */
	char *description;	/* owned, may be NULL */
	char *default_value;	/* owned JSON text of the default, or NULL */
	char *external_name;	/* owned: the field's name in the system it
				 * came from, when ferry's differs; NULL */
} ferry_field;

/* The fields of an entity, sorted by name (byte order). */
typedef struct {
	ferry_field *fields;
	size_t n;
} ferry_fieldset;

void ferry_fieldset_dispose(ferry_fieldset *fs);
/* Index of a field, or -1. */
int ferry_fieldset_find(const ferry_fieldset *fs, const char *name);
/* Append a field (copying strings); keeps the set sorted. */
int ferry_fieldset_add(ferry_fieldset *fs, const ferry_field *f);

/* A value as stored: SQL NULL, integer or text. */
typedef enum { FERRY_V_NULL = 0, FERRY_V_INT, FERRY_V_TEXT } ferry_value_kind;

typedef struct {
	ferry_value_kind kind;
	int64_t i;
	char *s;		/* owned */
	size_t len;
} ferry_value;

void ferry_value_dispose(ferry_value *v);
void ferry_values_dispose(ferry_value *v, size_t n);

/*
 * Check a JSON value against a field and convert it to its stored form.
 * null gives FERRY_V_NULL.  Returns 0, or -1 with a one-line reason in err
 * ("nvarchar(10) holds at most 10 characters; got 12").
 */
int ferry_type__convert(ferry_value *out, const ferry_field *f,
	json_t *v, ferry_str *err);

/*
 * Check a stored value (as read back from a table) against a type, e.g.
 * before narrowing a column.  1 if it fits.
 */
int ferry_type__fits(const ferry_field *f, int64_t i, const char *s,
	int is_int);

/* Append the canonical JSON of a stored value. */
void ferry_type__canonical(ferry_str *s, const ferry_field *f,
	const ferry_value *v);

/*
 * jansson's reason for refusing a text, in ferry's words where jansson
 * names its own options ("without JSON_ALLOW_NUL").
 */
const char *ferry_json__error_text(const json_error_t *e);

/* 1 if v nests arrays and objects at most FERRY_JSON_DEPTH_MAX deep. */
int ferry_json__depth_ok(json_t *v);
/* The same for JSON text (assumed well-formed), without parsing it. */
int ferry_json__text_depth_ok(const char *s, size_t len);

/* Append the canonical JSON of any JSON value (sorted keys, compact). */
void ferry_json__canonical(ferry_str *s, json_t *v);

/*
 * The canonical payload of a record: an object of the non-null values,
 * keys in byte order.  values[i] belongs to fs->fields[i].
 */
void ferry_type__payload(ferry_str *s, const ferry_fieldset *fs,
	const ferry_value *values);

#endif
