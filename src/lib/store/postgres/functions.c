/*
 * functions.c - the PostgreSQL store's side of the functions the library
 * lends it (store.h, "functions the library lends the store").  The
 * server cannot run ferry's C, so the backend runs a lent function on
 * the client over values it has read (ferry_pg__call()), and writes the
 * results back in its statements: the rule is the library's, as on
 * SQLite, only the place it runs differs.
 */
#include "pg.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* A kept value of one argument, as SQLite's auxiliary data. */
typedef struct {
	void *p;
	void (*free_fn)(void *);
} pg_kept;

/* A call run on the client (ferry_store_call.impl). */
typedef struct {
	int argc;
	const char *const *argv;
	ferry_str *out;
	size_t start;		/* out's length before the call */
	int result;		/* 0 none (NULL), 1 text, -1 out of memory */
	pg_kept kept[4];
	const ferry_store_type *types;	/* per argument, or NULL: guess */
} pg_call;

static pg_call *of(ferry_store_call *c)
{
	return c->impl;
}

int ferry_pg__functions(ferry_db *db, const ferry_store_function *fns,
	size_t n)
{
	PG(db)->fns = fns;
	PG(db)->nfns = n;
	return 0;
}

int ferry_pg__call_typed(ferry_db *db, const char *name, int n,
	const char *const *args, const ferry_store_type *types,
	ferry_str *out, int *is_null);

int ferry_pg__call(ferry_db *db, const char *name, int n,
	const char *const *args, ferry_str *out, int *is_null)
{
	return ferry_pg__call_typed(db, name, n, args, NULL, out, is_null);
}

int ferry_pg__call_typed(ferry_db *db, const char *name, int n,
	const char *const *args, const ferry_store_type *types,
	ferry_str *out, int *is_null)
{
	pg_call pc = { n, args, out, out->size, 0, { { NULL, NULL } }, types };
	ferry_store_call c = { db->backend, &pc };
	size_t i;

	for (i = 0; i < PG(db)->nfns; i++)
		if (!strcmp(PG(db)->fns[i].name, name) &&
		    PG(db)->fns[i].nargs == n)
			break;
	if (i == PG(db)->nfns)
		return ferry__error(db, FERRY_ERROR, "the PostgreSQL store "
			"needs the function %s, which was not lent", name);
	PG(db)->fns[i].fn(&c);
	for (i = 0; i < sizeof(pc.kept) / sizeof(pc.kept[0]); i++)
		if (pc.kept[i].p && pc.kept[i].free_fn)
			pc.kept[i].free_fn(pc.kept[i].p);
	if (pc.result < 0 || ferry_str_failed(out))
		return ferry__oom(db);
	if (is_null)
		*is_null = pc.result == 0;
	return 0;
}

int ferry_pg__arg_count(ferry_store_call *c)
{
	return of(c)->argc;
}

/* Arguments come as text, or as the types the caller gave. */
ferry_store_type ferry_pg__arg_type(ferry_store_call *c, int i)
{
	if (!of(c)->argv[i])
		return FERRY_STORE_NULL;
	if (of(c)->types && of(c)->types[i] != FERRY_STORE_NULL)
		return of(c)->types[i];
	/* Text unless the caller says otherwise: a sys_id of digits or a
	 * string "nan" is text, never a number guessed from its look. */
	return FERRY_STORE_TEXT;
}

const char *ferry_pg__arg_text(ferry_store_call *c, int i, size_t *len)
{
	const char *s = of(c)->argv[i];

	*len = s ? strlen(s) : 0;
	return s;
}

int64_t ferry_pg__arg_int(ferry_store_call *c, int i)
{
	const char *s = of(c)->argv[i];

	return s ? strtoll(s, NULL, 10) : 0;
}

double ferry_pg__arg_real(ferry_store_call *c, int i)
{
	const char *s = of(c)->argv[i];

	return s ? strtod(s, NULL) : 0;
}

/* A call on the client is one row: nothing outlives it. */
void *ferry_pg__kept(ferry_store_call *c, int i)
{
	(void)c;
	(void)i;
	return NULL;
}

void *ferry_pg__keep(ferry_store_call *c, int i, void *p,
	void (*free_fn)(void *))
{
	pg_call *pc = of(c);

	if (i < 0 || (size_t)i >= sizeof(pc->kept) / sizeof(pc->kept[0]) ||
	    pc->kept[i].p) {
		if (free_fn)
			free_fn(p);
		return NULL;
	}
	pc->kept[i].p = p;
	pc->kept[i].free_fn = free_fn;
	return p;
}

void ferry_pg__result_int(ferry_store_call *c, int64_t v)
{
	ferry_str_truncate(of(c)->out, of(c)->start);
	ferry_str_printf(of(c)->out, "%lld", (long long)v);
	of(c)->result = 1;
}

void ferry_pg__result_real(ferry_store_call *c, double v)
{
	/* As many digits as give the same double back. */
	ferry_str_truncate(of(c)->out, of(c)->start);
	ferry_str_printf(of(c)->out, "%.17g", v);
	of(c)->result = 1;
}

void ferry_pg__result_text(ferry_store_call *c, const char *s, size_t len)
{
	ferry_str_truncate(of(c)->out, of(c)->start);
	ferry_str_put(of(c)->out, s, len);
	of(c)->result = 1;
}

void ferry_pg__result_nomem(ferry_store_call *c)
{
	of(c)->result = -1;
}
