/*
 * mhd.c - loading libmicrohttpd (mhd.h says why it is not linked).
 */
#define SRV_MHD_LOADER
#include "mhd.h"

#include "dynlib.h"

srv_mhd_api srv_mhd;

/* (the object-pointer view of each function pointer that POSIX gives
 * dlsym's result) */
static const ferry_dl_symbol syms[] = {
#define SYMBOL(f) { #f, (void **)&srv_mhd.f },
	SRV_MHD_FUNCTIONS(SYMBOL)
#undef SYMBOL
};

static ferry_dl_lib lib = { "libmicrohttpd.so.12", "the HTTP server library",
	"libmicrohttpd12", syms, sizeof(syms) / sizeof(*syms),
	PTHREAD_MUTEX_INITIALIZER, 0, "" };

int srv_mhd_load(const char **why)
{
	return ferry_dl_load(&lib, why);
}
