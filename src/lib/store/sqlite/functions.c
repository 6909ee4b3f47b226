/*
 * functions.c - the SQLite store's side of the functions the library
 * lends it (store.h, "functions the library lends the store"): each
 * becomes an SQL function whose arguments and result pass through a
 * ferry_store_call, so the library's callbacks never see SQLite.  The
 * rules themselves (name checks, canonical JSON, type fits, version
 * hashes, ...) are the library's (src/lib/functions.c).
 */
#include "sq.h"

#include "alloc.h"

/* A call as SQLite hands it over (ferry_store_call.impl). */
typedef struct {
	sqlite3_context *ctx;
	int argc;
	sqlite3_value **argv;
} sq_call;

static sq_call *of(ferry_store_call *c)
{
	return c->impl;
}

/* A registered function: the library's entry and the backend that runs
 * it (the instance's, so that the call's ferry_store__arg_*() find it). */
typedef struct {
	const ferry_store_function *f;
	const ferry_store_backend *backend;
} sq_function;

/* Every lent function enters here. */
static void call(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sq_function *fn = sqlite3_user_data(ctx);
	sq_call sq = { ctx, argc, argv };
	ferry_store_call c = { fn->backend, &sq };

	fn->f->fn(&c);
}

int ferry_sqlite__functions(ferry_db *db, const ferry_store_function *fns,
	size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		sq_function *fn = ferry__malloc(sizeof(*fn));

		if (!fn)
			return ferry__oom(db);
		fn->f = &fns[i];
		fn->backend = db->backend;
		/* SQLite frees fn with the function, or at once on failure. */
		rc = sqlite3_create_function_v2(SQ(db)->conn, fns[i].name,
			fns[i].nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
			fn, call, NULL, NULL, ferry__free);
		if (rc != SQLITE_OK)
			return ferry_sq__error(db, rc, "registering functions");
	}
	return 0;
}

int ferry_sqlite__arg_count(ferry_store_call *c)
{
	return of(c)->argc;
}

ferry_store_type ferry_sqlite__arg_type(ferry_store_call *c, int i)
{
	switch (sqlite3_value_type(of(c)->argv[i])) {
	case SQLITE_INTEGER: return FERRY_STORE_INT;
	case SQLITE_FLOAT: return FERRY_STORE_REAL;
	case SQLITE_TEXT: return FERRY_STORE_TEXT;
	case SQLITE_BLOB: return FERRY_STORE_BLOB;
	default: return FERRY_STORE_NULL;
	}
}

const char *ferry_sqlite__arg_text(ferry_store_call *c, int i, size_t *len)
{
	const char *s = (const char *)sqlite3_value_text(of(c)->argv[i]);

	/* The length after the text: value_text() may convert it. */
	*len = s ? (size_t)sqlite3_value_bytes(of(c)->argv[i]) : 0;
	return s;
}

int64_t ferry_sqlite__arg_int(ferry_store_call *c, int i)
{
	return sqlite3_value_int64(of(c)->argv[i]);
}

double ferry_sqlite__arg_real(ferry_store_call *c, int i)
{
	return sqlite3_value_double(of(c)->argv[i]);
}

void *ferry_sqlite__kept(ferry_store_call *c, int i)
{
	return sqlite3_get_auxdata(of(c)->ctx, i);
}

void *ferry_sqlite__keep(ferry_store_call *c, int i, void *p,
	void (*free_fn)(void *))
{
	/* SQLite frees p at once when it cannot keep it. */
	sqlite3_set_auxdata(of(c)->ctx, i, p, free_fn);
	return sqlite3_get_auxdata(of(c)->ctx, i);
}

void ferry_sqlite__result_int(ferry_store_call *c, int64_t v)
{
	sqlite3_result_int64(of(c)->ctx, v);
}

void ferry_sqlite__result_real(ferry_store_call *c, double v)
{
	sqlite3_result_double(of(c)->ctx, v);
}

void ferry_sqlite__result_text(ferry_store_call *c, const char *s,
	size_t len)
{
	sqlite3_result_text64(of(c)->ctx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void ferry_sqlite__result_nomem(ferry_store_call *c)
{
	sqlite3_result_error_nomem(of(c)->ctx);
}
