/*
 * canonical.c - walking canonical JSON objects (see canonical.h).
 */
#include "canonical.h"

#include "alloc.h"
#include "text.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
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

int ferry_canon__has_any(const char *text, size_t len, size_t n,
	const char *const *names, const size_t *name_lens)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	size_t i;
	int more;

	if (ferry_canon__begin(&it, text, len) < 0)
		return -1;
	while ((more = ferry_canon__next(&it, &m)) > 0)
		for (i = 0; i < n; i++)
			if (bytes_cmp(m.key, m.key_len, names[i],
			    name_lens[i]) == 0)
				return 1;
	return more;
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

/* A canonical string's bytes between its quotes, unescaped into out
 * (room for len bytes): 0 with *out_len set, -1 for a raw control
 * character or an escape ferry_str_put_json() does not write (the
 * caller then asks jansson, which tells the two apart). */
static int unescape(const char *p, size_t len, char *out, size_t *out_len)
{
	char *o = out;
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if ((unsigned char)p[i] < 0x20)
			return -1;
		if (p[i] != '\\') {
			*o++ = p[i];
			continue;
		}
		if (++i >= len)
			return -1;
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
				return -1;
			*o++ = (char)(hi * 16 + lo);
			i += 4;
			break;
		default:
			return -1;
		}
	}
	*out_len = (size_t)(o - out);
	return 0;
}

/* A canonical string's bytes between its quotes as a jansson string;
 * NULL for what unescape() leaves to jansson. */
static json_t *canon_string(const char *p, size_t len)
{
	char *buf;
	size_t n;
	json_t *j = NULL;

	if (!memchr(p, '\\', len)) {
		/* A raw control character is not JSON, which jansson says
		 * too. */
		for (n = 0; n < len; n++)
			if ((unsigned char)p[n] < 0x20)
				return NULL;
		return json_stringn(p, len);
	}
	if ((buf = ferry__malloc(len ? len : 1)) == NULL)
		return NULL;
	if (unescape(p, len, buf, &n) == 0)
		j = json_stringn(buf, n);
	ferry__free(buf);
	return j;
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

/* ---- members looked up by name ------------------------------------- */

/* Index text's members into ix, if it fits: 1 if indexed, 0 if not, -1
 * if text is malformed. */
static int index_members(ferry_canon_index *ix, const char *text, size_t len)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	int more;

	ix->len = 0;
	if (len == 0 || len > sizeof(ix->text))
		return 0;
	memcpy(ix->text, text, len);
	ix->n = 0;
	if (ferry_canon__begin(&it, ix->text, len) < 0)
		return -1;
	while ((more = ferry_canon__next(&it, &m)) > 0) {
		if (ix->n == FERRY_CANON_INDEX_MEMBERS)
			return 0;
		ix->m[ix->n].key = (unsigned short)(m.key - ix->text);
		ix->m[ix->n].key_len = (unsigned short)m.key_len;
		ix->m[ix->n].value = (unsigned short)(m.value - ix->text);
		ix->m[ix->n].value_len = (unsigned short)m.value_len;
		ix->n++;
	}
	if (more < 0)
		return -1;
	ix->len = len;
	return 1;
}

int ferry_canon__member(ferry_canon_index *ix, const char *text, size_t len,
	const char *name, size_t name_len, ferry_canon_member *m)
{
	ferry_canon_iter it;
	size_t lo = 0, hi, mid;
	int more, c, rc;

	if (ix->len != len || memcmp(ix->text, text, len) != 0) {
		if ((rc = index_members(ix, text, len)) < 0)
			return -1;
		if (rc == 0) {
			/* Too large to keep: walked, in key order. */
			if (ferry_canon__begin(&it, text, len) < 0)
				return -1;
			while ((more = ferry_canon__next(&it, m)) > 0)
				if ((c = bytes_cmp(m->key, m->key_len, name,
				    name_len)) >= 0)
					return c == 0;
			return more;
		}
	}
	/* The keys ascend (canonical form): a binary search. */
	hi = ix->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = bytes_cmp(ix->text + ix->m[mid].key, ix->m[mid].key_len,
			name, name_len);
		if (c == 0) {
			m->key = ix->text + ix->m[mid].key;
			m->key_len = ix->m[mid].key_len;
			m->value = ix->text + ix->m[mid].value;
			m->value_len = ix->m[mid].value_len;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A JSON number's text as an integer (if int64 holds it) or a real. */
static int sql_number(const char *value, size_t len, ferry_canon_sql *sql)
{
	char digits[64], *end;
	size_t i = value[0] == '-';
	int integer = len > i;

	if (len >= sizeof(digits))
		return -1;
	for (; i < len; i++)
		integer &= value[i] >= '0' && value[i] <= '9';
	memcpy(digits, value, len);
	digits[len] = '\0';
	errno = 0;
	if (integer) {
		sql->i = strtoll(digits, &end, 10);
		if (errno == 0 && *end == '\0') {
			sql->kind = FERRY_CANON_SQL_INT;
			return 0;
		}
		errno = 0;
	}
	sql->r = strtod(digits, &end);
	if (*end != '\0' || end == digits)
		return -1;
	sql->kind = FERRY_CANON_SQL_REAL;
	return 0;
}

int ferry_canon__sql(const char *value, size_t len, char *buf,
	ferry_canon_sql *sql)
{
	json_t *j;
	const char *s;

	memset(sql, 0, sizeof(*sql));
	if (len == 0)
		return -1;
	switch (value[0]) {
	case 'n':
		return len == 4 && !memcmp(value, "null", 4) ? 0 : -1;
	case 't':
	case 'f':
		sql->kind = FERRY_CANON_SQL_INT;
		sql->i = value[0] == 't';
		return (len == 4 && !memcmp(value, "true", 4)) ||
			(len == 5 && !memcmp(value, "false", 5)) ? 0 : -1;
	case '{':
	case '[':
		sql->kind = FERRY_CANON_SQL_TEXT;
		sql->text = value;
		sql->text_len = len;
		return 0;
	case '"':
		if (len < 2 || value[len - 1] != '"')
			return -1;
		sql->kind = FERRY_CANON_SQL_TEXT;
		sql->text = buf;
		if (unescape(value + 1, len - 2, buf, &sql->text_len) == 0)
			return 0;
		/* Any other escape, as JSON reads it. */
		if ((j = json_loadb(value, len, JSON_DECODE_ANY, NULL)) ==
		    NULL || (s = json_string_value(j)) == NULL ||
		    json_string_length(j) > len) {
			json_decref(j);
			return -1;
		}
		sql->text_len = json_string_length(j);
		memcpy(buf, s, sql->text_len);
		json_decref(j);
		return 0;
	default:
		return sql_number(value, len, sql);
	}
}
