/*
 * import_verdict.c - an item of a package judged on its own, as load
 * stages it (imports.h, ferry__import_verdict): the first fact that
 * refuses it without looking at another item, in the order the refusal
 * codes are checked (docs/import.md, "What load refuses").  The checks
 * that compare items with each other (a schema twice, a definition
 * twice, a record without a schema, a catalog key twice) are the store's,
 * set-wise, after staging.
 *
 * Both stores used to carry this rule: SQLite as one SQL CASE over the
 * staged rows, PostgreSQL as C calling the lent functions by name.  It
 * is the library's now, run once per line while the line is read, and
 * the stores keep its verdict with the item (stage_code).
 */
#include "imports.h"

#include "canonical.h"
#include "identity.h"
#include "store/stage_line.h"
#include "types.h"

#include "text.h"

#include <string.h>

#define COL(sl, c) FERRY_STAGED(sl, c)

/* a IS NOT b, for two texts that may be NULL. */
static int is_not(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) != 0 : a != b;
}

static int one_of(const char *v, const char *a, const char *b,
	const char *c)
{
	return v && (!strcmp(v, a) || !strcmp(v, b) || !strcmp(v, c));
}

static int entity_ok(const char *s)
{
	return s && (ferry__is_system_entity(s) || (ferry_ident_valid(s) &&
		!ferry__entity_name_reserved(s)));
}

/* An entity a schema or query item may name: a user entity's. */
static int user_entity(const char *s)
{
	return entity_ok(s) && !ferry__is_system_entity(s);
}

static int hex64(const char *s)
{
	return s && ferry_hex_valid(s, FERRY_HASH_HEX - 1);
}

/* The version hash check: does the version match the payload under the
 * item's action (or, but for a delete, under the other one)? */
static int hash_refuses(const ferry_stage_line *sl)
{
	const char *entity = COL(sl, FERRY_COL_ENTITY);
	const char *rkey = COL(sl, FERRY_COL_RKEY);
	const char *action = COL(sl, FERRY_COL_ACTION);
	const ferry_str *payload = &sl->col[FERRY_COL_PAYLOAD];
	char hash[FERRY_HASH_HEX];

	ferry__version_hash(hash, entity, rkey, action, payload->ptr,
		payload->size);
	if (!is_not(COL(sl, FERRY_COL_VERSION), hash))
		return 0;
	if (!strcmp(action, "delete"))
		return 1;
	ferry__version_hash(hash, entity, rkey, !strcmp(action, "insert") ?
		"update" : "insert", payload->ptr, payload->size);
	return is_not(COL(sl, FERRY_COL_VERSION), hash);
}

/* A record item's verdict; -1 when memory ran out. */
static int record_code(const ferry_stage_line *sl, const char **code)
{
	const char *entity = COL(sl, FERRY_COL_ENTITY);
	const char *sys_id = COL(sl, FERRY_COL_SYS_ID);
	const char *action = COL(sl, FERRY_COL_ACTION);
	const char *version = COL(sl, FERRY_COL_VERSION);
	const char *base = COL(sl, FERRY_COL_BASE);
	const char *policy = COL(sl, FERRY_COL_POLICY);
	const char *vendor = COL(sl, FERRY_COL_VENDOR);
	const char *rkey = COL(sl, FERRY_COL_RKEY);
	const char *payload = COL(sl, FERRY_COL_PAYLOAD);
	const char *old = COL(sl, FERRY_COL_OLD);
	ferry_str buf = FERRY_STR_INIT;
	const char *key;
	char seal[FERRY_HASH_HEX];

	if (!entity_ok(entity))
		*code = "bad_entity";
	else if (!sys_id || !ferry_sys_id_valid(sys_id))
		*code = "bad_sys_id";
	else if (!one_of(action, "insert", "update", "delete"))
		*code = "bad_action";
	else if (!hex64(version))
		*code = "no_version";
	else if (base && !hex64(base))
		*code = "bad_base";
	else if (!strcmp(action, "update") && !base)
		*code = "update_without_base";
	else if (!strcmp(action, "insert") && base)
		*code = "insert_with_base";
	else if (!one_of(policy, "open", "changed", "protected"))
		*code = "bad_policy";
	else if (!vendor)
		*code = "no_vendor";
	else if (!rkey)
		*code = "no_key";
	else if (!payload || payload[0] != '{')
		*code = "no_payload";
	else if (old && old[0] != '{')
		*code = "old_not_object";
	else if (!ferry_canon__check(payload, sl->col[FERRY_COL_PAYLOAD].size))
		*code = "payload_not_canonical";
	else if (old && !ferry_canon__check(old, sl->col[FERRY_COL_OLD].size))
		*code = "old_not_canonical";
	if (*code)
		return 0;
	key = ferry__payload_key(&buf, entity, sys_id, payload,
		sl->col[FERRY_COL_PAYLOAD].size);
	if (!key && ferry_str_failed(&buf)) {
		ferry_str_dispose(&buf);
		return -1;
	}
	if (is_not(rkey, key))
		*code = "key_mismatch";
	ferry_str_dispose(&buf);
	if (*code)
		return 0;
	/* A version the library derived from the content (a format 2
	 * line) matches it, and the library has already held the seal
	 * against it: the seal is what then covers the content. */
	if (sl->version_from == FERRY_VERSION_WRITTEN) {
		if (hash_refuses(sl)) {
			*code = "hash_mismatch";
			return 0;
		}
		ferry__item_seal(seal, version, policy, vendor[0] == '1');
		if (is_not(COL(sl, FERRY_COL_SEAL), seal))
			*code = "seal_mismatch";
	} else if (sl->version_from == FERRY_VERSION_DERIVED)
		*code = "seal_mismatch";
	return 0;
}

static int type_ok(const char *s)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_type t;
	int ok = s && ferry_type__parse(&t, s, &err) == 0;

	ferry_str_dispose(&err);
	return ok;
}

/* A schema item's verdict (but a schema twice); -1 when memory ran
 * out. */
static int schema_code(const ferry_stage_line *sl, const char **code)
{
	sj_value def = sj_member(sl->root, "definition"), fields, f;
	ferry_str names = FERRY_STR_INIT, text = FERRY_STR_INIT;
	const char *entity = COL(sl, FERRY_COL_ENTITY);
	size_t i, k;
	int error = 0;

	if (!user_entity(entity)) {
		*code = "schema_bad_entity";
		return 0;
	}
	if (def.kind != SJ_OBJECT) {
		*code = "schema_no_definition";
		return 0;
	}
	if (!sj_text(&text, sj_member(def, "name"))) {
		*code = "schema_other_entity";
		goto done;
	}
	if (ferry_str_failed(&text)) {
		error = -1;
		goto done;
	}
	if (is_not(ferry_str_cstr(&text), entity)) {
		*code = "schema_other_entity";
		goto done;
	}
	fields = sj_member(def, "fields");
	if (fields.kind != SJ_ARRAY) {
		*code = "schema_no_fields";
		goto done;
	}
	/* Each field's name, NUL-separated in names, for the repeat. */
	for (i = 0; (f = sj_element(fields, i)).kind != SJ_NONE; i++) {
		size_t at = names.size;
		int named, typed;

		if (f.kind != SJ_OBJECT) {
			*code = "schema_bad_field";
			goto done;
		}
		named = sj_text(&names, sj_member(f, "name"));
		ferry_str_putc(&names, '\0');
		ferry_str_clear(&text);
		typed = sj_text(&text, sj_member(f, "type"));
		if (ferry_str_failed(&names) || ferry_str_failed(&text)) {
			error = -1;
			goto done;
		}
		if (!named || !ferry_ident_valid(names.ptr + at) ||
		    ferry__field_name_reserved(names.ptr + at) ||
		    !type_ok(typed ? ferry_str_cstr(&text) : NULL)) {
			*code = "schema_bad_field";
			goto done;
		}
	}
	/* A name twice: count(*) - count(DISTINCT name) > 0. */
	for (i = 0; i < names.size && !*code; i += strlen(names.ptr + i) + 1)
		for (k = i + strlen(names.ptr + i) + 1; k < names.size;
		    k += strlen(names.ptr + k) + 1)
			if (!strcmp(names.ptr + i, names.ptr + k)) {
				*code = "schema_field_twice";
				break;
			}
done:
	ferry_str_dispose(&names);
	ferry_str_dispose(&text);
	return error;
}

int ferry__import_verdict(const ferry_stage_line *sl, const char **code,
	int *system)
{
	const char *t = COL(sl, FERRY_COL_T);
	const char *entity = COL(sl, FERRY_COL_ENTITY);
	const char *rkey = COL(sl, FERRY_COL_RKEY);

	*code = NULL;
	*system = 0;
	if (!t) {
		*code = "no_kind";
		return 0;
	}
	if (!strcmp(t, "record")) {
		*system = entity && ferry__is_system_entity(entity);
		return record_code(sl, code);
	}
	if (!strcmp(t, "schema"))
		return schema_code(sl, code);
	if (!strcmp(t, "delete_query")) {
		if (!user_entity(entity))
			*code = "query_bad_entity";
		else if (sj_member(sl->root, "query").kind != SJ_STRING)
			*code = "query_without_query";
		return 0;
	}
	if ((!strcmp(t, "formula") || !strcmp(t, "dataset")) &&
	    (!rkey || !*rkey))
		*code = "definition_without_name";
	return 0;
}
