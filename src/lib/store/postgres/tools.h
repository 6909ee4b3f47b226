/*
 * tools.h - running PostgreSQL's client programs (pg_dump, pg_restore,
 * psql) for the backups: found on PATH or in Debian's versioned folders,
 * reaching the instance's server as its connection does, without a
 * password on any command line.
 */
#ifndef FERRY_STORE_PG_TOOLS_H
#define FERRY_STORE_PG_TOOLS_H

#include "pg.h"

#include <stdio.h>
#include <sys/types.h>

/* A client program started by ferry_pg__tool_start(). */
typedef struct {
	const char *name;
	pid_t pid;
	FILE *err;		/* its stderr, read once it has ended */
} ferry_pg_tool;

/*
 * Start the program `name` with args (NULL-terminated), stdin from in
 * and stdout to out (-1: /dev/null), stderr kept aside.  With connect,
 * "--dbname=..." names the instance's database as the open connection
 * reaches it; its password, if it used one, goes in the environment
 * (PGPASSWORD), never on the command line.  0, or the error set.
 */
int ferry_pg__tool_start(ferry_db *db, ferry_pg_tool *t, const char *name,
	const char *const *args, int in, int out, int connect);

/*
 * Wait for t to end.  0 when it exited with 0; else -1 with why it
 * failed in why (its error line, or how it ended).
 */
int ferry_pg__tool_wait(ferry_pg_tool *t, ferry_str *why);

#endif
