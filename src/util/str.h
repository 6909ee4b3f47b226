/*
 * str.h - growable strings with a size cap and sticky failure.
 *
 * A ferry_str grows as text is appended.  When an append would need memory
 * that cannot be had, or would pass the string's cap, the string becomes
 * failed: every later append is a no-op and ferry_str_failed() says so, so
 * a builder checks once at the end instead of after every call.  The cap
 * keeps hostile input (a pack file with a gigabyte line) from exhausting
 * memory.  The content is always NUL-terminated when not failed.
 */
#ifndef FERRY_UTIL_STR_H
#define FERRY_UTIL_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *ptr;	/* content, NUL-terminated; NULL until first append */
	size_t size;	/* bytes used, without the NUL */
	size_t asize;	/* bytes allocated */
	size_t cap;	/* largest size allowed; 0 means FERRY_STR_DEFAULT_CAP */
	int failed;	/* set once an append failed; sticky until cleared */
} ferry_str;

#define FERRY_STR_DEFAULT_CAP ((size_t)1 << 30)
#define FERRY_STR_INIT { NULL, 0, 0, 0, 0 }

void ferry_str_init(ferry_str *s, size_t cap);
int ferry_str_put(ferry_str *s, const char *data, size_t len);
int ferry_str_puts(ferry_str *s, const char *text);
int ferry_str_putc(ferry_str *s, char c);
int ferry_str_printf(ferry_str *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ferry_str_vprintf(ferry_str *s, const char *fmt, va_list ap);
/* Append v in decimal, as "%" PRId64 would, without printf's cost. */
int ferry_str_put_i64(ferry_str *s, int64_t v);
/* Append text as a JSON string literal, quotes included. */
int ferry_str_put_json(ferry_str *s, const char *text, size_t len);
int ferry_str_puts_json(ferry_str *s, const char *text);
/*
 * The length of the escape sequence at text[i] (a backslash) when it is
 * the one ferry_str_put_json() writes for its character, else 0: 2 for
 * a short form (backslash n), 6 for a control without one (backslash
 * u001f), 0 for any other (backslash u000a, backslash slash).
 */
size_t ferry_str_json_escape_len(const char *text, size_t len, size_t i);
/* Make room for at least `extra` more bytes. */
int ferry_str_grow(ferry_str *s, size_t extra);
/* Empty the string, keeping its memory and clearing failure. */
void ferry_str_clear(ferry_str *s);
void ferry_str_truncate(ferry_str *s, size_t len);
/* The content; "" for an empty string.  Borrowed. */
const char *ferry_str_cstr(const ferry_str *s);
int ferry_str_failed(const ferry_str *s);
/* Hand the content to the caller (free with ferry__free); s is reset. */
char *ferry_str_detach(ferry_str *s);
void ferry_str_dispose(ferry_str *s);

#endif
