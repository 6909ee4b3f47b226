/*
 * dispatch.c - the library's calls into the store: each ferry_store__NAME()
 * of store_ops.h hands its arguments to the backend the instance was
 * opened with.  Opening picks that backend from the location.
 */
#include "store.h"

#include <string.h>

/* The calls reached through the handle. */
#define FERRY_STORE_OP(ret, op, params, args) \
	ret ferry_store__##op params \
	{ \
		return db->backend->op args; \
	}
#define FERRY_STORE_VOID_OP(op, params, args) \
	void ferry_store__##op params \
	{ \
		db->backend->op args; \
	}
#define FERRY_STORE_OWN_OP(ret, op, params)
#include "store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP

/*
 * The backend that claims location.  A location in the form of an
 * address ("scheme://...") that no backend claims is refused rather
 * than taken for a file name.
 */
static const ferry_store_backend *backend_for(ferry_db *db,
	const char *location)
{
	const ferry_store_backend *const *b;
	const char *colon;

	for (b = ferry_store_backends; *b; b++)
		if ((*b)->version == FERRY_STORE_BACKEND_VERSION &&
		    (*b)->claims(location))
			return *b;
	colon = strstr(location, "://");
	ferry__error(db, FERRY_EINVALID, "'%.*s' instances are not supported by "
		"this ferry: name an instance file with --db",
		colon ? (int)(colon - location) : (int)strlen(location),
		location);
	return NULL;
}

int ferry_store__create(ferry_db *db, const char *path, const char *id,
	const char *name, const char *now)
{
	const ferry_store_backend *b = backend_for(db, path);

	if (!b)
		return FERRY_EINVALID;
	db->backend = b;
	return b->create(db, path, id, name, now);
}

int ferry_store__open(ferry_db *db, const char *path)
{
	const ferry_store_backend *b = backend_for(db, path);

	if (!b)
		return FERRY_EINVALID;
	db->backend = b;
	return b->open(db, path);
}

/* A lent function's call carries the backend that runs it. */

ferry_store_type ferry_store__arg_type(ferry_store_call *call, int i)
{
	return call->backend->arg_type(call, i);
}

const char *ferry_store__arg_text(ferry_store_call *call, int i,
	size_t *len)
{
	return call->backend->arg_text(call, i, len);
}

int64_t ferry_store__arg_int(ferry_store_call *call, int i)
{
	return call->backend->arg_int(call, i);
}

int ferry_store__arg_count(ferry_store_call *call)
{
	return call->backend->arg_count(call);
}

double ferry_store__arg_real(ferry_store_call *call, int i)
{
	return call->backend->arg_real(call, i);
}

void *ferry_store__kept(ferry_store_call *call, int i)
{
	return call->backend->kept(call, i);
}

void *ferry_store__keep(ferry_store_call *call, int i, void *p,
	void (*free_fn)(void *))
{
	return call->backend->keep(call, i, p, free_fn);
}

void ferry_store__result_int(ferry_store_call *call, int64_t v)
{
	call->backend->result_int(call, v);
}

void ferry_store__result_real(ferry_store_call *call, double v)
{
	call->backend->result_real(call, v);
}

void ferry_store__result_text(ferry_store_call *call, const char *s,
	size_t len)
{
	call->backend->result_text(call, s, len);
}

void ferry_store__result_nomem(ferry_store_call *call)
{
	call->backend->result_nomem(call);
}

/* The backends of this build. */
extern const ferry_store_backend ferry_sqlite_backend;
extern const ferry_store_backend ferry_pg_backend;

const ferry_store_backend *const ferry_store_backends[] = {
	&ferry_sqlite_backend,
	&ferry_pg_backend,
	NULL
};
