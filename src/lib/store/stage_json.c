/*
 * stage_json.c - item lines read as SQLite 3.40's JSON functions read
 * them (stage_json.h).  The rules follow json1's parser: strict JSON,
 * white space of four kinds, no control character in a string, a
 * nesting depth of at most 2,000, and a lookup that takes the first
 * member of a name as written.
 */
#include "stage_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SJ_MAX_DEPTH 2000

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

/* The bytes that stand for themselves inside a string: not a quote,
 * not a backslash, not a control character.  Strings are most of a
 * line (the payload's), so validation and skipping run over these a
 * table lookup a byte. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static int is_plain(char c)
{
	return plain[(unsigned char)c];
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

/* The end of the value at z[i] (z NUL-terminated at len), or 0 when it
 * is not one; *kind its kind. */
static size_t value_end(const char *z, size_t i, int depth, sj_kind *kind)
{
	char c = z[i];
	size_t j;

	if (depth > SJ_MAX_DEPTH)
		return 0;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		sj_kind k;
		int first = 1;

		*kind = c == '{' ? SJ_OBJECT : SJ_ARRAY;
		for (j = i + 1;; first = 0) {
			while (is_space(z[j]))
				j++;
			if (first && z[j] == close)
				return j + 1;
			if (c == '{') {
				if (z[j] != '"' || !(j = value_end(z, j,
				    depth + 1, &k)))
					return 0;
				while (is_space(z[j]))
					j++;
				if (z[j++] != ':')
					return 0;
				while (is_space(z[j]))
					j++;
			}
			if (!(j = value_end(z, j, depth + 1, &k)))
				return 0;
			while (is_space(z[j]))
				j++;
			if (z[j] == ',') {
				j++;
				continue;
			}
			return z[j] == close ? j + 1 : 0;
		}
	}
	if (c == '"') {
		*kind = SJ_STRING;
		for (j = i + 1;; j++) {
			while (is_plain(z[j]))
				j++;
			c = z[j];
			if ((unsigned char)c <= 0x1f)
				return 0;
			if (c == '"')
				return j + 1;
			if (c != '\\')
				continue;
			c = z[++j];
			if (c == 'u') {
				if (!is_hex(z[j + 1]) || !is_hex(z[j + 2]) ||
				    !is_hex(z[j + 3]) || !is_hex(z[j + 4]))
					return 0;
				j += 4;
			} else if (!c || !strchr("\"\\/bfnrt", c)) {
				return 0;
			}
		}
	}
	if (c == 'n' && !strncmp(z + i, "null", 4) && !is_alnum(z[i + 4])) {
		*kind = SJ_NULL;
		return i + 4;
	}
	if (c == 't' && !strncmp(z + i, "true", 4) && !is_alnum(z[i + 4])) {
		*kind = SJ_TRUE;
		return i + 4;
	}
	if (c == 'f' && !strncmp(z + i, "false", 5) &&
	    !is_alnum(z[i + 5])) {
		*kind = SJ_FALSE;
		return i + 5;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		int dp = 0, e = 0;

		j = c == '-' ? i + 1 : i;
		if (z[j] == '0' && z[j + 1] >= '0' && z[j + 1] <= '9')
			return 0;
		for (j = i + 1;; j++) {
			c = z[j];
			if (c >= '0' && c <= '9')
				continue;
			if (c == '.') {
				if (z[j - 1] == '-' || dp)
					return 0;
				dp = 1;
				continue;
			}
			if (c == 'e' || c == 'E') {
				if (z[j - 1] < '0' || e)
					return 0;
				dp = e = 1;
				c = z[j + 1];
				if (c == '+' || c == '-') {
					j++;
					c = z[j + 1];
				}
				if (c < '0' || c > '9')
					return 0;
				continue;
			}
			break;
		}
		if (z[j - 1] < '0')
			return 0;
		*kind = dp ? SJ_REAL : SJ_INT;
		return j;
	}
	return 0;
}

int sj_parse(const char *text, size_t len, sj_value *root)
{
	size_t i = 0, end;
	sj_kind kind = SJ_NONE;

	/* SQLite reads the text as a C string: up to a NUL byte. */
	len = strnlen(text, len);
	if (text[len] != '\0')
		return 0;
	while (is_space(text[i]))
		i++;
	if (!(end = value_end(text, i, 0, &kind)))
		return 0;
	root->p = text + i;
	root->n = end - i;
	root->kind = kind;
	while (is_space(text[end]))
		end++;
	return end == len;
}

/* Walk the value after the one at v.p + j (a valid text): its start. */
static size_t skip_space(const char *z, size_t j)
{
	while (is_space(z[j]))
		j++;
	return j;
}

/*
 * The end of the value at z[j], which sj_parse() took already: strings
 * and containers are skipped without being checked again.
 */
static size_t skip_valid(const char *z, size_t j)
{
	int depth = 0;

	if (z[j] != '"' && z[j] != '{' && z[j] != '[') {
		while (z[j] && !strchr(",}] \t\n\r", z[j]))
			j++;
		return j;
	}
	do {
		char c = z[j++];

		if (c == '"') {
			while (z[j] != '"') {
				while (is_plain(z[j]))
					j++;
				if (z[j] == '\\')
					j += 2;	/* and what it escapes */
			}
			j++;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	} while (depth > 0);
	return j;
}

/* The kind of the valid value of n bytes at p. */
static sj_kind kind_of(const char *p, size_t n)
{
	switch (*p) {
	case '"':
		return SJ_STRING;
	case '{':
		return SJ_OBJECT;
	case '[':
		return SJ_ARRAY;
	case 't':
		return SJ_TRUE;
	case 'f':
		return SJ_FALSE;
	case 'n':
		return SJ_NULL;
	default:
		return memchr(p, '.', n) || memchr(p, 'e', n) ||
			memchr(p, 'E', n) ? SJ_REAL : SJ_INT;
	}
}

void sj_members(sj_value obj, const char *const *keys, size_t n,
	sj_value *out, const sj_value *known, size_t nknown)
{
	size_t j, label, end, k, found = 0;
	const char *z = obj.p;
	sj_value v;

	for (k = 0; k < n; k++) {
		out[k].p = NULL;
		out[k].n = 0;
		out[k].kind = SJ_NONE;
	}
	if (obj.kind != SJ_OBJECT)
		return;
	for (j = skip_space(z, 1); z[j] == '"' && found < n; ) {
		label = j;
		end = skip_valid(z, j);
		j = skip_space(z, end) + 1;	/* past ':' */
		j = skip_space(z, j);
		v.p = z + j;
		for (k = 0; k < nknown && known[k].p != v.p; k++)
			;
		v.n = k < nknown ? known[k].n : skip_valid(z, j) - j;
		v.kind = kind_of(v.p, v.n);
		/* The label as written, between its quotes. */
		for (k = 0; k < n; k++)
			if (out[k].kind == SJ_NONE && strlen(keys[k]) ==
			    end - label - 2 && !memcmp(z + label + 1, keys[k],
			    end - label - 2)) {
				out[k] = v;
				found++;
				break;
			}
		j = skip_space(z, j + v.n);
		if (z[j] != ',')
			break;
		j = skip_space(z, j + 1);
	}
}

/* The valid value at z[j] into *val; where the value after it starts
 * (past its comma), or its container's end. */
static size_t take_value(const char *z, size_t j, sj_value *val)
{
	val->p = z + j;
	val->n = skip_valid(z, j) - j;
	val->kind = kind_of(val->p, val->n);
	j = skip_space(z, j + val->n);
	return z[j] == ',' ? j + 1 : j;
}

int sj_next(sj_value obj, size_t *at, sj_value *key, sj_value *val)
{
	const char *z = obj.p;
	size_t j;

	if (obj.kind != SJ_OBJECT)
		return 0;
	j = skip_space(z, *at ? *at : 1);
	if (z[j] != '"')
		return 0;
	key->p = z + j;
	key->n = skip_valid(z, j) - j;
	key->kind = SJ_STRING;
	j = skip_space(z, skip_space(z, j + key->n) + 1);	/* past ':' */
	*at = take_value(z, j, val);
	return 1;
}

sj_value sj_member(sj_value obj, const char *key)
{
	sj_value v;

	sj_members(obj, &key, 1, &v, NULL, 0);
	return v;
}

int sj_next_element(sj_value arr, size_t *at, sj_value *val)
{
	const char *z = arr.p;
	size_t j;

	if (arr.kind != SJ_ARRAY)
		return 0;
	j = skip_space(z, *at ? *at : 1);
	if (z[j] == ']')
		return 0;
	*at = take_value(z, j, val);
	return 1;
}

sj_value sj_element(sj_value arr, size_t i)
{
	sj_value none = { NULL, 0, SJ_NONE }, v;
	size_t at = 0, k = 0;

	while (sj_next_element(arr, &at, &v))
		if (k++ == i)
			return v;
	return none;
}

const char *sj_type(sj_value v)
{
	static const char *const names[] = { NULL, "null", "true", "false",
		"integer", "real", "text", "array", "object" };

	return names[v.kind];
}

int sj_arrow(ferry_str *out, sj_value v)
{
	size_t i;
	int in_string = 0;

	if (v.kind == SJ_NONE)
		return 0;
	for (i = 0; i < v.n; i++) {
		char c = v.p[i];

		if (in_string) {
			if (c == '\\') {
				ferry_str_put(out, v.p + i, 2);
				i++;
				continue;
			}
			if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (is_space(c)) {
			continue;
		}
		ferry_str_putc(out, c);
	}
	return 1;
}

static unsigned hex4(const char *z)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = z[i];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' +
			10);
	}
	return v;
}

/* A string's text, unescaped as json1 does it (a \u0000 ends it). */
static void put_unescaped(ferry_str *out, const char *z, size_t n)
{
	size_t i;

	for (i = 1; i + 1 < n; i++) {
		char c = z[i];
		unsigned v, lo;

		if (c != '\\') {
			size_t run = i;

			/* A run of bytes that stand for themselves at once. */
			while (run + 1 < n && z[run] != '\\')
				run++;
			ferry_str_put(out, z + i, run - i);
			i = run - 1;
			continue;
		}
		c = z[++i];
		if (c != 'u') {
			ferry_str_putc(out, c == 'b' ? '\b' : c == 'f' ? '\f' :
				c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ?
				'\t' : c);
			continue;
		}
		v = hex4(z + i + 1);
		i += 4;
		if (v == 0)
			break;
		if (v <= 0x7f) {
			ferry_str_putc(out, (char)v);
		} else if (v <= 0x7ff) {
			ferry_str_putc(out, (char)(0xc0 | (v >> 6)));
			ferry_str_putc(out, (char)(0x80 | (v & 0x3f)));
		} else if ((v & 0xfc00) == 0xd800 && i + 6 < n &&
		    z[i + 1] == '\\' && z[i + 2] == 'u' &&
		    ((lo = hex4(z + i + 3)) & 0xfc00) == 0xdc00) {
			v = ((v & 0x3ff) << 10) + (lo & 0x3ff) + 0x10000;
			i += 6;
			ferry_str_putc(out, (char)(0xf0 | (v >> 18)));
			ferry_str_putc(out, (char)(0x80 | ((v >> 12) & 0x3f)));
			ferry_str_putc(out, (char)(0x80 | ((v >> 6) & 0x3f)));
			ferry_str_putc(out, (char)(0x80 | (v & 0x3f)));
		} else {
			ferry_str_putc(out, (char)(0xe0 | (v >> 12)));
			ferry_str_putc(out, (char)(0x80 | ((v >> 6) & 0x3f)));
			ferry_str_putc(out, (char)(0x80 | (v & 0x3f)));
		}
	}
}

/* A REAL as SQLite's TEXT affinity writes it ("%!.15g"). */
static void put_real(ferry_str *out, double r)
{
	char buf[64], *e;

	if (isinf(r)) {
		ferry_str_puts(out, r < 0 ? "-Inf" : "Inf");
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", r);
	e = strchr(buf, 'e');
	if (strchr(buf, '.') || (!e && strchr(buf, 'n'))) {
		ferry_str_puts(out, buf);
	} else if (e) {
		ferry_str_put(out, buf, (size_t)(e - buf));
		ferry_str_puts(out, ".0");
		ferry_str_puts(out, e);
	} else {
		ferry_str_puts(out, buf);
		ferry_str_puts(out, ".0");
	}
}

/* An integer as json1 hands it out: an int64, or a REAL when it does
 * not fit one. */
static void put_int(ferry_str *out, const char *z, size_t n)
{
	char buf[64];
	const char *p = z;
	int64_t v = 0;
	int neg = *p == '-';

	if (neg)
		p++;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p++ - '0');

		if (v >= INT64_MAX / 10) {
			if (v > INT64_MAX / 10 || (*p >= '0' && *p <= '9') ||
			    d == 9 || (d == 8 && !neg))
				goto real;
			if (d == 8) {
				ferry_str_puts(out, "-9223372036854775808");
				return;
			}
		}
		v = v * 10 + d;
	}
	ferry_str_printf(out, "%lld", (long long)(neg ? -v : v));
	return;
real:
	snprintf(buf, sizeof(buf), "%.*s", (int)(n < 63 ? n : 63), z);
	put_real(out, strtod(buf, NULL));
}

int sj_text(ferry_str *out, sj_value v)
{
	char buf[400];

	switch (v.kind) {
	case SJ_NONE:
	case SJ_NULL:
		return 0;
	case SJ_TRUE:
		ferry_str_putc(out, '1');
		return 1;
	case SJ_FALSE:
		ferry_str_putc(out, '0');
		return 1;
	case SJ_INT:
		put_int(out, v.p, v.n);
		return 1;
	case SJ_REAL:
		snprintf(buf, sizeof(buf), "%.*s", (int)(v.n < 399 ? v.n :
			399), v.p);
		put_real(out, strtod(buf, NULL));
		return 1;
	case SJ_STRING:
		put_unescaped(out, v.p, v.n);
		return 1;
	default:
		return sj_arrow(out, v);
	}
}
