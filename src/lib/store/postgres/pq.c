/*
 * pq.c - loading libpq (pq.h says why it is not linked).
 */
#define FERRY_PQ_LOADER
#include "pq.h"

#include "dynlib.h"

ferry_pq_api ferry_pq;

/* (the object-pointer view of each function pointer that POSIX gives
 * dlsym's result) */
static const ferry_dl_symbol syms[] = {
#define SYMBOL(f) { #f, (void **)&ferry_pq.f },
	FERRY_PQ_FUNCTIONS(SYMBOL)
#undef SYMBOL
};

static ferry_dl_lib lib = { "libpq.so.5", "PostgreSQL's client library",
	"libpq5", syms, sizeof(syms) / sizeof(*syms),
	PTHREAD_MUTEX_INITIALIZER, 0, "" };

int ferry_pq__load(const char **why)
{
	return ferry_dl_load(&lib, why);
}
