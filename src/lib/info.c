/*
 * info.c - what this libferry is: its version and the versions of the
 * libraries it was built against and runs with (ferry --version), so a
 * bug report can say exactly which SQLite, jansson, zstd and libsodium
 * were in play.
 */
#include "db.h"

#include "store/store.h"

#include <jansson.h>
#include <sodium.h>
#include <zstd.h>

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.0.0"
#endif

static void library(ferry_str *s, const char *name, const char *built,
	const char *running, int first)
{
	ferry_str_puts(s, first ? "{\"name\":" : ",{\"name\":");
	ferry_str_puts_json(s, name);
	ferry_str_puts(s, ",\"built\":");
	ferry_str_puts_json(s, built);
	ferry_str_puts(s, ",\"running\":");
	ferry_str_puts_json(s, running);
	ferry_str_putc(s, '}');
}

int ferry_build_info(ferry_buf *out)
{
	ferry_str s = FERRY_STR_INIT;
	const ferry_store_backend *const *b;
	const char *built, *running;

	FERRY_ASSERT_ARG(out);
	ferry_str_puts(&s, "{\"version\":");
	ferry_str_puts_json(&s, FERRY_VERSION);
	ferry_str_puts(&s, ",\"libraries\":[");
	/* The stores' client libraries first. */
	for (b = ferry_store_backends; *b; b++) {
		(*b)->library_versions(&built, &running);
		library(&s, (*b)->library, built, running,
			b == ferry_store_backends);
	}
	library(&s, "jansson", JANSSON_VERSION, jansson_version_str(), 0);
	library(&s, "zstd", ZSTD_VERSION_STRING, ZSTD_versionString(), 0);
	library(&s, "libsodium", SODIUM_VERSION_STRING,
		sodium_version_string(), 0);
	ferry_str_puts(&s, "]}");
	if (ferry_str_failed(&s)) {
		ferry_str_dispose(&s);
		return FERRY_ENOMEM;
	}
	ferry_buf_dispose(out);
	out->size = s.size;
	out->reserved = s.asize;
	out->ptr = ferry_str_detach(&s);
	return out->ptr ? 0 : FERRY_ENOMEM;
}
