/*
 * sqltext.h - statements whose text is built at run time (entity tables
 * and their columns, named with ferry_pg__ident()): run a built text
 * once it is known to be whole, and let the text go either way.
 */
#ifndef FERRY_STORE_PG_SQLTEXT_H
#define FERRY_STORE_PG_SQLTEXT_H

#include "pg.h"

/* Run sql (DDL, no parameters) with ferry_pg__exec(); disposes sql. */
int ferry_pg__exec_str(ferry_db *db, ferry_str *sql);
/* ferry_pg__query() of sql's text; disposes sql. */
int ferry_pg__query_str(ferry_db *db, ferry_str *sql, int n,
	const char *const *params, PGresult **out, const char *what);

#endif
