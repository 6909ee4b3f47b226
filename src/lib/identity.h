/*
 * identity.h - the one source of the system entities, the system columns
 * and the identity key of a record.
 *
 * Every list of system entities in the library is derived from the table
 * in identity.c; the identity key (the key hashed into a version, so the
 * same content hashes the same in every instance) is built only here.
 * When you add a system entity: its row in identity.c, a schema
 * migration creating its table (store/sqlite/schema.c), and its place in
 * docs/architecture.md.  The store's set-wise import checks ask the same
 * rules through the functions the library lends it (functions.c:
 * ferry_system_kind(), ferry_identity_key()).
 */
#ifndef FERRY_LIB_IDENTITY_H
#define FERRY_LIB_IDENTITY_H

#include "store/values.h"
#include "str.h"

#include <stddef.h>

/* A built-in field of a system entity. */
typedef struct {
	const char *name;
	const char *type;	/* type text, types.h */
} ferry_system_field;

/* What kind of system entity it is. */
typedef enum {
	FERRY_SYSTEM_CATALOG = 1,	/* sys_entity, sys_field: changed only
					 * by the catalog calls */
	FERRY_SYSTEM_OBJECT		/* an associated object (entity, name,
					 * definition) */
} ferry_system_kind;

/* A system entity: its name, its built-in fields, its kind. */
typedef struct {
	const char *entity;
	const ferry_system_field *fields; /* sorted by name, NULL-ended */
	ferry_system_kind kind;
} ferry_system_entity;

/* The i-th system entity in byte order of names; NULL past the last. */
const ferry_system_entity *ferry__system_entity_at(size_t i);
/* The system entity of that name, or NULL. */
const ferry_system_entity *ferry__system_entity(const char *entity);

/* 1 for a system entity, whose fields are built in. */
int ferry__is_system_entity(const char *entity);
/* 1 for sys_entity and sys_field (changed only through catalog calls). */
int ferry__is_catalog_entity(const char *entity);
/* The associated object entity of that name (its table name, static),
 * or NULL. */
const char *ferry__object_entity(const char *name);

/* The system columns of every entity table, NULL-ended. */
extern const char *const ferry__system_columns[];

/*
 * Names ferry keeps for itself.  An entity may not be named like a
 * system entity or start with ferry_ or sqlite_; a field may not take
 * the name of a system column.  Every other name, sys_script_include or
 * sys_class_name included, is an external system's real name and is
 * kept exactly.
 */
int ferry__entity_name_reserved(const char *name);
int ferry__field_name_reserved(const char *name);

/*
 * The identity key hashed into a version: the sys_id of an ordinary
 * record; the natural key of a catalog record or associated object:
 * the entity name (sys_entity), "entity.field" (sys_field),
 * "entity:name" (associated objects).  values[i] belongs to
 * fs->fields[i].
 */
void ferry__record_key(ferry_str *out, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id);
/*
 * The identity key of an item as a package carries it: the same key
 * from the item's sys_id and its canonical payload (len bytes).  An
 * ordinary record's key is its sys_id, returned as it is; another key is
 * built in buf and returned from there.  NULL when the payload does not
 * hold the members the key is made of (or buf failed).
 */
const char *ferry__payload_key(ferry_str *buf, const char *entity,
	const char *sys_id, const char *payload, size_t len);
/* The identity key of field entity.field's sys_field record. */
void ferry__field_key(ferry_str *out, const char *entity,
	const char *field);
/* The identity key of an associated object (entity, name). */
void ferry__object_key(ferry_str *out, const char *entity,
	const char *name);

/*
 * A ServiceNow field named like one of ferry's system columns
 * (sys_created_by, sys_updated_by, sys_policy; identity.h) is kept under
 * this prefix: sys_policy is field ext_sys_policy, whose sys_field
 * record names the original.  The mapping is reversible, and a record
 * that also has a real field of the mapped name is refused.
 */
#define FERRY_UPDATESET_RENAME "ext_"

/*
 * A ServiceNow field name as ferry's field name (the rename above), or
 * -1 when it cannot be one.
 */
int ferry__updateset_field_name(char out[FERRY_NAME_MAX], const char *name);

#endif
