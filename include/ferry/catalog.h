/*
 * ferry/catalog.h - entities (tables defined by metadata) and their fields.
 *
 * Every entity is a real SQL table.  Entity and field definitions are
 * records of the system entities sys_entity and sys_field, so each change
 * writes a version and is captured into the actor's current pack.
 *
 * Field types: nvarchar(n), nchar(n), int, bigint, decimal(p,s), bool,
 * date, datetime, text, json, ref(ENTITY).  Names are lowercase SQL
 * identifiers; names starting with sys_, ferry_ or sqlite_ are reserved.
 */
#ifndef FERRY_CATALOG_H
#define FERRY_CATALOG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an entity and its table (admins only).
 * @return 0, FERRY_EINVALID (bad name), FERRY_EEXISTS, FERRY_EDENIED
 */
int ferry_entity_create(ferry_db *db, const char *name, const char *display,
	const char *description);

/** Entities: [{name, display, description, fields}] (fields: a count). */
int ferry_entity_list(ferry_buf *out, ferry_db *db);

/**
 * One entity: {name, display, description, fields:[{name, type, display,
 * description, default}]}.  FERRY_ENOTFOUND for an unknown entity.
 */
int ferry_entity_show(ferry_buf *out, ferry_db *db, const char *name);

/**
 * Add a field (admins only): a new column of the entity's table.
 * @param type e.g. "nvarchar(40)"; display, description, default may be NULL
 * @return 0, FERRY_ENOTFOUND, FERRY_EINVALID, FERRY_EEXISTS, FERRY_EDENIED
 */
int ferry_field_add(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value);

/**
 * Change a field (admins only); NULL arguments keep what is there.  A new
 * type must hold every existing value (FERRY_ECONFLICT otherwise).
 */
int ferry_field_set(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value);

/** Drop a field and its column (admins only). */
int ferry_field_drop(ferry_db *db, const char *entity, const char *field);

#ifdef __cplusplus
}
#endif

#endif
