/*
 * handle.c - the handle's error state: recording the last error, the
 * one out-of-memory answer, misuse (store/handle.h).
 */
#include "handle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef NDEBUG
static int misuse_abort = 0;
#else
static int misuse_abort = 1;
#endif

int ferry__error(ferry_db *db, int code, const char *fmt, ...)
{
	va_list ap;

	ferry_str_clear(&db->errmsg);
	va_start(ap, fmt);
	ferry_str_vprintf(&db->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

void ferry__error_clear(ferry_db *db)
{
	ferry_str_clear(&db->errmsg);
}

int ferry__oom(ferry_db *db)
{
	return ferry__error(db, FERRY_ENOMEM, "out of memory");
}

int ferry__misuse(const char *func, const char *what)
{
	if (misuse_abort) {
		fprintf(stderr, "ferry: misuse of the library in %s(): "
			"%s does not hold\n", func, what);
		abort();
	}
	return FERRY_EMISUSE;
}

int ferry__misuse_abort(int on)
{
	int was = misuse_abort;

	misuse_abort = on;
	return was;
}
