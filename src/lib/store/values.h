/*
 * values.h - the shapes of field types, fields and stored values, and
 * the enums of policy, action, pack state and scope, which the rules
 * and the store both handle.
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
 * The library's words as enums.  The file format, SQL and JSON keep the
 * strings; each enum is converted to and from its string in one place,
 * its table in values.c (ferry_<enum>_name(), ferry_<enum>_parse()).
 * The order of each enum is the order of its table: update both.
 */

/* A record's protection policy (docs/architecture.md). */
typedef enum {
	FERRY_POLICY_OPEN = 0,
	FERRY_POLICY_CHANGED,
	FERRY_POLICY_PROTECTED
} ferry_policy;

/* What a version did to its record: a package item's action. */
typedef enum {
	FERRY_ACTION_INSERT = 0,
	FERRY_ACTION_UPDATE,
	FERRY_ACTION_DELETE
} ferry_action;

/* A local pack's state. */
typedef enum {
	FERRY_PACK_IN_PROGRESS = 0,
	FERRY_PACK_COMPLETED
} ferry_pack_state;

/* Which fields of an import's entity: as the package declares them, or
 * as the target will have them after the commit. */
typedef enum {
	FERRY_SCOPE_PACKAGE = 0,
	FERRY_SCOPE_TARGET = 1
} ferry_scope;

/* The string of each value (static). */
const char *ferry_policy_name(ferry_policy p);
const char *ferry_action_name(ferry_action a);
const char *ferry_pack_state_name(ferry_pack_state s);
/* The value of a string: 0, or -1 when text is none of them. */
int ferry_policy_parse(ferry_policy *out, const char *text);
int ferry_action_parse(ferry_action *out, const char *text);
int ferry_pack_state_parse(ferry_pack_state *out, const char *text);

#endif
