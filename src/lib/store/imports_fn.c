/*
 * imports_fn.c - the SQL functions the import statements call (see
 * store.h, "imports"): name, sys_id and hash checks, canonical JSON,
 * whether a value fits a field type, and version hashes.  They are what
 * lets load and preview check every item set-wise, inside SQLite, instead
 * of parsing each one in C.
 */
#include "imports.h"

#include "canonical.h"
#include "merge3.h"
#include "records.h"
#include "text.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>

/* ---- SQL functions ------------------------------------------------------- */

/* A text argument without NUL bytes, or NULL. */
static const char *text_arg(sqlite3_value *v)
{
	const char *s;

	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return NULL;
	s = (const char *)sqlite3_value_text(v);
	if (!s || strlen(s) != (size_t)sqlite3_value_bytes(v))
		return NULL;
	return s;
}

static int entity_ok(const char *s)
{
	if (ferry__is_system_entity(s))
		return 1;
	return ferry_ident_valid(s) && !ferry__entity_name_reserved(s);
}

static void fn_entity_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = text_arg(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s && entity_ok(s));
}

static void fn_field_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = text_arg(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s && ferry_ident_valid(s) &&
		!ferry__field_name_reserved(s));
}

static void fn_sys_id_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = text_arg(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s && ferry_sys_id_valid(s));
}

static void fn_hex64(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = text_arg(argv[0]);
	size_t i;
	int ok = s && strlen(s) == 64;

	(void)argc;
	for (i = 0; ok && i < 64; i++)
		ok = (s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f');
	sqlite3_result_int(ctx, ok);
}

static void fn_type_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = text_arg(argv[0]);
	ferry_str err = FERRY_STR_INIT;
	ferry_type t;

	(void)argc;
	sqlite3_result_int(ctx, s && ferry_type__parse(&t, s, &err) == 0);
	ferry_str_dispose(&err);
}

/* The escape at s[i] (a backslash) as ferry_str_put_json() writes it:
 * the length of the escape, or 0. */
static size_t canonical_escape(const unsigned char *s, size_t n, size_t i)
{
	unsigned v;

	if (i + 1 >= n)
		return 0;
	if (s[i + 1] != 'u')
		return strchr("\"\\nrtbf", s[i + 1]) && s[i + 1] ? 2 : 0;
	/* "u00XX", lowercase, only for controls without a short form */
	if (i + 5 >= n || s[i + 2] != '0' || s[i + 3] != '0' ||
	    (s[i + 4] != '0' && s[i + 4] != '1') ||
	    !strchr("0123456789abcdef", s[i + 5]) || !s[i + 5])
		return 0;
	v = (unsigned)(s[i + 4] - '0') * 16 + (unsigned)(s[i + 5] <= '9' ?
		s[i + 5] - '0' : s[i + 5] - 'a' + 10);
	return v && strchr("\b\t\n\f\r", (int)v) ? 0 : 6;
}

/* A top-level key: a field name, after the previous one in byte order. */
static int canonical_key(const unsigned char *key, size_t len,
	const unsigned char *prev, size_t plen)
{
	size_t k;
	int cmp;

	if (len == 0 || len > FERRY_IDENT_MAX || key[0] < 'a' || key[0] > 'z')
		return 0;
	for (k = 1; k < len; k++)
		if (!((key[k] >= 'a' && key[k] <= 'z') ||
		    (key[k] >= '0' && key[k] <= '9') || key[k] == '_'))
			return 0;
	if (!prev)
		return 1;
	cmp = memcmp(prev, key, plen < len ? plen : len);
	return cmp < 0 || (cmp == 0 && plen < len);
}

/*
 * Canonical JSON (types.h): no white space outside strings, strings
 * escaped as ferry_str_put_json() does, and at the top level field names
 * as keys in strictly ascending byte order (so no key twice).  The text
 * was already parsed by SQLite, so only canonical form is checked here.
 */
static int canonical(const unsigned char *s, size_t n)
{
	const unsigned char *prev = NULL;
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
				if ((e = canonical_escape(s, n, i)) == 0)
					return 0;
				i += e - 1;
			}
			if (i >= n)
				return 0;
			if (depth == 1 && expect_key) {
				if (!canonical_key(s + start, i - start, prev,
				    plen))
					return 0;
				prev = s + start;
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

static void fn_canonical(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s && canonical(s,
		(size_t)sqlite3_value_bytes(argv[0])));
}

/*
 * 2 if a JSON value (its json_each type and SQL value) is exactly the
 * stored form of the type, 1 if ferry_type__convert() turns it into
 * one, 0 if it does not fit.
 */
static int fits(const ferry_field *f, const char *jtype, sqlite3_value *v)
{
	const ferry_type *t = &f->type;
	int is_text = !strcmp(jtype, "text");
	const char *s = is_text ? text_arg(v) : NULL;
	char norm[64], iso[FERRY_DATETIME_MAX];

	if (is_text && !s)
		return 0;
	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
	case FERRY_T_DATE:
	case FERRY_T_REF:
		return s && ferry_type__fits(f, 0, s, 0) ? 2 : 0;
	case FERRY_T_DATETIME:
	case FERRY_T_TIME:
		if (!s || (t->base == FERRY_T_TIME ?
		    ferry_type__time_canonical(iso, s) :
		    ferry_type__datetime_canonical(iso, s)) < 0)
			return 0;
		return strcmp(iso, s) ? 1 : 2;
	case FERRY_T_FLOAT:
		/* Converted one by one: the payload holds a JSON number. */
		return !strcmp(jtype, "integer") || !strcmp(jtype, "real") ?
			(ferry_type__float_canonical(norm,
			sqlite3_value_double(v)) == 0 ? 1 : 0) : 0;
	case FERRY_T_INT:
	case FERRY_T_BIGINT:
		return !strcmp(jtype, "integer") &&
			sqlite3_value_type(v) == SQLITE_INTEGER &&
			ferry_type__fits(f, sqlite3_value_int64(v), NULL, 1) ?
			2 : 0;
	case FERRY_T_BOOL:
		return !strcmp(jtype, "true") ||
			!strcmp(jtype, "false") ? 2 : 0;
	case FERRY_T_DECIMAL:
		if (s) {
			if (ferry_decimal_normalize(norm, sizeof(norm), s,
			    t->size, t->scale) < 0)
				return 0;
			return strcmp(norm, s) ? 1 : 2;
		}
		if (!strcmp(jtype, "integer") || !strcmp(jtype, "real")) {
			char in[64];

			snprintf(in, sizeof(in), "%.17g",
				sqlite3_value_double(v));
			return ferry_decimal_normalize(norm, sizeof(norm), in,
				t->size, t->scale) == 0 ? 1 : 0;
		}
		return 0;
	case FERRY_T_JSON:
		if (!strcmp(jtype, "null"))
			return 0;
		s = (const char *)sqlite3_value_text(v);
		return !s || ferry_json__text_depth_ok(s,
			(size_t)sqlite3_value_bytes(v)) ? 2 : 0;
	}
	return 0;
}

/* A parsed type, kept as the function's auxiliary data while its type
 * argument stays the same (it is a literal in ferry's statements). */
static int parse_field(ferry_field *f, const char *type)
{
	ferry_str err = FERRY_STR_INIT;
	size_t len = strlen(type);
	int rc;

	memset(f, 0, sizeof(*f));
	rc = len < sizeof(f->type_text) ? ferry_type__parse(&f->type, type,
		&err) : -1;
	ferry_str_dispose(&err);
	if (rc == 0)
		memcpy(f->type_text, type, len + 1);
	return rc;
}

static void fn_fits(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *type = text_arg(argv[0]), *jtype = text_arg(argv[1]);
	ferry_field local, *f;

	(void)argc;
	if (!type || !jtype) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if ((f = sqlite3_get_auxdata(ctx, 0)) == NULL ||
	    strcmp(f->type_text, type) != 0) {
		if (parse_field(&local, type) < 0) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		f = &local;
		if ((f = sqlite3_malloc(sizeof(*f))) != NULL) {
			*f = local;
			sqlite3_set_auxdata(ctx, 0, f, sqlite3_free);
		}
		f = &local;
	}
	sqlite3_result_int(ctx, fits(f, jtype, argv[2]));
}

/* The fields of one entity as a check spec: "name type;name type"
 * sorted by name, parsed once per statement. */
typedef struct {
	ferry_field *fields;
	size_t n;
} value_spec;

static void spec_free(void *p)
{
	value_spec *s = p;

	if (s) {
		sqlite3_free(s->fields);
		sqlite3_free(s);
	}
}

static value_spec *spec_parse(const char *text)
{
	value_spec *s = sqlite3_malloc(sizeof(*s));
	size_t cap = 0;
	const char *p = text;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	while (*p) {
		const char *sp = strchr(p, ' '), *end = strchr(p, ';');
		ferry_field *f;
		char type[FERRY_TYPE_TEXT_MAX];

		if (!end)
			end = p + strlen(p);
		if (!sp || sp > end || (size_t)(sp - p) >= FERRY_NAME_MAX ||
		    (size_t)(end - sp - 1) >= sizeof(type))
			goto fail;
		if (s->n == cap) {
			ferry_field *nf;

			cap = cap ? cap * 2 : 16;
			nf = sqlite3_realloc64(s->fields, cap * sizeof(*nf));
			if (!nf)
				goto fail;
			s->fields = nf;
		}
		f = &s->fields[s->n];
		memcpy(type, sp + 1, (size_t)(end - sp - 1));
		type[end - sp - 1] = '\0';
		if (parse_field(f, type) < 0)
			goto fail;
		memcpy(f->name, p, (size_t)(sp - p));
		f->name[sp - p] = '\0';
		s->n++;
		p = *end ? end + 1 : end;
	}
	return s;
fail:
	spec_free(s);
	return NULL;
}

/*
 * The characters of a canonical JSON string's content (raw, between its
 * quotes), or -1 if it holds a NUL, which no text field takes.  Canonical
 * escapes stand for one character each.
 */
static long string_chars(const char *p, size_t len)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\') {
			if (i + 5 < len && p[i + 1] == 'u' &&
			    !memcmp(p + i + 2, "0000", 4))
				return -1;
			i += p[i + 1] == 'u' ? 5 : 1;
			n++;
		} else if (((unsigned char)p[i] & 0xc0) != 0x80) {
			n++;
		}
	}
	return n;
}

/*
 * 2 if a raw canonical JSON value is the stored form of field f's type
 * (as fits() says of SQLite's values), 1 if it converts, else 0.
 */
static int fits_raw(const ferry_field *f, const char *v, size_t len)
{
	const ferry_type *t = &f->type;
	char buf[72], norm[64], iso[FERRY_DATETIME_MAX];
	int is_string = len >= 2 && v[0] == '"', plain = 1;
	size_t n = is_string ? len - 2 : 0;
	long chars;

	if (is_string) {
		plain = !memchr(v + 1, '\\', n);
		if (plain && n < sizeof(buf)) {
			memcpy(buf, v + 1, n);
			buf[n] = '\0';
		}
	}
	switch (t->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
		if (!is_string || (chars = string_chars(v + 1, n)) < 0)
			return 0;
		if (t->base == FERRY_T_TEXT)
			return n <= FERRY_TEXT_MAX ? 2 : 0;
		return chars <= t->size ? 2 : 0;
	case FERRY_T_FLOAT:
		if (is_string || len >= sizeof(buf))
			return 0;
		memcpy(buf, v, len);
		buf[len] = '\0';
		return ferry_type__float_canonical(norm, strtod(buf, NULL)) ==
			0 ? 1 : 0;
	case FERRY_T_DATE:
	case FERRY_T_REF:
	case FERRY_T_DATETIME:
	case FERRY_T_TIME:
	case FERRY_T_DECIMAL:
		if (!is_string) {
			if (t->base != FERRY_T_DECIMAL || len >= sizeof(buf) ||
			    !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')))
				return 0;
			memcpy(buf, v, len);
			buf[len] = '\0';
			return ferry_decimal_normalize(norm, sizeof(norm), buf,
				t->size, t->scale) == 0 ? 1 : 0;
		}
		if (!plain || n >= sizeof(buf))
			return 0;
		if (t->base == FERRY_T_DATE || t->base == FERRY_T_REF)
			return ferry_type__fits(f, 0, buf, 0) ? 2 : 0;
		if (t->base == FERRY_T_DATETIME || t->base == FERRY_T_TIME) {
			if ((t->base == FERRY_T_TIME ?
			    ferry_type__time_canonical(iso, buf) :
			    ferry_type__datetime_canonical(iso, buf)) < 0)
				return 0;
			return strcmp(iso, buf) ? 1 : 2;
		}
		if (ferry_decimal_normalize(norm, sizeof(norm), buf, t->size,
		    t->scale) < 0)
			return 0;
		return strcmp(norm, buf) ? 1 : 2;
	case FERRY_T_INT:
	case FERRY_T_BIGINT: {
		int64_t i = 0;
		size_t k = v[0] == '-';
		int neg = k;

		if (len == k || len > 20)
			return 0;
		for (; k < len; k++) {
			int d;

			if (v[k] < '0' || v[k] > '9')
				return 0;
			d = v[k] - '0';
			/* accumulate negatively: INT64_MIN fits */
			if (i < (INT64_MIN + d) / 10)
				return 0;
			i = i * 10 - d;
		}
		if (!neg && i == INT64_MIN)
			return 0;
		if (!neg)
			i = -i;
		return ferry_type__fits(f, i, NULL, 1) ? 2 : 0;
	}
	case FERRY_T_BOOL:
		return (len == 4 && !memcmp(v, "true", 4)) ||
			(len == 5 && !memcmp(v, "false", 5)) ? 2 : 0;
	case FERRY_T_JSON:
		if (len == 4 && !memcmp(v, "null", 4))
			return 0;
		return ferry_json__text_depth_ok(v, len) ? 2 : 0;
	}
	return 0;
}

static const char *raw_kind(const char *v, size_t len)
{
	switch (v[0]) {
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "an array";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default:
		return memchr(v, '.', len) || memchr(v, 'e', len) ||
			memchr(v, 'E', len) ? "a number with a fraction" :
			"an integer";
	}
}

/*
 * ferry_payload_check(entity, payload, spec): NULL when every member of
 * a canonical payload is a declared field (spec) holding a value in the
 * stored form of its type; else why not, as a sentence.  One pass over
 * the payload's text, no JSON parser: load runs it on every record.
 */
static void fn_payload_check(sqlite3_context *ctx, int argc,
	sqlite3_value **argv)
{
	const char *entity = (const char *)sqlite3_value_text(argv[0]);
	const char *payload = (const char *)sqlite3_value_text(argv[1]);
	const char *spec_text = text_arg(argv[2]);
	value_spec *spec = sqlite3_get_auxdata(ctx, 2);
	ferry_canon_iter it;
	ferry_canon_member m;
	char *msg = NULL;
	size_t k = 0;
	int rc;

	(void)argc;
	if (!entity || !payload || !spec_text)
		return;
	if (!spec) {
		if ((spec = spec_parse(spec_text)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		sqlite3_set_auxdata(ctx, 2, spec, spec_free);
		if ((spec = sqlite3_get_auxdata(ctx, 2)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	if (ferry_canon__begin(&it, payload,
	    (size_t)sqlite3_value_bytes(argv[1])) < 0) {
		sqlite3_result_text(ctx, "has a payload that is not an object",
			-1, SQLITE_STATIC);
		return;
	}
	while ((rc = ferry_canon__next(&it, &m)) == 1) {
		int r = 0, cmp = 1;

		/* Keys and spec are both sorted: walk them together. */
		while (k < spec->n && (cmp = strncmp(spec->fields[k].name,
		    m.key, m.key_len)) < 0)
			k++;
		if (k < spec->n && cmp == 0 &&
		    spec->fields[k].name[m.key_len] != '\0')
			cmp = 1;
		if (k >= spec->n || cmp != 0) {
			msg = sqlite3_mprintf("sets field %.*s, which the "
				"package does not declare for entity %s",
				(int)m.key_len, m.key, entity);
			break;
		}
		if ((r = fits_raw(&spec->fields[k], m.value,
		    m.value_len)) < 2) {
			msg = sqlite3_mprintf("sets %s.%s to %s, which %s its "
				"declared type %s", entity,
				spec->fields[k].name, raw_kind(m.value,
				m.value_len), r ? "is not in the canonical "
				"form of" : "does not fit",
				spec->fields[k].type_text);
			break;
		}
	}
	if (rc < 0 && !msg)
		msg = sqlite3_mprintf("has a payload that is not canonical "
			"JSON");
	if (msg)
		sqlite3_result_text(ctx, msg, -1, sqlite3_free);
}

static void fn_version_hash(sqlite3_context *ctx, int argc,
	sqlite3_value **argv)
{
	const char *entity = text_arg(argv[0]), *key = text_arg(argv[1]),
		*action = text_arg(argv[2]);
	const char *payload = (const char *)sqlite3_value_text(argv[3]);
	char hash[FERRY_HASH_HEX];

	(void)argc;
	if (!entity || !key || !action || !payload) {
		sqlite3_result_null(ctx);
		return;
	}
	ferry__version_hash(hash, entity, key, action, payload,
		(size_t)sqlite3_value_bytes(argv[3]));
	sqlite3_result_text(ctx, hash, -1, SQLITE_TRANSIENT);
}

/* ferry_merge3(base, target, package): merge3.h's decision as a number
 * (NULL arguments are JSON null; a NULL base, a field the package leaves). */
static void fn_merge3(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, (int)ferry__merge3(
		(const char *)sqlite3_value_text(argv[0]),
		(const char *)sqlite3_value_text(argv[1]),
		(const char *)sqlite3_value_text(argv[2])));
}

static void fn_item_seal(sqlite3_context *ctx, int argc,
	sqlite3_value **argv)
{
	const char *version = text_arg(argv[0]), *policy = text_arg(argv[1]);
	char seal[FERRY_HASH_HEX];

	(void)argc;
	if (!version || !policy) {
		sqlite3_result_null(ctx);
		return;
	}
	ferry__item_seal(seal, version, policy, sqlite3_value_int(argv[2]));
	sqlite3_result_text(ctx, seal, -1, SQLITE_TRANSIENT);
}

int ferry_store__import_functions(ferry_db *db)
{
	static const struct {
		const char *name;
		int args;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "ferry_entity_ok", 1, fn_entity_ok },
		{ "ferry_field_ok", 1, fn_field_ok },
		{ "ferry_sys_id_ok", 1, fn_sys_id_ok },
		{ "ferry_hex64", 1, fn_hex64 },
		{ "ferry_type_ok", 1, fn_type_ok },
		{ "ferry_canonical", 1, fn_canonical },
		{ "ferry_fits", 3, fn_fits },
		{ "ferry_payload_check", 3, fn_payload_check },
		{ "ferry_merge3", 3, fn_merge3 },
		{ "ferry_item_seal", 3, fn_item_seal },
		{ "ferry_version_hash", 4, fn_version_hash },
	};
	sqlite3 *conn = db->store->conn;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	/* Registered already on this connection? (The last one is.) */
	if (sqlite3_prepare_v2(conn, "SELECT ferry_version_hash(NULL, NULL, "
	    "NULL, NULL)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rc = sqlite3_create_function_v2(conn, fns[i].name, fns[i].args,
			SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fns[i].fn,
			NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return ferry_sq__error(db, rc, "registering functions");
	}
	return 0;
}

int ferry_store__data_version(ferry_db *db, int64_t *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "PRAGMA data_version", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, "data_version");
}
