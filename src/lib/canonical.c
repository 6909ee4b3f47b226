/*
 * canonical.c - walking canonical JSON objects (see canonical.h).
 */
#include "canonical.h"

#include "alloc.h"
#include "text.h"

#include <jansson.h>
#include <string.h>

int ferry_canon__begin(ferry_canon_iter *it, const char *text, size_t len)
{
	if (len < 2 || text[0] != '{' || text[len - 1] != '}')
		return -1;
	it->p = text + 1;
	it->end = text + len - 1;
	return 0;
}

/* Skip one JSON string starting at its opening quote.  A quote ends it
 * unless an odd run of backslashes stands before it; memchr finds the
 * quotes, since most of a payload's bytes lie inside strings. */
static const char *skip_string(const char *p, const char *end)
{
	const char *q = p + 1, *b;

	while (q < end && (q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		for (b = q; b > p + 1 && b[-1] == '\\'; b--)
			;
		if (((q - b) & 1) == 0)
			return q + 1;
		q++;
	}
	return NULL;
}

/* Skip one JSON value of canonical (compact) text. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return NULL;
	do {
		if (p >= end)
			return NULL;
		switch (*p) {
		case '"':
			if ((p = skip_string(p, end)) == NULL)
				return NULL;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth < 0)
				return NULL;
			break;
		case ',':
		case ':':
			if (depth == 0)
				return NULL;
			break;
		default:
			/* numbers, true, false, null: up to a delimiter */
			if (depth == 0) {
				while (p < end && *p != ',' && *p != '}' &&
				    *p != ']')
					p++;
				return p;
			}
		}
		p++;
	} while (depth > 0);
	return p;
}

int ferry_canon__next(ferry_canon_iter *it, ferry_canon_member *m)
{
	const char *p = it->p, *q;

	if (p >= it->end)
		return 0;
	if (*p == ',')
		p++;
	if (p >= it->end || *p != '"' ||
	    (q = skip_string(p, it->end)) == NULL || q >= it->end || *q != ':')
		return -1;
	m->key = p + 1;
	m->key_len = (size_t)(q - p - 2);
	p = q + 1;
	if ((q = skip_value(p, it->end)) == NULL || q == p)
		return -1;
	m->value = p;
	m->value_len = (size_t)(q - p);
	if (q < it->end && *q != ',')
		return -1;
	it->p = q;
	return 1;
}

/* Byte order of two keys of their own lengths. */
static int bytes_cmp(const char *a, size_t a_len, const char *b,
	size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);

	if (c)
		return c;
	return a_len < b_len ? -1 : a_len > b_len;
}

static int key_cmp(const ferry_canon_member *a, const ferry_canon_member *b)
{
	return bytes_cmp(a->key, a->key_len, b->key, b->key_len);
}

static void put_member(ferry_str *out, int *first, const ferry_canon_member *k,
	const char *value, size_t len)
{
	ferry_str_putc(out, *first ? '{' : ',');
	*first = 0;
	ferry_str_putc(out, '"');
	ferry_str_put(out, k->key, k->key_len);
	ferry_str_puts(out, "\":");
	ferry_str_put(out, value, len);
}

int ferry_canon__has_members(const char *text, size_t len, size_t n,
	const char *const *names, const size_t *name_lens,
	const char *const *values, const size_t *value_lens)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	size_t i;
	int more, c = 1;

	if (ferry_canon__begin(&it, text, len) < 0 ||
	    (more = ferry_canon__next(&it, &m)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* The members before names[i]: not asked about. */
		while (more > 0 && (c = bytes_cmp(m.key, m.key_len, names[i],
		    name_lens[i])) < 0)
			if ((more = ferry_canon__next(&it, &m)) < 0)
				return -1;
		if (more > 0 && c == 0) {
			if (m.value_len != value_lens[i] ||
			    memcmp(m.value, values[i], m.value_len) != 0)
				return 0;
			if ((more = ferry_canon__next(&it, &m)) < 0)
				return -1;
		} else if (value_lens[i] != 4 ||
		    memcmp(values[i], "null", 4) != 0) {
			return 0;
		}
	}
	return 1;
}

int ferry_canon__old_values(ferry_str *out, const char *base,
	size_t base_len, const char *now, size_t now_len)
{
	ferry_canon_iter bi, ni;
	ferry_canon_member b, n;
	int hb, hn, first = 1;

	if (ferry_canon__begin(&bi, base, base_len) < 0 ||
	    ferry_canon__begin(&ni, now, now_len) < 0)
		return -1;
	hb = ferry_canon__next(&bi, &b);
	hn = ferry_canon__next(&ni, &n);
	/* A merge of two sorted member lists. */
	while (hb > 0 || hn > 0) {
		int c = hb <= 0 ? 1 : hn <= 0 ? -1 : key_cmp(&b, &n);

		if (hb < 0 || hn < 0)
			return -1;
		if (c < 0) {
			/* only in base: cleared since */
			put_member(out, &first, &b, b.value, b.value_len);
			hb = ferry_canon__next(&bi, &b);
		} else if (c > 0) {
			/* only in now: base had none */
			put_member(out, &first, &n, "null", 4);
			hn = ferry_canon__next(&ni, &n);
		} else {
			if (b.value_len != n.value_len ||
			    memcmp(b.value, n.value, b.value_len) != 0)
				put_member(out, &first, &b, b.value,
					b.value_len);
			hb = ferry_canon__next(&bi, &b);
			hn = ferry_canon__next(&ni, &n);
		}
	}
	if (hb < 0 || hn < 0)
		return -1;
	ferry_str_puts(out, first ? "{}" : "}");
	return 0;
}

/* A top-level key: a field name, after the previous one in byte order. */
static int check_key(const char *key, size_t len, const char *prev,
	size_t plen)
{
	int cmp;

	if (!ferry_ident_valid_len(key, len))
		return 0;
	if (!prev)
		return 1;
	cmp = memcmp(prev, key, plen < len ? plen : len);
	return cmp < 0 || (cmp == 0 && plen < len);
}

/* One pass over the text, no parser: load runs it on every record. */
int ferry_canon__check(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	const char *prev = NULL;
	size_t plen = 0, i, e;
	int depth = 0, expect_key = 0;

	if (n < 2 || s[0] != '{')
		return 0;
	for (i = 0; i < n; i++) {
		size_t start;

		switch (s[i]) {
		case '"':
			for (start = ++i; i < n && s[i] != '"'; i++) {
				if (s[i] < 0x20)
					return 0;
				if (s[i] != '\\')
					continue;
				if ((e = ferry_str_json_escape_len(text, n,
				    i)) == 0)
					return 0;
				i += e - 1;
			}
			if (i >= n)
				return 0;
			if (depth == 1 && expect_key) {
				if (!check_key(text + start, i - start, prev,
				    plen))
					return 0;
				prev = text + start;
				plen = i - start;
				expect_key = 0;
			}
			break;
		case ' ': case '\t': case '\n': case '\r':
			return 0;
		case '{':
			expect_key = ++depth == 1;
			break;
		case '[':
			depth++;
			break;
		case '}': case ']':
			depth--;
			break;
		case ',':
			expect_key = depth == 1;
			break;
		default:
			break;
		}
	}
	return depth == 0;
}

/* The value of a hexadecimal digit, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A canonical string's bytes between its quotes, unescaped; NULL for an
 * escape ferry_str_put_json() does not write (the caller then asks
 * jansson). */
static json_t *canon_string(const char *p, size_t len)
{
	char *buf, *o;
	size_t i;
	json_t *j;
	int hi, lo, escaped = 0;

	/* A raw control character is not JSON, which jansson says too. */
	for (i = 0; i < len; i++) {
		if ((unsigned char)p[i] < 0x20)
			return NULL;
		escaped |= p[i] == '\\';
	}
	if (!escaped)
		return json_stringn(p, len);
	if ((buf = ferry__malloc(len ? len : 1)) == NULL)
		return NULL;
	o = buf;
	for (i = 0; i < len; i++) {
		if (p[i] != '\\') {
			*o++ = p[i];
			continue;
		}
		if (++i >= len)
			goto other;
		switch (p[i]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':
			/* only \u00XX, for the other control characters;
			 * not NUL, which a payload may not hold */
			if (i + 4 >= len || p[i + 1] != '0' || p[i + 2] != '0' ||
			    (hi = hex_digit(p[i + 3])) < 0 || hi > 1 ||
			    (lo = hex_digit(p[i + 4])) < 0 || hi + lo == 0)
				goto other;
			*o++ = (char)(hi * 16 + lo);
			i += 4;
			break;
		default:
			goto other;
		}
	}
	j = json_stringn(buf, (size_t)(o - buf));
	ferry__free(buf);
	return j;
other:
	ferry__free(buf);
	return NULL;
}

/* 1 if text is an integer of at most 18 digits, which int64 holds. */
static int small_integer(const char *p, size_t len)
{
	size_t i = p[0] == '-';

	if (len <= i || len - i > 18 || (p[i] == '0' && len - i > 1))
		return 0;
	for (; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* The value of len bytes small_integer() accepted. */
static json_int_t integer_of(const char *p, size_t len)
{
	json_int_t v = 0;
	size_t i = p[0] == '-';

	for (; i < len; i++)
		v = v * 10 + (p[i] - '0');
	return p[0] == '-' ? -v : v;
}

json_t *ferry_canon__json(const char *value, size_t len)
{
	json_t *j;

	if (len == 0)
		return NULL;
	if (len == 4 && !memcmp(value, "null", 4))
		return json_null();
	if (len == 4 && !memcmp(value, "true", 4))
		return json_true();
	if (len == 5 && !memcmp(value, "false", 5))
		return json_false();
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"' &&
	    (j = canon_string(value + 1, len - 2)) != NULL)
		return j;
	if (small_integer(value, len))
		return json_integer(integer_of(value, len));
	return json_loadb(value, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
		NULL);
}
