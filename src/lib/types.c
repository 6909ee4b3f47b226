/*
 * types.c - field types, value checks and the canonical value form
 * (see types.h for the frozen rules).
 */
#include "types.h"

#include "canonical.h"

#include "alloc.h"
#include "text.h"
#include "timeutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	ferry_type_base base;
	int args;		/* 0 none, 1 size, 2 precision+scale, 3 ref */
} type_names[] = {
	{ "nvarchar", FERRY_T_NVARCHAR, 1 },
	{ "nchar", FERRY_T_NCHAR, 1 },
	{ "int", FERRY_T_INT, 0 },
	{ "bigint", FERRY_T_BIGINT, 0 },
	{ "decimal", FERRY_T_DECIMAL, 2 },
	{ "bool", FERRY_T_BOOL, 0 },
	{ "date", FERRY_T_DATE, 0 },
	{ "datetime", FERRY_T_DATETIME, 0 },
	{ "text", FERRY_T_TEXT, 0 },
	{ "json", FERRY_T_JSON, 0 },
	{ "ref", FERRY_T_REF, 3 },
	{ "float", FERRY_T_FLOAT, 0 },
	{ "time", FERRY_T_TIME, 0 },
};

#define TYPE_LIST "nvarchar(n), nchar(n), int, bigint, decimal(p,s), " \
	"float, bool, date, datetime, time, text, json or ref(ENTITY)"

static int parse_uint(const char **p, int *out)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v > FERRY_SIZE_MAX)
			return -1;
		(*p)++;
	}
	*out = (int)v;
	return 0;
}

int ferry_type__parse(ferry_type *out, const char *text, ferry_str *err)
{
	size_t i, nlen;
	const char *p, *open;

	memset(out, 0, sizeof(*out));
	open = strchr(text, '(');
	nlen = open ? (size_t)(open - text) : strlen(text);
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strlen(type_names[i].name) == nlen &&
		    !strncmp(type_names[i].name, text, nlen))
			break;
	}
	if (i == sizeof(type_names) / sizeof(type_names[0])) {
		ferry_str_printf(err, "unknown type '%s'; use " TYPE_LIST,
			text);
		return -1;
	}
	out->base = type_names[i].base;
	if (type_names[i].args == 0) {
		if (open)
			goto bad;
		return 0;
	}
	if (!open)
		goto bad;
	p = open + 1;
	switch (type_names[i].args) {
	case 1:
		if (parse_uint(&p, &out->size) < 0 || out->size < 1)
			goto bad;
		break;
	case 2:
		if (parse_uint(&p, &out->size) < 0 || *p++ != ',' ||
		    parse_uint(&p, &out->scale) < 0 || out->size < 1 ||
		    out->size > 38 || out->scale > out->size)
			goto bad;
		break;
	default: {
		const char *close = strchr(p, ')');
		size_t len = close ? (size_t)(close - p) : 0;

		if (!close || len >= sizeof(out->ref))
			goto bad;
		memcpy(out->ref, p, len);
		out->ref[len] = '\0';
		if (!ferry_ident_valid(out->ref))
			goto bad;
		p = close;
	}
	}
	if (strcmp(p, ")") != 0)
		goto bad;
	return 0;
bad:
	ferry_str_printf(err, "malformed type '%s'; use " TYPE_LIST
		" (sizes 1 to %d, decimal precision 1 to 38)", text,
		FERRY_SIZE_MAX);
	return -1;
}

void ferry_type__format(char out[FERRY_TYPE_TEXT_MAX], const ferry_type *t)
{
	size_t i;
	const char *name = "?";

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].base == t->base)
			name = type_names[i].name;
	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
		snprintf(out, FERRY_TYPE_TEXT_MAX, "%s(%d)", name, t->size);
		break;
	case FERRY_T_DECIMAL:
		snprintf(out, FERRY_TYPE_TEXT_MAX, "%s(%d,%d)", name, t->size,
			t->scale);
		break;
	case FERRY_T_REF:
		snprintf(out, FERRY_TYPE_TEXT_MAX, "ref(%s)", t->ref);
		break;
	default:
		snprintf(out, FERRY_TYPE_TEXT_MAX, "%s", name);
	}
}

/*
 * "HH:MM:SS" and an optional fraction of 1 to 9 digits at t, written to
 * out in canonical form (trailing zeros of the fraction dropped); the
 * number of bytes of text read, or -1.
 */
static int time_part(char *out, size_t outlen, const char *t)
{
	size_t n = 8, k, keep;

	if (strlen(t) < 8 || t[2] != ':' || t[5] != ':')
		return -1;
	for (k = 0; k < 8; k++)
		if (k != 2 && k != 5 && (t[k] < '0' || t[k] > '9'))
			return -1;
	if ((t[0] - '0') * 10 + (t[1] - '0') > 23 ||
	    (t[3] - '0') * 10 + (t[4] - '0') > 59 ||
	    (t[6] - '0') * 10 + (t[7] - '0') > 59)
		return -1;
	keep = 8;
	if (t[8] == '.') {
		for (k = 9; t[k] >= '0' && t[k] <= '9'; k++)
			if (t[k] != '0')
				keep = k + 1;
		if (k == 9 || k > 18)
			return -1;
		n = k;
	}
	if (keep >= outlen)
		return -1;
	memcpy(out, t, keep);
	out[keep] = '\0';
	return (int)n;
}

int ferry_type__time_canonical(char out[FERRY_DATETIME_MAX],
	const char *text)
{
	int n = time_part(out, FERRY_DATETIME_MAX, text);

	return n < 0 || text[n] != '\0' ? -1 : 0;
}

int ferry_type__datetime_canonical(char out[FERRY_DATETIME_MAX],
	const char *text)
{
	char whole[FERRY_ISO_LEN], tm[FERRY_DATETIME_MAX];
	int64_t when;
	int n;

	/* The date and the "T" (or space), then the time and "Z". */
	if (strlen(text) < 20 || (text[10] != 'T' && text[10] != ' ') ||
	    (n = time_part(tm, sizeof(tm), text + 11)) < 0 ||
	    strcmp(text + 11 + n, "Z") != 0)
		return -1;
	memcpy(whole, text, 19);
	memcpy(whole + 19, "Z", 2);
	if (ferry_time_parse_iso(&when, whole) < 0)
		return -1;
	ferry_time_format_iso(whole, when);
	/* The whole seconds as ferry writes them, then the fraction
	 * (at most ".123456789"). */
	memcpy(out, whole, 19);
	n = (int)strlen(tm + 8);
	memcpy(out + 19, tm + 8, (size_t)n);
	memcpy(out + 19 + n, "Z", 2);
	return 0;
}

int ferry_type__float_canonical(char out[32], double d)
{
	int p;

	if (!isfinite(d))
		return -1;
	/* One zero: -0.0 would print as "-0" (see ferry_json__canonical). */
	if (d == 0.0) {
		memcpy(out, "0", 2);
		return 0;
	}
	for (p = 1; p < 17; p++) {
		snprintf(out, 32, "%.*g", p, d);
		if (strtod(out, NULL) == d)
			return 0;
	}
	snprintf(out, 32, "%.17g", d);
	return 0;
}

static int set_text(ferry_value *out, const char *s, size_t len)
{
	out->kind = FERRY_V_TEXT;
	out->len = len;
	return (out->s = ferry__strndup(s, len)) ? 0 : -1;
}

static int set_int(ferry_value *out, int64_t i)
{
	out->kind = FERRY_V_INT;
	out->i = i;
	return 0;
}

const char *ferry_json__kind_word(ferry_json_kind k)
{
	static const char *const words[] = { "null", "a boolean",
		"a boolean", "an integer", "a number with a fraction",
		"a string", "an object", "an array" };

	return (unsigned)k < sizeof(words) / sizeof(words[0]) ? words[k] :
		"null";
}

/* v as ferry_type__fit() sees it (strings only when needed). */
static ferry_json_scalar json_scalar(json_t *v)
{
	ferry_json_scalar s;

	memset(&s, 0, sizeof(s));
	switch (json_typeof(v)) {
	case JSON_OBJECT: s.kind = FERRY_JSON_OBJECT; break;
	case JSON_ARRAY: s.kind = FERRY_JSON_ARRAY; break;
	case JSON_STRING:
		s.kind = FERRY_JSON_STRING;
		s.text = json_string_value(v);
		s.len = json_string_length(v);
		s.chars = -2;
		break;
	case JSON_INTEGER:
		s.kind = FERRY_JSON_INTEGER;
		s.i = json_integer_value(v);
		s.d = (double)s.i;
		break;
	case JSON_REAL:
		s.kind = FERRY_JSON_REAL;
		s.d = json_real_value(v);
		break;
	case JSON_TRUE: s.kind = FERRY_JSON_TRUE; break;
	case JSON_FALSE: s.kind = FERRY_JSON_FALSE; break;
	default: s.kind = FERRY_JSON_NULL; break;
	}
	return s;
}

static const char *json_kind(json_t *v)
{
	ferry_json_scalar s = json_scalar(v);

	return ferry_json__kind_word(s.kind);
}

/*
 * The decimal a JSON value stands for, in t's normal form (norm, 64
 * bytes): a string as written, an integer in full, and a number with a
 * fraction as the decimal it was written as, the one with the fewest
 * fraction digits that reads back as the same double (0.1, never
 * 0.1000000000000000055...).  Needing more digits than the scale means
 * it does not fit: 12.345 into decimal(5,2) is refused.  0 or -1.
 */
static int decimal_of(char norm[64], const ferry_type *t,
	const ferry_json_scalar *v)
{
	char in[64];
	int k, n;

	switch (v->kind) {
	case FERRY_JSON_STRING:
		if (!v->text || v->len >= sizeof(in))
			return -1;
		snprintf(in, sizeof(in), "%s", v->text);
		break;
	case FERRY_JSON_INTEGER:
		if (v->big)
			return -1;
		snprintf(in, sizeof(in), "%" PRId64, v->i);
		break;
	case FERRY_JSON_REAL:
		if (!isfinite(v->d))
			return -1;
		for (k = 0; k <= t->scale; k++) {
			n = snprintf(in, sizeof(in), "%.*f", k, v->d);
			if (n < 0 || (size_t)n >= sizeof(in))
				return -1;
			if (strtod(in, NULL) == v->d)
				break;
		}
		if (k > t->scale)
			return -1;
		break;
	default:
		return -1;
	}
	return ferry_decimal_normalize(norm, 64, in, t->size, t->scale);
}

static int convert_decimal(ferry_value *out, const ferry_type *t,
	const ferry_json_scalar *s, ferry_str *err)
{
	char norm[64];

	if (decimal_of(norm, t, s) < 0)
		goto bad;
	return set_text(out, norm, strlen(norm));
bad:
	ferry_str_printf(err, "decimal(%d,%d) takes a number with at most "
		"%d digits before and %d after the point", t->size, t->scale,
		t->size - t->scale, t->scale);
	return -1;
}

/* What a string field takes from a JSON string: 0, or -1 (err). */
static int convert_text(ferry_value *out, const ferry_field *f,
	const char *s, size_t len, ferry_str *err)
{
	const ferry_type *t = &f->type;
	size_t chars;

	if (memchr(s, '\0', len)) {
		ferry_str_puts(err, "text may not contain NUL characters");
		return -1;
	}
	chars = ferry_utf8_length(s, len);
	if (t->base != FERRY_T_TEXT && chars > (size_t)t->size) {
		ferry_str_printf(err, "%s holds at most %d characters; got %zu",
			f->type_text, t->size, chars);
		return -1;
	}
	if (len > FERRY_TEXT_MAX) {
		ferry_str_printf(err, "text holds at most %u bytes",
			FERRY_TEXT_MAX);
		return -1;
	}
	return set_text(out, s, len);
}

static int date_refused(const char *got, ferry_str *err)
{
	ferry_str_printf(err, "date takes \"YYYY-MM-DD\"; got %s", got);
	return -1;
}

static int datetime_refused(int dt, const char *got, ferry_str *err)
{
	ferry_str_printf(err, "%s takes \"%s\"%s (up to 9 fraction digits); "
		"got %s", dt ? "datetime" : "time",
		dt ? "YYYY-MM-DDTHH:MM:SS[.fff]Z" : "HH:MM:SS[.fff]",
		dt ? " (UTC)" : "", got);
	return -1;
}

static int ref_refused(const ferry_field *f, ferry_str *err)
{
	ferry_str_printf(err, "%s takes the sys_id (a lowercase UUID or 32 "
		"hex digits) of a %s record", f->type_text, f->type.ref);
	return -1;
}

int ferry_type__convert_string(ferry_value *out, const ferry_field *f,
	const char *s, size_t len, ferry_str *err)
{
	const ferry_type *t = &f->type;
	int64_t when;

	memset(out, 0, sizeof(*out));
	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
		return convert_text(out, f, s, len, err);
	case FERRY_T_DECIMAL: {
		ferry_json_scalar js;

		memset(&js, 0, sizeof(js));
		js.kind = FERRY_JSON_STRING;
		js.text = s;
		js.len = len;
		return convert_decimal(out, t, &js, err);
	}
	case FERRY_T_DATE:
		if (ferry_time_parse_date(&when, s) < 0)
			return date_refused(s, err);
		return set_text(out, s, 10);
	case FERRY_T_DATETIME:
	case FERRY_T_TIME: {
		char iso[FERRY_DATETIME_MAX];
		int dt = t->base == FERRY_T_DATETIME;

		if ((dt ? ferry_type__datetime_canonical(iso, s) :
		    ferry_type__time_canonical(iso, s)) < 0)
			return datetime_refused(dt, s, err);
		return set_text(out, iso, strlen(iso));
	}
	case FERRY_T_REF:
		if (!ferry_sys_id_valid(s))
			return ref_refused(f, err);
		return set_text(out, s, len);
	default:
		return 1;
	}
}

int ferry_type__convert(ferry_value *out, const ferry_field *f, json_t *v,
	ferry_str *err)
{
	const ferry_type *t = &f->type;
	int rc;

	memset(out, 0, sizeof(*out));
	if (json_is_null(v))
		return 0;
	if (json_is_string(v) && (rc = ferry_type__convert_string(out, f,
	    json_string_value(v), json_string_length(v), err)) <= 0)
		return rc;
	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
		goto wrong;
	case FERRY_T_INT:
		if (!json_is_integer(v))
			goto wrong;
		if (json_integer_value(v) < INT32_MIN ||
		    json_integer_value(v) > INT32_MAX) {
			ferry_str_printf(err, "int holds %d to %d; got %"
				JSON_INTEGER_FORMAT "; use bigint for larger "
				"numbers", INT32_MIN, INT32_MAX,
				json_integer_value(v));
			return -1;
		}
		return set_int(out, json_integer_value(v));
	case FERRY_T_BIGINT:
		if (!json_is_integer(v))
			goto wrong;
		return set_int(out, json_integer_value(v));
	case FERRY_T_BOOL:
		if (!json_is_boolean(v))
			goto wrong;
		return set_int(out, json_is_true(v) ? 1 : 0);
	case FERRY_T_DECIMAL: {
		ferry_json_scalar js = json_scalar(v);

		return convert_decimal(out, t, &js, err);
	}
	case FERRY_T_DATE:
		return date_refused(json_kind(v), err);
	case FERRY_T_DATETIME:
	case FERRY_T_TIME:
		return datetime_refused(t->base == FERRY_T_DATETIME,
			json_kind(v), err);
	case FERRY_T_FLOAT: {
		char num[32];

		if (!json_is_number(v))
			goto wrong;
		if (ferry_type__float_canonical(num,
		    json_number_value(v)) < 0) {
			ferry_str_puts(err, "float takes a finite number");
			return -1;
		}
		return set_text(out, num, strlen(num));
	}
	case FERRY_T_JSON: {
		ferry_str c = FERRY_STR_INIT;

		if (!ferry_json__depth_ok(v)) {
			ferry_str_printf(err, "json values nest at most %d "
				"levels deep", FERRY_JSON_DEPTH_MAX);
			return -1;
		}
		ferry_str_init(&c, FERRY_TEXT_MAX);
		ferry_json__canonical(&c, v);
		if (ferry_str_failed(&c)) {
			ferry_str_dispose(&c);
			ferry_str_printf(err, "json value larger than %u bytes",
				FERRY_TEXT_MAX);
			return -1;
		}
		rc = set_text(out, c.ptr, c.size);
		ferry_str_dispose(&c);
		return rc;
	}
	case FERRY_T_REF:
		return ref_refused(f, err);
	}
wrong:
	ferry_str_printf(err, "%s takes %s; got %s", f->type_text,
		t->base == FERRY_T_BOOL ? "true or false" :
		ferry_type__is_integer(t) ? "an integer" :
		t->base == FERRY_T_FLOAT ? "a number" : "a string",
		json_kind(v));
	return -1;
}

const char *ferry_json__error_text(const json_error_t *e)
{
	if (strstr(e->text, "JSON_ALLOW_NUL"))
		return "text may not contain NUL characters (\\u0000)";
	if (strstr(e->text, "maximum parsing depth"))
		return "arrays and objects nest too deeply";
	if (strstr(e->text, "duplicate object key"))
		return "a key appears twice in one object";
	return e->text;
}

/* How deep v nests below d levels, stopping once past the limit. */
static int depth(json_t *v, int d)
{
	const char *key;
	json_t *m;
	size_t i;
	int deepest, c;

	if (!json_is_object(v) && !json_is_array(v))
		return d;
	deepest = ++d;
	if (json_is_object(v)) {
		json_object_foreach(v, key, m)
			if ((c = depth(m, d)) > deepest &&
			    (deepest = c) > FERRY_JSON_DEPTH_MAX)
				break;
	} else {
		json_array_foreach(v, i, m)
			if ((c = depth(m, d)) > deepest &&
			    (deepest = c) > FERRY_JSON_DEPTH_MAX)
				break;
	}
	return deepest;
}

int ferry_json__depth_ok(json_t *v)
{
	return depth(v, 0) <= FERRY_JSON_DEPTH_MAX;
}

int ferry_json__text_depth_ok(const char *s, size_t len)
{
	size_t i;
	int d = 0, in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
		} else if (s[i] == '"') {
			in_string = 1;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++d > FERRY_JSON_DEPTH_MAX)
				return 0;
		} else if (s[i] == ']' || s[i] == '}') {
			d--;
		}
	}
	return 1;
}

int ferry_type__fits(const ferry_field *f, int64_t i, const char *s,
	int is_int)
{
	const ferry_type *t = &f->type;
	char norm[64];
	int64_t when;

	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
		return !is_int && s &&
			ferry_utf8_length(s, strlen(s)) <= (size_t)t->size;
	case FERRY_T_TEXT:
		return !is_int;
	case FERRY_T_INT:
		return is_int && i >= INT32_MIN && i <= INT32_MAX;
	case FERRY_T_BIGINT:
		return is_int;
	case FERRY_T_BOOL:
		return is_int && (i == 0 || i == 1);
	case FERRY_T_DECIMAL:
		return !is_int && s && ferry_decimal_normalize(norm,
			sizeof(norm), s, t->size, t->scale) == 0 &&
			!strcmp(norm, s);
	case FERRY_T_DATE:
		return !is_int && s && ferry_time_parse_date(&when, s) == 0;
	case FERRY_T_DATETIME:
		return !is_int && s &&
			ferry_type__datetime_canonical(norm, s) == 0 &&
			!strcmp(norm, s);
	case FERRY_T_TIME:
		return !is_int && s && ferry_type__time_canonical(norm, s) == 0 &&
			!strcmp(norm, s);
	case FERRY_T_FLOAT: {
		char *end;
		double d;

		if (is_int || !s || !*s)
			return 0;
		d = strtod(s, &end);
		return *end == '\0' && ferry_type__float_canonical(norm, d) == 0 &&
			!strcmp(norm, s);
	}
	case FERRY_T_JSON: {
		json_t *j;
		int ok;

		if (is_int || !s)
			return 0;
		j = json_loads(s, JSON_DECODE_ANY, NULL);
		ok = j != NULL && ferry_json__depth_ok(j);
		json_decref(j);
		return ok;
	}
	case FERRY_T_REF:
		return !is_int && s && ferry_sys_id_valid(s);
	}
	return 0;
}

ferry_fit ferry_type__fit(const ferry_field *f, const ferry_json_scalar *v)
{
	const ferry_type *t = &f->type;
	const char *s = v->kind == FERRY_JSON_STRING ? v->text : NULL;
	char norm[64], iso[FERRY_DATETIME_MAX];
	long chars = v->chars;

	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
		if (v->kind != FERRY_JSON_STRING)
			return FERRY_FIT_NO;
		if (chars == -2)
			chars = memchr(s, '\0', v->len) ? -1 :
				(long)ferry_utf8_length(s, v->len);
		if (chars < 0)
			return FERRY_FIT_NO;
		if (t->base == FERRY_T_TEXT)
			return v->len <= FERRY_TEXT_MAX ? FERRY_FIT_STORED :
				FERRY_FIT_NO;
		return chars <= t->size ? FERRY_FIT_STORED : FERRY_FIT_NO;
	case FERRY_T_DATE:
	case FERRY_T_REF:
		return s && ferry_type__fits(f, 0, s, 0) ? FERRY_FIT_STORED :
			FERRY_FIT_NO;
	case FERRY_T_DATETIME:
	case FERRY_T_TIME:
		if (!s || (t->base == FERRY_T_TIME ?
		    ferry_type__time_canonical(iso, s) :
		    ferry_type__datetime_canonical(iso, s)) < 0)
			return FERRY_FIT_NO;
		return strcmp(iso, s) ? FERRY_FIT_CONVERTS : FERRY_FIT_STORED;
	case FERRY_T_DECIMAL:
		if (decimal_of(norm, t, v) < 0)
			return FERRY_FIT_NO;
		return s && !strcmp(norm, s) ? FERRY_FIT_STORED :
			FERRY_FIT_CONVERTS;
	case FERRY_T_FLOAT:
		/* The payload holds a JSON number, stored as its text. */
		return (v->kind == FERRY_JSON_INTEGER ||
			v->kind == FERRY_JSON_REAL) &&
			ferry_type__float_canonical(norm, v->d) == 0 ?
			FERRY_FIT_CONVERTS : FERRY_FIT_NO;
	case FERRY_T_INT:
	case FERRY_T_BIGINT:
		return v->kind == FERRY_JSON_INTEGER && !v->big &&
			ferry_type__fits(f, v->i, NULL, 1) ? FERRY_FIT_STORED :
			FERRY_FIT_NO;
	case FERRY_T_BOOL:
		return v->kind == FERRY_JSON_TRUE ||
			v->kind == FERRY_JSON_FALSE ? FERRY_FIT_STORED :
			FERRY_FIT_NO;
	case FERRY_T_JSON:
		if (v->kind == FERRY_JSON_NULL)
			return FERRY_FIT_NO;
		return (v->kind != FERRY_JSON_OBJECT &&
			v->kind != FERRY_JSON_ARRAY) ||
			ferry_json__text_depth_ok(v->text, v->len) ?
			FERRY_FIT_STORED : FERRY_FIT_NO;
	}
	return FERRY_FIT_NO;
}

/*
 * The characters of a canonical JSON string's content (raw, between its
 * quotes), or -1 if it holds a NUL, which no text field takes; *bytes
 * the bytes it stands for.  Canonical escapes stand for one character
 * (and byte) each.
 */
static long string_chars(const char *p, size_t len, size_t *bytes)
{
	long n = 0;
	size_t i;

	*bytes = len;
	for (i = 0; i < len; i++) {
		if (p[i] == '\\') {
			if (i + 5 < len && p[i + 1] == 'u' &&
			    !memcmp(p + i + 2, "0000", 4))
				return -1;
			*bytes -= p[i + 1] == 'u' ? 5 : 1;
			i += p[i + 1] == 'u' ? 5 : 1;
			n++;
		} else if (((unsigned char)p[i] & 0xc0) != 0x80) {
			n++;
		}
	}
	return n;
}

/* An integer's JSON text: 0, or -1 outside int64. */
static int int_text(int64_t *out, const char *v, size_t len)
{
	int64_t i = 0;
	size_t k = v[0] == '-';
	int neg = k;

	if (len == k || len > 20)
		return -1;
	for (; k < len; k++) {
		int d;

		if (v[k] < '0' || v[k] > '9')
			return -1;
		d = v[k] - '0';
		/* accumulate negatively: INT64_MIN fits */
		if (i < (INT64_MIN + d) / 10)
			return -1;
		i = i * 10 - d;
	}
	if (!neg && i == INT64_MIN)
		return -1;
	*out = neg ? i : -i;
	return 0;
}

/* A canonical value's text as a scalar; buf (72 bytes) holds a short
 * string's or number's characters. */
static void text_scalar(ferry_json_scalar *s, char buf[72], const char *v,
	size_t len)
{
	size_t n;

	memset(s, 0, sizeof(*s));
	switch (v[0]) {
	case '"':
		s->kind = FERRY_JSON_STRING;
		n = len >= 2 ? len - 2 : 0;
		if (n < 72 && !memchr(v + 1, '\\', n)) {
			memcpy(buf, v + 1, n);
			buf[n] = '\0';
			s->text = buf;
		}
		s->chars = string_chars(v + 1, n, &s->len);
		return;
	case '{':
	case '[':
		s->kind = v[0] == '{' ? FERRY_JSON_OBJECT : FERRY_JSON_ARRAY;
		s->text = v;
		s->len = len;
		return;
	case 't': s->kind = FERRY_JSON_TRUE; return;
	case 'f': s->kind = FERRY_JSON_FALSE; return;
	case 'n': s->kind = FERRY_JSON_NULL; return;
	}
	s->kind = memchr(v, '.', len) || memchr(v, 'e', len) ||
		memchr(v, 'E', len) ? FERRY_JSON_REAL : FERRY_JSON_INTEGER;
	if (len >= 72) {
		s->big = 1;
		s->d = NAN;
		return;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	s->d = strtod(buf, NULL);
	if (s->kind == FERRY_JSON_INTEGER)
		s->big = int_text(&s->i, v, len) < 0;
}

ferry_fit ferry_type__fit_text(const ferry_field *f, const char *v,
	size_t len)
{
	ferry_json_scalar s;
	char buf[72];

	text_scalar(&s, buf, v, len);
	return ferry_type__fit(f, &s);
}

int ferry_type__payload_check(ferry_str *why, ferry_str *refs,
	const char *entity, const ferry_fieldset *fs, const char *payload,
	size_t len)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	size_t k = 0;
	int rc;
	char sep = '{';

	if (ferry_canon__begin(&it, payload, len) < 0) {
		ferry_str_puts(why, "has a payload that is not an object");
		return 1;
	}
	while ((rc = ferry_canon__next(&it, &m)) == 1) {
		const ferry_field *f;
		ferry_json_scalar s;
		char buf[72];
		ferry_fit r;
		int cmp = 1;

		/* Keys and fields are both sorted: walk them together. */
		while (k < fs->n && (cmp = strncmp(fs->fields[k].name,
		    m.key, m.key_len)) < 0)
			k++;
		if (k < fs->n && cmp == 0 &&
		    fs->fields[k].name[m.key_len] != '\0')
			cmp = 1;
		if (k >= fs->n || cmp != 0) {
			ferry_str_printf(why, "sets field %.*s, which the "
				"package does not declare for entity %s",
				(int)m.key_len, m.key, entity);
			return 1;
		}
		f = &fs->fields[k];
		text_scalar(&s, buf, m.value, m.value_len);
		if ((r = ferry_type__fit(f, &s)) < FERRY_FIT_STORED) {
			ferry_str_printf(why, "sets %s.%s to %s, which %s its "
				"declared type %s", entity, f->name,
				ferry_json__kind_word(s.kind), r ? "is not in "
				"the canonical form of" : "does not fit",
				f->type_text);
			return 1;
		}
		if (refs && f->type.base == FERRY_T_REF) {
			ferry_str_putc(refs, sep);
			ferry_str_putc(refs, '"');
			ferry_str_put(refs, m.key, m.key_len);
			ferry_str_puts(refs, "\":");
			ferry_str_put(refs, m.value, m.value_len);
			sep = ',';
		}
	}
	if (rc < 0) {
		ferry_str_puts(why, "has a payload that is not canonical "
			"JSON");
		return 1;
	}
	if (refs)
		ferry_str_puts(refs, sep == '{' ? "{}" : "}");
	return 0;
}

void ferry_type__canonical(ferry_str *s, const ferry_field *f,
	const ferry_value *v)
{
	switch (v->kind) {
	case FERRY_V_NULL:
		ferry_str_puts(s, "null");
		return;
	case FERRY_V_INT:
		if (f->type.base == FERRY_T_BOOL)
			ferry_str_puts(s, v->i ? "true" : "false");
		else
			ferry_str_put_i64(s, v->i);
		return;
	case FERRY_V_TEXT:
		if (f->type.base == FERRY_T_JSON ||
		    f->type.base == FERRY_T_FLOAT)
			ferry_str_put(s, v->s, v->len);
		else
			ferry_str_put_json(s, v->s, v->len);
		return;
	}
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ferry_json__put_real(ferry_str *s, double d)
{
	/* -0.0 would print as "-0", which reads back as the integer 0: one
	 * canonical zero keeps the form a fixed point. */
	if (d == 0.0)
		ferry_str_putc(s, '0');
	else
		ferry_str_printf(s, "%.17g", d);
}

void ferry_json__canonical(ferry_str *s, json_t *v)
{
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys;
		const char *key;
		json_t *val;

		n = json_object_size(v);
		if ((keys = ferry__calloc(n ? n : 1, sizeof(*keys))) == NULL) {
			s->failed = 1;
			return;
		}
		i = 0;
		json_object_foreach(v, key, val)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), key_cmp);
		ferry_str_putc(s, '{');
		for (i = 0; i < n; i++) {
			if (i)
				ferry_str_putc(s, ',');
			ferry_str_puts_json(s, keys[i]);
			ferry_str_putc(s, ':');
			ferry_json__canonical(s, json_object_get(v, keys[i]));
		}
		ferry_str_putc(s, '}');
		ferry__free(keys);
		return;
	}
	case JSON_ARRAY:
		ferry_str_putc(s, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				ferry_str_putc(s, ',');
			ferry_json__canonical(s, json_array_get(v, i));
		}
		ferry_str_putc(s, ']');
		return;
	case JSON_STRING:
		ferry_str_put_json(s, json_string_value(v),
			json_string_length(v));
		return;
	case JSON_INTEGER:
		ferry_str_put_i64(s, json_integer_value(v));
		return;
	case JSON_REAL:
		ferry_json__put_real(s, json_real_value(v));
		return;
	case JSON_TRUE:
		ferry_str_puts(s, "true");
		return;
	case JSON_FALSE:
		ferry_str_puts(s, "false");
		return;
	case JSON_NULL:
		ferry_str_puts(s, "null");
		return;
	}
}

/* About the bytes of a payload of these values: a text may grow by an
 * eighth in escapes.  Growing the buffer once instead of doubling it
 * from 64 bytes was five reallocations fewer for each record a load
 * makes. */
static size_t payload_guess(const ferry_fieldset *fs, const ferry_value *values)
{
	size_t i, n = 2;

	for (i = 0; i < fs->n; i++)
		if (values[i].kind != FERRY_V_NULL)
			n += strlen(fs->fields[i].name) + 4 +
				(values[i].kind == FERRY_V_TEXT ?
				values[i].len + values[i].len / 8 + 2 : 20);
	return n;
}

void ferry_type__payload(ferry_str *s, const ferry_fieldset *fs,
	const ferry_value *values)
{
	size_t i;
	int first = 1;

	ferry_str_grow(s, payload_guess(fs, values));
	ferry_str_putc(s, '{');
	for (i = 0; i < fs->n; i++) {
		if (values[i].kind == FERRY_V_NULL)
			continue;
		if (!first)
			ferry_str_putc(s, ',');
		first = 0;
		ferry_str_puts_json(s, fs->fields[i].name);
		ferry_str_putc(s, ':');
		ferry_type__canonical(s, &fs->fields[i], &values[i]);
	}
	ferry_str_putc(s, '}');
}
