/*
 * functions.c - the SQLite store's side of the functions the library
 * lends it (store.h, "functions the library lends the store"): each
 * becomes an SQL function whose arguments and result pass through a
 * ferry_store_call, so the library's callbacks never see SQLite.  The
 * rules themselves (name checks, canonical JSON, type fits, version
 * hashes, ...) are the library's (src/lib/functions.c).
 */
#include "sq.h"

struct ferry_store_call {
	sqlite3_context *ctx;
	int argc;
	sqlite3_value **argv;
};

/* Every lent function enters here; the table entry is its user data. */
static void call(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const ferry_store_function *f = sqlite3_user_data(ctx);
	ferry_store_call c;

	c.ctx = ctx;
	c.argc = argc;
	c.argv = argv;
	f->fn(&c);
}

int ferry_store__functions(ferry_db *db, const ferry_store_function *fns,
	size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = sqlite3_create_function_v2(db->store->conn, fns[i].name,
			fns[i].nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
			(void *)&fns[i], call, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return ferry_sq__error(db, rc, "registering functions");
	}
	return 0;
}

ferry_store_type ferry_store__arg_type(ferry_store_call *c, int i)
{
	switch (sqlite3_value_type(c->argv[i])) {
	case SQLITE_INTEGER: return FERRY_STORE_INT;
	case SQLITE_FLOAT: return FERRY_STORE_REAL;
	case SQLITE_TEXT: return FERRY_STORE_TEXT;
	case SQLITE_BLOB: return FERRY_STORE_BLOB;
	default: return FERRY_STORE_NULL;
	}
}

const char *ferry_store__arg_text(ferry_store_call *c, int i, size_t *len)
{
	const char *s = (const char *)sqlite3_value_text(c->argv[i]);

	/* The length after the text: value_text() may convert it. */
	*len = s ? (size_t)sqlite3_value_bytes(c->argv[i]) : 0;
	return s;
}

int64_t ferry_store__arg_int(ferry_store_call *c, int i)
{
	return sqlite3_value_int64(c->argv[i]);
}

double ferry_store__arg_real(ferry_store_call *c, int i)
{
	return sqlite3_value_double(c->argv[i]);
}

void *ferry_store__kept(ferry_store_call *c, int i)
{
	return sqlite3_get_auxdata(c->ctx, i);
}

void *ferry_store__keep(ferry_store_call *c, int i, void *p,
	void (*free_fn)(void *))
{
	/* SQLite frees p at once when it cannot keep it. */
	sqlite3_set_auxdata(c->ctx, i, p, free_fn);
	return sqlite3_get_auxdata(c->ctx, i);
}

void ferry_store__result_int(ferry_store_call *c, int64_t v)
{
	sqlite3_result_int64(c->ctx, v);
}

void ferry_store__result_text(ferry_store_call *c, const char *s,
	size_t len)
{
	sqlite3_result_text64(c->ctx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void ferry_store__result_nomem(ferry_store_call *c)
{
	sqlite3_result_error_nomem(c->ctx);
}
