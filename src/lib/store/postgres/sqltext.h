/*
 * sqltext.h - statements whose text is built at run time (entity tables
 * and their columns, named with ferry_pg__ident()): run a built text
 * once it is known to be whole, and let the text go either way.
 */
#ifndef FERRY_STORE_PG_SQLTEXT_H
#define FERRY_STORE_PG_SQLTEXT_H

#include "pg.h"

/*
 * Append the table of an entity, schema and all ("ferry"."member"): the
 * search path has only the instance's schema, and PostgreSQL searches
 * its own catalog before it, so an entity named like one of its tables
 * (pg_type) must be named with its schema.
 */
void ferry_pg__table(ferry_str *s, const char *entity);
/* Run sql (DDL, no parameters) with ferry_pg__exec(); disposes sql. */
int ferry_pg__exec_str(ferry_db *db, ferry_str *sql);
/* ferry_pg__query() of sql's text; disposes sql. */
int ferry_pg__query_str(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, PGresult **out, const char *what);

#endif
