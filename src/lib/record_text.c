/*
 * record_text.c - a new record's values read from the text of its line,
 * without parsing the line into an object (records.h).
 *
 * `record load` parsed each line with jansson: a hash table of members,
 * each key and value allocated, then converted and freed.  On its reading
 * thread that was most of the work (docs/performance.md, "Record load:
 * what its writes cost"), and jansson is ferry's library for documents
 * (README, "Dependencies"), not for each record of a bulk path.  Here the
 * line is checked and walked with the stores' json1 reader
 * (store/stage_json.h).  A string member goes to the converter's string
 * half (ferry_type__convert_string(), types.c) as its unescaped text; a
 * json field's value is written in the canonical form from its text
 * (canon_json(), below); any other member's value alone becomes a
 * jansson value, which the one converter (ferry__record_member()) takes
 * as it takes the parsed object's: the same values, with no table, no
 * keys, no object.
 *
 * Only what reads the same both ways is read here.  A line jansson would
 * refuse or read otherwise (a NUL byte, a label with an escape, a label
 * twice, \u0000, a lone surrogate, an integer beyond 64 bits, a real
 * beyond a double), or one whose values are refused (a member no field
 * has, a value its field does not take), is declined: record load then
 * parses and converts it as before, and that says what is wrong.
 */
#include "records.h"

#include "alloc.h"
#include "store/stage_json.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A line declined: record load reads it with jansson instead. */
#define DECLINE 0

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(ferry_str *s, unsigned c)
{
	if (c < 0x80) {
		ferry_str_putc(s, (char)c);
	} else if (c < 0x800) {
		ferry_str_putc(s, (char)(0xc0 | (c >> 6)));
		ferry_str_putc(s, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		ferry_str_putc(s, (char)(0xe0 | (c >> 12)));
		ferry_str_putc(s, (char)(0x80 | ((c >> 6) & 0x3f)));
		ferry_str_putc(s, (char)(0x80 | (c & 0x3f)));
	} else {
		ferry_str_putc(s, (char)(0xf0 | (c >> 18)));
		ferry_str_putc(s, (char)(0x80 | ((c >> 12) & 0x3f)));
		ferry_str_putc(s, (char)(0x80 | ((c >> 6) & 0x3f)));
		ferry_str_putc(s, (char)(0x80 | (c & 0x3f)));
	}
}

/*
 * The string between the quotes of a valid JSON string (n bytes at p)
 * unescaped onto out: 0, or -1 where jansson refuses it (\u0000, a
 * surrogate not in a pair).
 */
static int unescape(ferry_str *out, const char *p, size_t n)
{
	const char *end = p + n, *q;
	unsigned c, lo;

	while (p < end) {
		if ((q = memchr(p, '\\', (size_t)(end - p))) == NULL)
			q = end;
		ferry_str_put(out, p, (size_t)(q - p));
		if ((p = q) == end)
			break;
		switch (p[1]) {
		case 'b': ferry_str_putc(out, '\b'); break;
		case 'f': ferry_str_putc(out, '\f'); break;
		case 'n': ferry_str_putc(out, '\n'); break;
		case 'r': ferry_str_putc(out, '\r'); break;
		case 't': ferry_str_putc(out, '\t'); break;
		case 'u':
			if (hex4(p + 2, &c) < 0 || c == 0 ||
			    (c >= 0xdc00 && c <= 0xdfff))
				return -1;
			if (c >= 0xd800 && c <= 0xdbff) {
				if (end - p < 12 || p[6] != '\\' ||
				    p[7] != 'u' || hex4(p + 8, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				c = 0x10000 + ((c - 0xd800) << 10) +
					(lo - 0xdc00);
				p += 6;
			}
			put_utf8(out, c);
			p += 4;
			break;
		default:	/* " \ / */
			ferry_str_putc(out, p[1]);
		}
		p += 2;
	}
	return 0;
}

/*
 * A string value's text (v: quotes included), unescaped, onto scratch
 * (cleared first; NUL after it): 1, DECLINE where jansson refuses it,
 * or FERRY_ENOMEM.
 */
static int string_text(ferry_str *scratch, sj_value v)
{
	ferry_str_clear(scratch);
	if (!memchr(v.p + 1, '\\', v.n - 2))
		ferry_str_put(scratch, v.p + 1, v.n - 2);
	else if (unescape(scratch, v.p + 1, v.n - 2) < 0)
		return DECLINE;
	return ferry_str_failed(scratch) ? FERRY_ENOMEM : 1;
}

/* An integer as jansson reads one: 0, or -1 beyond 64 bits. */
static int int_of(sj_value v, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(v.p, &end, 10);
	return errno == ERANGE || end != v.p + v.n ? -1 : 0;
}

/* A number with a fraction as jansson reads one: 0, or -1 beyond a
 * double. */
static int real_of(sj_value v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v.p, &end);
	return (errno == ERANGE && isinf(*out)) || end != v.p + v.n ? -1 : 0;
}

/*
 * A member's value as jansson would have made it inside the parsed line
 * (a new reference), or NULL with *declined set where jansson would not
 * take it, or NULL for want of memory.
 */
static json_t *value_json(sj_value v, ferry_str *scratch, int *declined)
{
	*declined = 0;
	switch (v.kind) {
	case SJ_NULL:
		return json_null();
	case SJ_TRUE:
		return json_true();
	case SJ_FALSE:
		return json_false();
	case SJ_INT: {
		long long i;

		if (int_of(v, &i) < 0)
			break;
		return json_integer((json_int_t)i);
	}
	case SJ_REAL: {
		double d;

		if (real_of(v, &d) < 0)
			break;
		return json_real(d);
	}
	case SJ_STRING: {
		int rc = string_text(scratch, v);

		if (rc == DECLINE)
			break;
		if (rc < 0)
			return NULL;
		return json_stringn_nocheck(scratch->ptr, scratch->size);
	}
	case SJ_OBJECT:
	case SJ_ARRAY: {
		json_t *j = json_loadb(v.p, v.n, JSON_REJECT_DUPLICATES, NULL);

		if (j)
			return j;
		break;
	}
	default:
		break;
	}
	*declined = 1;
	return NULL;
}

/* The label of a member as a field name would be written (no escape,
 * shorter than a name may be) into name: 0, or -1. */
static int label(sj_value key, char name[FERRY_NAME_MAX])
{
	size_t n = key.n - 2;

	if (n >= FERRY_NAME_MAX || memchr(key.p + 1, '\\', n))
		return -1;
	memcpy(name, key.p + 1, n);
	name[n] = '\0';
	return 0;
}

/* The sys_id member's value into sys_id: 0, or -1 when the line is to
 * be declined (it is neither null nor a sys_id). */
static int named_sys_id(sj_value v, char sys_id[37])
{
	if (v.kind == SJ_NULL)
		return 0;
	if (v.kind != SJ_STRING || v.n - 2 > 36 ||
	    memchr(v.p + 1, '\\', v.n - 2))
		return -1;
	memcpy(sys_id, v.p + 1, v.n - 2);
	sys_id[v.n - 2] = '\0';
	return ferry_sys_id_valid(sys_id) ? 0 : -1;
}

/*
 * A json field's value written in the canonical form from its text, as
 * ferry_json__canonical() writes jansson's parse of it (types.c): keys
 * sorted by their bytes, strings escaped as ferry_str_put_json() does,
 * numbers as jansson reads and ferry writes them.  jansson parsed and
 * freed each such value, a tree of allocations, on the reading thread
 * of every load: about a fifth of that thread's time.  Whatever
 * jansson would refuse is declined here as a whole line is: a key twice
 * (once unescaped), \u0000, a lone surrogate, an integer beyond 64
 * bits, a real beyond a double, nesting deeper than
 * FERRY_JSON_DEPTH_MAX.
 */
typedef struct {
	const char *key;	/* unescaped */
	size_t key_len;
	char *owned;		/* the unescaped copy, when it had escapes */
	sj_value val;
} canon_member;

/* Members an object holds before its list is allocated. */
#define CANON_MEMBERS 8

static int canon_json(ferry_str *out, sj_value v, ferry_str *scratch,
	int depth);

static int member_cmp(const void *a, const void *b)
{
	const canon_member *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->key_len < y->key_len ?
		x->key_len : y->key_len);

	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* A string (quotes included) onto out: 1 or DECLINE. */
static int canon_string(ferry_str *out, sj_value v, ferry_str *scratch)
{
	if (string_text(scratch, v) != 1 ||
	    ferry_str_put_json(out, scratch->ptr, scratch->size) < 0)
		return DECLINE;
	return 1;
}

/* An object's key into m: 0, or -1 (declined). */
static int member_key(canon_member *m, sj_value key)
{
	ferry_str k = FERRY_STR_INIT;

	m->owned = NULL;
	m->key = key.p + 1;
	m->key_len = key.n - 2;
	if (!memchr(m->key, '\\', m->key_len))
		return 0;
	if (unescape(&k, m->key, m->key_len) < 0 || ferry_str_failed(&k) ||
	    (m->owned = ferry_str_detach(&k)) == NULL) {
		ferry_str_dispose(&k);
		return -1;
	}
	m->key = m->owned;
	m->key_len = strlen(m->owned);	/* unescape() refuses \u0000 */
	return 0;
}

static int canon_object(ferry_str *out, sj_value v, ferry_str *scratch,
	int depth)
{
	canon_member few[CANON_MEMBERS], *m = few, *more;
	size_t n = 0, cap = CANON_MEMBERS, at = 0, i;
	sj_value key, val;
	int rc = 1;

	while (rc == 1 && sj_next(v, &at, &key, &val)) {
		if (n == cap) {
			if ((more = ferry__calloc(cap * 2, sizeof(*m))) == NULL) {
				rc = DECLINE;
				break;
			}
			memcpy(more, m, n * sizeof(*m));
			if (m != few)
				ferry__free(m);
			m = more;
			cap *= 2;
		}
		if (member_key(&m[n], key) < 0)
			rc = DECLINE;
		else
			m[n++].val = val;
	}
	if (rc == 1) {
		qsort(m, n, sizeof(*m), member_cmp);
		ferry_str_putc(out, '{');
		for (i = 0; rc == 1 && i < n; i++) {
			if (i && member_cmp(&m[i - 1], &m[i]) == 0) {
				rc = DECLINE;	/* a key twice */
				break;
			}
			if (i)
				ferry_str_putc(out, ',');
			ferry_str_put_json(out, m[i].key, m[i].key_len);
			ferry_str_putc(out, ':');
			rc = canon_json(out, m[i].val, scratch, depth);
		}
		ferry_str_putc(out, '}');
	}
	for (i = 0; i < n; i++)
		ferry__free(m[i].owned);
	if (m != few)
		ferry__free(m);
	return rc;
}

static int canon_array(ferry_str *out, sj_value v, ferry_str *scratch,
	int depth)
{
	size_t at = 0;
	sj_value e;
	int rc = 1, first = 1;

	ferry_str_putc(out, '[');
	while (rc == 1 && sj_next_element(v, &at, &e)) {
		if (!first)
			ferry_str_putc(out, ',');
		first = 0;
		rc = canon_json(out, e, scratch, depth);
	}
	ferry_str_putc(out, ']');
	return rc;
}

/* v onto out, inside depth arrays and objects: 1 or DECLINE. */
static int canon_json(ferry_str *out, sj_value v, ferry_str *scratch,
	int depth)
{
	long long i;
	double d;

	switch (v.kind) {
	case SJ_NULL:
	case SJ_TRUE:
	case SJ_FALSE:
		ferry_str_put(out, v.p, v.n);	/* written as they read */
		return 1;
	case SJ_INT:
		if (int_of(v, &i) < 0)
			return DECLINE;
		ferry_str_put_i64(out, (int64_t)i);
		return 1;
	case SJ_REAL:
		if (real_of(v, &d) < 0)
			return DECLINE;
		ferry_json__put_real(out, d);
		return 1;
	case SJ_STRING:
		return canon_string(out, v, scratch);
	case SJ_OBJECT:
		return depth >= FERRY_JSON_DEPTH_MAX ? DECLINE :
			canon_object(out, v, scratch, depth + 1);
	case SJ_ARRAY:
		return depth >= FERRY_JSON_DEPTH_MAX ? DECLINE :
			canon_array(out, v, scratch, depth + 1);
	default:
		return DECLINE;
	}
}

/*
 * A json field's member, not null: its canonical text as
 * ferry_type__convert() would store it (at most FERRY_TEXT_MAX bytes):
 * 1, or DECLINE.
 */
static int json_field_member(const ferry_fieldset *fs, int i, sj_value v,
	ferry_str *scratch, ferry_value *values, int *set)
{
	ferry_str c;
	size_t len;
	char *text;

	ferry_str_init(&c, FERRY_TEXT_MAX);
	if (canon_json(&c, v, scratch, 0) != 1 || ferry_str_failed(&c)) {
		ferry_str_dispose(&c);
		return DECLINE;
	}
	len = c.size;
	if ((text = ferry_str_detach(&c)) == NULL)
		return DECLINE;
	values[i].kind = FERRY_V_TEXT;
	values[i].s = text;
	values[i].len = len;
	set[i] = 1;
	return 1;
}

/*
 * A string member of field i converted from its text, as
 * ferry__record_member() would convert jansson's string: 1, DECLINE
 * (not a string its field takes), FERRY_ENOMEM, or 2 when its type
 * takes no string this way (a number or bool field: the converter of
 * jansson values says why).  A jansson string was two allocations and
 * two frees more a member, most of a line's values.
 */
static int string_member(const ferry_fieldset *fs, int i, sj_value v,
	ferry_str *scratch, ferry_value *values, int *set)
{
	ferry_str err = FERRY_STR_INIT;
	int rc;

	if ((rc = string_text(scratch, v)) != 1)
		return rc;
	rc = ferry_type__convert_string(&values[i], &fs->fields[i],
		scratch->ptr, scratch->size, &err);
	ferry_str_dispose(&err);
	if (rc > 0)
		return 2;
	if (rc < 0)
		return DECLINE;
	set[i] = 1;
	return 1;
}

/* Any other member: its value made a jansson value for
 * ferry__record_member(): 1, DECLINE or FERRY_ENOMEM. */
static int json_member(const char *entity, const ferry_fieldset *fs,
	const char *name, sj_value v, ferry_str *scratch, ferry_value *values,
	int *set)
{
	int declined, rc;
	json_t *j;

	if ((j = value_json(v, scratch, &declined)) == NULL)
		return declined ? DECLINE : FERRY_ENOMEM;
	rc = ferry__record_member(NULL, entity, fs, name, j, values, set,
		0) < 0 ? DECLINE : 1;
	json_decref(j);
	return rc;
}

int ferry__record_values_of_text(const char *entity, const ferry_fieldset *fs,
	const char *text, size_t len, ferry_value *values, int *set,
	char sys_id[37])
{
	ferry_str scratch = FERRY_STR_INIT;
	char name[FERRY_NAME_MAX];
	sj_value root, key, val;
	size_t at = 0;
	int named = 0, rc = 1, i;

	sys_id[0] = '\0';
	/* sj_parse() reads up to a NUL, jansson refuses one. */
	if (memchr(text, '\0', len) || !ferry_utf8_valid(text, len) ||
	    !sj_parse(text, len, &root) || root.kind != SJ_OBJECT)
		return DECLINE;
	while (rc == 1 && sj_next(root, &at, &key, &val)) {
		if (label(key, name) < 0) {
			rc = DECLINE;
		} else if (!strcmp(name, "sys_id")) {
			if (named++ || named_sys_id(val, sys_id) < 0)
				rc = DECLINE;
		} else if ((i = ferry_fieldset_find(fs, name)) < 0 || set[i]) {
			rc = DECLINE;	/* not a field, or one twice */
		} else if (fs->fields[i].type.base == FERRY_T_JSON &&
		    val.kind != SJ_NULL) {
			rc = json_field_member(fs, i, val, &scratch, values,
				set);
		} else if (val.kind != SJ_STRING || (rc = string_member(fs, i,
		    val, &scratch, values, set)) == 2) {
			rc = json_member(entity, fs, name, val, &scratch,
				values, set);
		}
	}
	if (rc == 1 && ferry__record_defaults(NULL, fs, values, set) < 0)
		rc = DECLINE;
	ferry_str_dispose(&scratch);
	if (rc != 1) {
		for (i = 0; i < (int)fs->n; i++) {
			ferry_value_dispose(&values[i]);
			set[i] = 0;
		}
		sys_id[0] = '\0';
	}
	return rc;
}
