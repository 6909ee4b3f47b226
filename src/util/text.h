/*
 * text.h - small text checks used wherever input arrives: UTF-8 validity
 * and length in characters, SQL identifiers, UUIDs, decimal numbers.
 */
#ifndef FERRY_UTIL_TEXT_H
#define FERRY_UTIL_TEXT_H

#include <stddef.h>

/* 1 if the len bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing past U+10FFFF), else 0. */
int ferry_utf8_valid(const char *s, size_t len);
/* Bytes of the well-formed UTF-8 character at s (at most len bytes
 * long), or 0 when there is none: for showing or keeping what is UTF-8
 * in text that may not all be. */
size_t ferry_utf8_seq(const char *s, size_t len);
/* Number of characters in well-formed UTF-8 text. */
size_t ferry_utf8_length(const char *s, size_t len);

#define FERRY_IDENT_MAX 63

/*
 * 1 if name is an identifier ferry accepts for entities and fields:
 * a letter, then letters, digits and '_', at most FERRY_IDENT_MAX bytes,
 * all lowercase ASCII.  Nothing else may reach SQL as a name.
 */
int ferry_ident_valid(const char *name);
/* The same for the len bytes at name (a key inside JSON text). */
int ferry_ident_valid_len(const char *name, size_t len);
/* 1 if s is exactly n lowercase hex digits (a hash: n = 64). */
int ferry_hex_valid(const char *s, size_t n);

/* 1 if s is a UUID in canonical lowercase 8-4-4-4-12 form. */
int ferry_uuid_valid(const char *s);
/*
 * 1 if s is a record identity ferry accepts as a sys_id: a UUID as above,
 * or 32 lowercase hex digits (ServiceNow's sys_id form).  Either is kept
 * exactly as given; the two forms never equal each other, so no id is
 * rewritten and none can collide with another's rewriting.
 */
int ferry_sys_id_valid(const char *s);
/* The longest sys_id, in bytes (a UUID). */
#define FERRY_SYS_ID_MAX 36
/* Write a random (version 4) UUID into out (37 bytes). */
void ferry_uuid_new(char out[37]);

/*
 * Normalise a decimal literal to `scale` fraction digits and check it fits
 * decimal(precision, scale).  Writes the normal form ("-12.50") to out.
 * Returns 0, or -1 if text is not a number or does not fit.
 */
int ferry_decimal_normalize(char *out, size_t outlen, const char *text,
	int precision, int scale);

#endif
