/*
 * dynlib.h - a shared library loaded when first needed, its functions
 * reached through pointers.
 *
 * ferry links what every run needs.  libpq (the PostgreSQL store),
 * libmicrohttpd (ferry serve) and libxml2 (update sets, Aptify packs)
 * bring some twenty libraries between them -- TLS, Kerberos, LDAP, ICU
 * -- whose loading cost every run of ferry more than a small command's
 * whole work, for what most runs never use.  Their users load them
 * through this (src/lib/store/postgres/pq.h, src/server/mhd.h,
 * src/lib/xml.h), each keeping a table of function pointers that its
 * header's macros call by the functions' usual names.
 */
#ifndef FERRY_UTIL_DYNLIB_H
#define FERRY_UTIL_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

/* A function (or variable) to find by name, and where to put its
 * address. */
typedef struct {
	const char *name;
	void **slot;
} ferry_dl_symbol;

/* A library to load, and how loading it went. */
typedef struct {
	const char *soname;	/* "libpq.so.5" */
	const char *what;	/* for messages: "PostgreSQL's client library" */
	const char *package;	/* the Debian package that installs it */
	const ferry_dl_symbol *syms;
	size_t n;
	pthread_mutex_t lock;	/* PTHREAD_MUTEX_INITIALIZER */
	int state;		/* 0 not tried, 1 loaded, -1 failed */
	char failure[320];
} ferry_dl_lib;

/*
 * Load lib and fill its slots, the first time only (the library stays
 * loaded until exit); safe from several threads.  0, or -1 with *why (if
 * why is not NULL) saying which library could not be loaded or which
 * function it lacks, and what to install.
 */
int ferry_dl_load(ferry_dl_lib *lib, const char **why);

#endif
