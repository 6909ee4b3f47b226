/*
 * str.c - growable capped strings (see str.h).
 */
#include "str.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

void ferry_str_init(ferry_str *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->cap = cap;
}

static size_t str_cap(const ferry_str *s)
{
	return s->cap ? s->cap : FERRY_STR_DEFAULT_CAP;
}

int ferry_str_grow(ferry_str *s, size_t extra)
{
	size_t need, nsize;
	char *p;

	if (s->failed)
		return -1;
	if (extra > str_cap(s) || s->size > str_cap(s) - extra) {
		s->failed = 1;
		return -1;
	}
	need = s->size + extra + 1;
	if (need <= s->asize)
		return 0;
	nsize = s->asize ? s->asize : 64;
	while (nsize < need)
		nsize = nsize > ((size_t)-1) / 2 ? need : nsize * 2;
	if ((p = ferry__realloc(s->ptr, nsize)) == NULL) {
		s->failed = 1;
		return -1;
	}
	s->ptr = p;
	s->asize = nsize;
	return 0;
}

int ferry_str_put(ferry_str *s, const char *data, size_t len)
{
	if (ferry_str_grow(s, len) < 0)
		return -1;
	if (len)
		memcpy(s->ptr + s->size, data, len);
	s->size += len;
	s->ptr[s->size] = '\0';
	return 0;
}

int ferry_str_puts(ferry_str *s, const char *text)
{
	return ferry_str_put(s, text, strlen(text));
}

int ferry_str_putc(ferry_str *s, char c)
{
	return ferry_str_put(s, &c, 1);
}

int ferry_str_vprintf(ferry_str *s, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (s->failed)
		return -1;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || ferry_str_grow(s, (size_t)n) < 0) {
		s->failed = 1;
		return -1;
	}
	vsnprintf(s->ptr + s->size, (size_t)n + 1, fmt, ap);
	s->size += (size_t)n;
	return 0;
}

int ferry_str_printf(ferry_str *s, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ferry_str_vprintf(s, fmt, ap);
	va_end(ap);
	return rc;
}

int ferry_str_put_i64(ferry_str *s, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	/* Negated as unsigned: INT64_MIN has no positive int64_t. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return ferry_str_put(s, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * The escaping is fixed: it is part of the canonical payload form that
 * version hashes are computed over, so it must never change.  Only '"',
 * '\\' and control characters are escaped; other bytes, UTF-8 included,
 * are copied as they are.
 */
int ferry_str_put_json(ferry_str *s, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	ferry_str_putc(s, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		const char *esc = NULL;
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ferry_str_put(s, text + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
			esc = u;
		}
		ferry_str_puts(s, esc);
	}
	ferry_str_put(s, text + run, len - run);
	return ferry_str_putc(s, '"');
}

int ferry_str_puts_json(ferry_str *s, const char *text)
{
	return ferry_str_put_json(s, text, strlen(text));
}

/* Checklist: what ferry_str_put_json() escapes, and how, is what this
 * accepts; change the two together. */
size_t ferry_str_json_escape_len(const char *text, size_t len, size_t i)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned v;

	if (i + 1 >= len)
		return 0;
	if (s[i + 1] != 'u')
		return strchr("\"\\nrtbf", s[i + 1]) && s[i + 1] ? 2 : 0;
	/* "u00XX", lowercase, only for controls without a short form */
	if (i + 5 >= len || s[i + 2] != '0' || s[i + 3] != '0' ||
	    (s[i + 4] != '0' && s[i + 4] != '1') ||
	    !strchr("0123456789abcdef", s[i + 5]) || !s[i + 5])
		return 0;
	v = (unsigned)(s[i + 4] - '0') * 16 + (unsigned)(s[i + 5] <= '9' ?
		s[i + 5] - '0' : s[i + 5] - 'a' + 10);
	return v && strchr("\b\t\n\f\r", (int)v) ? 0 : 6;
}

void ferry_str_clear(ferry_str *s)
{
	s->size = 0;
	s->failed = 0;
	if (s->ptr)
		s->ptr[0] = '\0';
}

void ferry_str_truncate(ferry_str *s, size_t len)
{
	if (len < s->size) {
		s->size = len;
		s->ptr[len] = '\0';
	}
}

const char *ferry_str_cstr(const ferry_str *s)
{
	return s->ptr && !s->failed ? s->ptr : "";
}

int ferry_str_failed(const ferry_str *s)
{
	return s->failed;
}

char *ferry_str_detach(ferry_str *s)
{
	char *p = s->failed ? NULL : s->ptr;

	if (!p)
		p = ferry__strdup("");
	else
		s->ptr = NULL;
	ferry_str_dispose(s);
	return p;
}

void ferry_str_dispose(ferry_str *s)
{
	size_t cap = s->cap;

	ferry__free(s->ptr);
	memset(s, 0, sizeof(*s));
	s->cap = cap;
}
