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
 *
 * The shapes of types, fields and values (ferry_type, ferry_field,
 * ferry_value) are store/values.h's: the store reads and writes them too.
 */
#ifndef FERRY_LIB_TYPES_H
#define FERRY_LIB_TYPES_H

#include "store/values.h"
#include "str.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

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
/*
 * Check a JSON value against a field and convert it to its stored form.
 * null gives FERRY_V_NULL.  Returns 0, or -1 with a one-line reason in err
 * ("nvarchar(10) holds at most 10 characters; got 12").
 */
int ferry_type__convert(ferry_value *out, const ferry_field *f,
	json_t *v, ferry_str *err);
/*
 * The same for a JSON string, given as its text (len bytes, NUL after
 * them), so that a bulk reader need not make a jansson value of it: 0,
 * -1 with err, or 1 when f's type takes no string that way (a json or
 * number field: convert a jansson value instead).
 */
int ferry_type__convert_string(ferry_value *out, const ferry_field *f,
	const char *s, size_t len, ferry_str *err);

/*
 * Check a stored value (as read back from a table) against a type, e.g.
 * before narrowing a column.  1 if it fits.
 */
int ferry_type__fits(const ferry_field *f, int64_t i, const char *s,
	int is_int);

/* Append the canonical JSON of a stored value. */
void ferry_type__canonical(ferry_str *s, const ferry_field *f,
	const ferry_value *v);

/* The kinds of JSON value. */
typedef enum {
	FERRY_JSON_NULL = 0,
	FERRY_JSON_FALSE,
	FERRY_JSON_TRUE,
	FERRY_JSON_INTEGER,
	FERRY_JSON_REAL,	/* a number with a fraction or an exponent */
	FERRY_JSON_STRING,
	FERRY_JSON_OBJECT,
	FERRY_JSON_ARRAY
} ferry_json_kind;

/* How a value is named in messages: "a string", "an integer", ... */
const char *ferry_json__kind_word(ferry_json_kind k);

/*
 * One JSON value as a reader saw it (a canonical walk, a database's
 * JSON functions), for ferry_type__fit(): enough to judge it against a
 * type without parsing it again.
 */
typedef struct {
	ferry_json_kind kind;
	const char *text;	/* STRING: its characters, NUL-terminated,
				 * or NULL when not at hand (escapes);
				 * OBJECT, ARRAY: the JSON text */
	size_t len;		/* bytes of text (STRING: that it stands for) */
	long chars;		/* STRING: characters, -1 if it holds a NUL,
				 * -2 not counted (text then set) */
	int64_t i;		/* INTEGER */
	int big;		/* INTEGER outside int64 */
	double d;		/* INTEGER, REAL: the number */
} ferry_json_scalar;

/* How a JSON value stands to a type (ferry_type__fit()). */
typedef enum {
	FERRY_FIT_NO = 0,	/* ferry_type__convert() refuses it */
	FERRY_FIT_CONVERTS = 1,	/* it converts to another form */
	FERRY_FIT_STORED = 2	/* it is the stored form already */
} ferry_fit;

/*
 * Whether a JSON value fits field f's type, without converting it: the
 * set-wise checks of load (every payload value against its declared
 * type), preview (against the target's type) and commit's fast path
 * (stored form or not) all ask this, and ferry_type__convert() agrees.
 */
ferry_fit ferry_type__fit(const ferry_field *f, const ferry_json_scalar *v);
/* The same for a member's value text in a canonical payload
 * (canonical.h). */
ferry_fit ferry_type__fit_text(const ferry_field *f, const char *v,
	size_t len);

/*
 * Check a record's canonical payload against the fields fs its package
 * declares (sorted by name): every member a declared field holding a
 * value in the stored form of its type.  0, or 1 with why (a sentence
 * about the record of entity, without the item) in why.  One pass over
 * the text, no JSON parser: load runs it on every record.
 *
 * With refs, a record that fits also leaves there its members that set
 * a field of a ref type (never null: a payload leaves a null out), as
 * one object ({} for none) of the payload's own text: the values the
 * plan's reference checks read (store.h, FERRY_CHECK_REF_KEPT).
 */
int ferry_type__payload_check(ferry_str *why, ferry_str *refs,
	const char *entity, const ferry_fieldset *fs, const char *payload,
	size_t len);

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
/* Append a number with a fraction as the canonical form writes it. */
void ferry_json__put_real(ferry_str *s, double d);

/*
 * The canonical payload of a record: an object of the non-null values,
 * keys in byte order.  values[i] belongs to fs->fields[i].
 */
void ferry_type__payload(ferry_str *s, const ferry_fieldset *fs,
	const ferry_value *values);

#endif
