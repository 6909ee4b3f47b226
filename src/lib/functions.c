/*
 * functions.c - the library's rules that the store's statements call by
 * name, so that load and preview check every item set-wise inside the
 * database instead of reading each one back (store.h, "functions the
 * library lends the store"):
 *
 *   ferry_entity_ok(name)        1 if name may be a record item's entity
 *   ferry_field_ok(name)         1 if name may be a user field's name
 *   ferry_sys_id_ok(text)        1 for a sys_id (text.h)
 *   ferry_hex64(text)            1 for 64 lowercase hex digits
 *   ferry_type_ok(text)          1 if text is a field type
 *   ferry_canonical(json)        1 if an object is in canonical form
 *                                (canonical.h)
 *   ferry_fits(type, jtype, v)   how a JSON value (json_each's type and
 *                                value) stands to that type: 2 stored
 *                                form, 1 converts, 0 no (ferry_fit)
 *   ferry_payload_check(entity, payload, spec)  NULL if every member of
 *                                a canonical payload is a field of spec
 *                                ("name type;...", sorted by name) in
 *                                its stored form, else why not
 *   ferry_merge3(base, target, package)  merge3.h's decision of one
 *                                field (0 target, 1 package, 2 same,
 *                                3 conflict)
 *   ferry_item_seal(version, policy, vendor)  the seal (records.h)
 *   ferry_version_hash(entity, key, action, payload)  the version hash
 *   ferry_system_kind(entity)    0 for a user entity, 1 for a catalog
 *                                entity, 2 for an associated object's
 *                                (identity.h)
 *   ferry_identity_key(entity, sys_id, payload)  the item's identity key
 *                                from its payload, NULL when it has none
 *   ferry_old_values(base, payload)  the old values written for an
 *                                update (canonical.h); NULL if either
 *                                is NULL or not canonical
 *   ferry_member(payload, name, json)  the member `name` of a canonical
 *                                payload as SQLite's ->> gives it
 *                                (json 0) or as its JSON text, like
 *                                -> (json 1); NULL if it lacks it or
 *                                payload is not canonical
 *   ferry_has_any(object, name1, name2, ...)  1 if the canonical
 *                                object has a member of one of the
 *                                names, else 0; NULL if object is NULL
 *                                or malformed (canonical.h)
 *   ferry_has_members(payload, name1, json1, name2, json2, ...)
 *                                1 if the canonical payload holds
 *                                each name (ascending) with exactly
 *                                that JSON text ('null': it lacks it),
 *                                else 0; NULL if payload is NULL or not
 *                                canonical (canonical.h).  Any number
 *                                of pairs
 *
 * Each callback only turns the call's arguments into the rule's C
 * arguments and its answer into the result; the rules live in the files
 * that own them.  The names and answers are what the store's SQL relies
 * on: change them together.
 */
#include "functions.h"

#include "canonical.h"
#include "identity.h"
#include "merge3.h"
#include "records.h"
#include "store/store.h"

#include "alloc.h"
#include "text.h"

#include <string.h>

/* Argument i as text without NUL bytes, or NULL (also for non-text). */
static const char *text_arg(ferry_store_call *c, int i, size_t *len)
{
	const char *s;
	size_t n;

	if (ferry_store__arg_type(c, i) != FERRY_STORE_TEXT)
		return NULL;
	s = ferry_store__arg_text(c, i, &n);
	if (!s || strlen(s) != n)
		return NULL;
	if (len)
		*len = n;
	return s;
}

static void fn_entity_ok(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);

	ferry_store__result_int(c, s && (ferry__is_system_entity(s) ||
		(ferry_ident_valid(s) && !ferry__entity_name_reserved(s))));
}

static void fn_system_kind(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);
	const ferry_system_entity *e = s ? ferry__system_entity(s) : NULL;

	ferry_store__result_int(c, e ? (int)e->kind : 0);
}

static void fn_identity_key(ferry_store_call *c)
{
	const char *entity = text_arg(c, 0, NULL),
		*sys_id = text_arg(c, 1, NULL);
	size_t len;
	const char *payload = text_arg(c, 2, &len), *key;
	ferry_str buf = FERRY_STR_INIT;

	if (!entity || !sys_id || !payload)
		return;
	/* Most items are ordinary records: their key is the sys_id, with
	 * nothing built. */
	if ((key = ferry__payload_key(&buf, entity, sys_id, payload, len)))
		ferry_store__result_text(c, key, strlen(key));
	else if (ferry_str_failed(&buf))
		ferry_store__result_nomem(c);
	ferry_str_dispose(&buf);
}

static void fn_field_ok(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);

	ferry_store__result_int(c, s && ferry_ident_valid(s) &&
		!ferry__field_name_reserved(s));
}

static void fn_sys_id_ok(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);

	ferry_store__result_int(c, s && ferry_sys_id_valid(s));
}

static void fn_hex64(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);

	ferry_store__result_int(c, ferry_hex_valid(s, FERRY_HASH_HEX - 1));
}

static void fn_type_ok(ferry_store_call *c)
{
	const char *s = text_arg(c, 0, NULL);
	ferry_str err = FERRY_STR_INIT;
	ferry_type t;

	ferry_store__result_int(c, s && ferry_type__parse(&t, s, &err) == 0);
	ferry_str_dispose(&err);
}

static void fn_canonical(ferry_store_call *c)
{
	size_t len;
	const char *s = ferry_store__arg_text(c, 0, &len);

	ferry_store__result_int(c, s && ferry_canon__check(s, len));
}

/* A field of the given type text (a parsed type is kept while a
 * statement's type argument stays the same). */
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

/* The value of ferry_fits() as ferry_type__fit() takes it: the kind
 * from json_each's type (one of these names), the rest from the SQL
 * value. */
static void fits_scalar(ferry_store_call *c, const char *jtype,
	ferry_json_scalar *v)
{
	static const char *const names[] = { "null", "false", "true",
		"integer", "real", "text", "object", "array" };
	ferry_json_kind k;

	memset(v, 0, sizeof(*v));
	switch (jtype[0]) {
	case 'f': k = FERRY_JSON_FALSE; break;
	case 't': k = jtype[1] == 'r' ? FERRY_JSON_TRUE : FERRY_JSON_STRING;
		break;
	case 'i': k = FERRY_JSON_INTEGER; break;
	case 'r': k = FERRY_JSON_REAL; break;
	case 'o': k = FERRY_JSON_OBJECT; break;
	case 'a': k = FERRY_JSON_ARRAY; break;
	default: k = FERRY_JSON_NULL; break;
	}
	v->kind = strcmp(jtype, names[k]) ? FERRY_JSON_NULL : k;
	switch (v->kind) {
	case FERRY_JSON_STRING:
		v->text = text_arg(c, 2, &v->len);
		v->chars = -2;
		break;
	case FERRY_JSON_INTEGER:
		/* an integer too large for SQLite's comes as a real */
		v->big = ferry_store__arg_type(c, 2) != FERRY_STORE_INT;
		v->i = ferry_store__arg_int(c, 2);
		v->d = ferry_store__arg_real(c, 2);
		break;
	case FERRY_JSON_REAL:
		v->d = ferry_store__arg_real(c, 2);
		break;
	case FERRY_JSON_OBJECT:
	case FERRY_JSON_ARRAY:
		v->text = ferry_store__arg_text(c, 2, &v->len);
		break;
	default:
		break;
	}
}

static void fn_fits(ferry_store_call *c)
{
	const char *type = text_arg(c, 0, NULL), *jtype = text_arg(c, 1, NULL);
	ferry_field local, *f;
	ferry_json_scalar v;

	if (!type || !jtype) {
		ferry_store__result_int(c, FERRY_FIT_NO);
		return;
	}
	if ((f = ferry_store__kept(c, 0)) == NULL ||
	    strcmp(f->type_text, type) != 0) {
		if (parse_field(&local, type) < 0) {
			ferry_store__result_int(c, FERRY_FIT_NO);
			return;
		}
		if ((f = ferry__malloc(sizeof(*f))) != NULL) {
			*f = local;
			ferry_store__keep(c, 0, f, ferry__free);
		}
		f = &local;
	}
	fits_scalar(c, jtype, &v);
	/* text that is not text to ferry (a NUL inside) fits nothing */
	ferry_store__result_int(c, v.kind == FERRY_JSON_STRING && !v.text ?
		FERRY_FIT_NO : ferry_type__fit(f, &v));
}

static void spec_free(void *p)
{
	ferry_fieldset_dispose(p);
	ferry__free(p);
}

/* The fields of one entity from a spec "name type;name type" (sorted by
 * name), or NULL. */
static ferry_fieldset *spec_parse(const char *text)
{
	ferry_fieldset *s = ferry__calloc(1, sizeof(*s));
	const char *p = text;

	if (!s)
		return NULL;
	while (*p) {
		const char *sp = strchr(p, ' '), *end = strchr(p, ';');
		ferry_field f;
		char type[FERRY_TYPE_TEXT_MAX];

		if (!end)
			end = p + strlen(p);
		if (!sp || sp > end || (size_t)(sp - p) >= FERRY_NAME_MAX ||
		    (size_t)(end - sp - 1) >= sizeof(type))
			goto fail;
		memcpy(type, sp + 1, (size_t)(end - sp - 1));
		type[end - sp - 1] = '\0';
		if (parse_field(&f, type) < 0)
			goto fail;
		memcpy(f.name, p, (size_t)(sp - p));
		f.name[sp - p] = '\0';
		if (ferry_fieldset_add(s, &f) < 0)
			goto fail;
		p = *end ? end + 1 : end;
	}
	return s;
fail:
	spec_free(s);
	return NULL;
}

static void fn_payload_check(ferry_store_call *c)
{
	size_t len, elen;
	const char *entity = ferry_store__arg_text(c, 0, &elen);
	const char *payload = ferry_store__arg_text(c, 1, &len);
	const char *spec_text = text_arg(c, 2, NULL);
	ferry_fieldset *spec = ferry_store__kept(c, 2);
	ferry_str why = FERRY_STR_INIT;

	if (!entity || !payload || !spec_text)
		return;
	if (!spec) {
		if ((spec = spec_parse(spec_text)) == NULL ||
		    (spec = ferry_store__keep(c, 2, spec, spec_free)) == NULL) {
			ferry_store__result_nomem(c);
			return;
		}
	}
	if (ferry_type__payload_check(&why, NULL, entity, spec, payload, len)) {
		if (ferry_str_failed(&why))
			ferry_store__result_nomem(c);
		else
			ferry_store__result_text(c, why.ptr, why.size);
	}
	ferry_str_dispose(&why);
}

static void fn_version_hash(ferry_store_call *c)
{
	const char *entity = text_arg(c, 0, NULL), *key = text_arg(c, 1, NULL),
		*action = text_arg(c, 2, NULL);
	size_t len;
	const char *payload = ferry_store__arg_text(c, 3, &len);
	char hash[FERRY_HASH_HEX];

	if (!entity || !key || !action || !payload)
		return;
	ferry__version_hash(hash, entity, key, action, payload, len);
	ferry_store__result_text(c, hash, FERRY_HASH_HEX - 1);
}

static void fn_merge3(ferry_store_call *c)
{
	size_t len;
	/* NULL arguments are JSON null; a NULL base, a field the package
	 * leaves */
	const char *base = ferry_store__arg_text(c, 0, &len);
	const char *target = ferry_store__arg_text(c, 1, &len);
	const char *package = ferry_store__arg_text(c, 2, &len);

	ferry_store__result_int(c, (int)ferry__merge3(base, target,
		package));
}

static void fn_item_seal(ferry_store_call *c)
{
	const char *version = text_arg(c, 0, NULL),
		*policy = text_arg(c, 1, NULL);
	char seal[FERRY_HASH_HEX];

	if (!version || !policy)
		return;
	ferry__item_seal(seal, version, policy,
		(int)ferry_store__arg_int(c, 2));
	ferry_store__result_text(c, seal, FERRY_HASH_HEX - 1);
}

static void fn_old_values(ferry_store_call *c)
{
	size_t base_len, len;
	const char *base = ferry_store__arg_text(c, 0, &base_len),
		*payload = ferry_store__arg_text(c, 1, &len);
	ferry_str old = FERRY_STR_INIT;

	if (!base || !payload)
		return;
	/* Not canonical: NULL, and export finds the damage itself. */
	if (ferry_canon__old_values(&old, base, base_len, payload, len) == 0) {
		if (ferry_str_failed(&old))
			ferry_store__result_nomem(c);
		else
			ferry_store__result_text(c, old.ptr, old.size);
	}
	ferry_str_dispose(&old);
}

/* Pairs in one call: SQLite takes at most 127 arguments. */
#define MEMBERS_MAX 63

static void fn_has_members(ferry_store_call *c)
{
	const char *names[MEMBERS_MAX], *values[MEMBERS_MAX];
	size_t name_lens[MEMBERS_MAX], value_lens[MEMBERS_MAX], len, n, i;
	const char *payload = ferry_store__arg_text(c, 0, &len);
	int argc = ferry_store__arg_count(c), rc;

	if (!payload || argc < 1 || argc % 2 == 0 ||
	    (n = (size_t)(argc - 1) / 2) > MEMBERS_MAX)
		return;
	for (i = 0; i < n; i++) {
		names[i] = ferry_store__arg_text(c, (int)(1 + 2 * i),
			&name_lens[i]);
		values[i] = ferry_store__arg_text(c, (int)(2 + 2 * i),
			&value_lens[i]);
		/* A NULL value never equals a payload's member. */
		if (!names[i] || !values[i]) {
			ferry_store__result_int(c, 0);
			return;
		}
	}
	rc = ferry_canon__has_members(payload, len, n, names, name_lens,
		values, value_lens);
	if (rc >= 0)
		ferry_store__result_int(c, rc);
}

static void fn_has_any(ferry_store_call *c)
{
	const char *names[MEMBERS_MAX];
	size_t name_lens[MEMBERS_MAX], len, n, i;
	const char *text = ferry_store__arg_text(c, 0, &len);
	int argc = ferry_store__arg_count(c), rc;

	if (!text || argc < 1 || (n = (size_t)(argc - 1)) > MEMBERS_MAX)
		return;
	for (i = 0; i < n; i++)
		if (!(names[i] = ferry_store__arg_text(c, (int)(1 + i),
		    &name_lens[i])))
			return;
	if ((rc = ferry_canon__has_any(text, len, n, names, name_lens)) >= 0)
		ferry_store__result_int(c, rc);
}

/*
 * Each thread keeps the members of the payload it last read: a
 * statement reads every field of a row's payload in turn, one call a
 * field (canonical.h).  Thread-local, since the server's threads each
 * run statements of their own; a copy inside the index, so no memory to
 * free when a thread ends.
 */
static _Thread_local ferry_canon_index member_index;

static void fn_member(ferry_store_call *c)
{
	const char *payload, *name;
	size_t len, name_len;
	ferry_canon_member m;
	ferry_canon_sql v;
	char stack[1024], *buf = stack;

	if (!(payload = text_arg(c, 0, &len)) ||
	    !(name = text_arg(c, 1, &name_len)) ||
	    ferry_canon__member(&member_index, payload, len, name, name_len,
	    &m) != 1)
		return;
	if (ferry_store__arg_int(c, 2)) {
		ferry_store__result_text(c, m.value, m.value_len);
		return;
	}
	if (m.value_len > sizeof(stack) &&
	    (buf = ferry__malloc(m.value_len)) == NULL) {
		ferry_store__result_nomem(c);
		return;
	}
	if (ferry_canon__sql(m.value, m.value_len, buf, &v) == 0) {
		switch (v.kind) {
		case FERRY_CANON_SQL_NULL:
			break;
		case FERRY_CANON_SQL_INT:
			ferry_store__result_int(c, v.i);
			break;
		case FERRY_CANON_SQL_REAL:
			ferry_store__result_real(c, v.r);
			break;
		case FERRY_CANON_SQL_TEXT:
			ferry_store__result_text(c, v.text, v.text_len);
			break;
		}
	}
	if (buf != stack)
		ferry__free(buf);
}

/* Checklist: the list at the top of this file, and the store's SQL. */
static const ferry_store_function functions[] = {
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
	{ "ferry_system_kind", 1, fn_system_kind },
	{ "ferry_identity_key", 3, fn_identity_key },
	{ "ferry_old_values", 2, fn_old_values },
	{ "ferry_has_members", -1, fn_has_members },
	{ "ferry_member", 3, fn_member },
	{ "ferry_has_any", -1, fn_has_any },
};

int ferry__functions_lend(ferry_db *db)
{
	return ferry_store__functions(db, functions,
		sizeof(functions) / sizeof(functions[0]));
}
