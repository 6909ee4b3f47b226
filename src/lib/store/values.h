/*
 * values.h - the shapes of field types, fields and stored values, which
 * the rules (types.c) and the store both handle.
 *
 * Only the data and its containers live here; what a type means (parsing
 * "nvarchar(40)", checking and converting values, the canonical form)
 * is types.h's.  The store reads fields and values from its tables into
 * these shapes and writes them back, without applying any rule.
 */
#ifndef FERRY_STORE_VALUES_H
#define FERRY_STORE_VALUES_H

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

typedef struct {
	ferry_type_base base;
	int size;		/* n of nvarchar/nchar, p of decimal */
	int scale;		/* s of decimal */
	char ref[FERRY_NAME_MAX]; /* target entity of ref() */
} ferry_type;

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

#endif
