/*
 * import_facts.c - the words of an import's findings, in one table.
 *
 * The store finds things set-wise (a bad item at load, a record changed
 * on both sides at preview) and hands back facts, never sentences: a fact
 * is a JSON array whose first element is a code of the table below and
 * whose other elements are the values found.  Here each code has its
 * sentence, so every message of a load refusal or of a problem is worded
 * in one place, whatever store found it.
 *
 * A template's placeholders name the fact's values by position (1 is the
 * first value after the code):
 *   {N}          the value: text as is, a number in decimal, an array
 *                of names joined by ", "
 *   {N:shown}    the value as JSON, cut to 80 characters (what a refusal
 *                quotes from a file that may hold anything)
 *   {N:kind}     the same, cut to 40 characters
 *   {N:none}     as {N}, or "none" for an empty array
 *   {N:one|many} "one" when the value counts one (an array of one, the
 *                number 1), else "many"
 *   {N?text}     text when the value is true (not 0, not empty)
 */
#include "imports.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *code;
	const char *words;
} fact_words;

static const fact_words table[] = {
	/* Words the library put together itself. */
	{ "text", "{1}" },

	/* Load: a line that cannot be staged (FERRY_STAGE_*). */
	{ "stage_too_long", "is too long" },
	{ "stage_not_json", "is not valid JSON" },
	{ "stage_repeated", "repeats a record of an earlier item (same entity "
	  "and sys_id)" },

	/* Load: an item on its own (docs/import.md, "Load"). */
	{ "no_kind", "has no \"t\" saying what kind of item it is" },
	{ "bad_entity", "names entity {1:shown}, which is not an entity name" },
	{ "bad_sys_id", "has sys_id {1:shown}, which is not a lowercase UUID "
	  "or 32 hex digits" },
	{ "bad_action", "has action {1:shown}; a record's action is insert, "
	  "update or delete" },
	{ "no_version", "has no version hash (64 hex digits)" },
	{ "bad_base", "has a base that is not a version hash" },
	{ "update_without_base", "is an update without the base version it "
	  "was made from" },
	{ "insert_with_base", "is an insert with a base version" },
	{ "bad_policy", "has policy {1:shown}; a policy is open, changed or "
	  "protected" },
	{ "no_vendor", "has no vendor flag (true or false)" },
	{ "no_key", "has no key" },
	{ "no_payload", "has no payload object" },
	{ "old_not_object", "has \"old\" values that are not an object" },
	{ "payload_not_canonical", "has a payload that is not canonical JSON "
	  "(field names as keys in sorted order, no spaces, minimal "
	  "escapes)" },
	{ "old_not_canonical", "has \"old\" values that are not canonical "
	  "JSON" },
	{ "key_mismatch", "has key {1:shown}, which does not match its "
	  "content" },
	{ "hash_mismatch", "({1} record {2}) does not match its version hash: "
	  "its content was changed after export" },
	{ "seal_mismatch", "({1} record {2}) does not match its seal: its "
	  "content, policy or vendor flag was changed after export" },
	{ "schema_bad_entity", "declares the schema of {1:shown}, which is "
	  "not a user entity name" },
	{ "schema_no_definition", "has no definition object" },
	{ "schema_other_entity", "holds the definition of another entity" },
	{ "schema_no_fields", "has no fields array in its definition" },
	{ "schema_bad_field", "declares a field of {1} with an invalid name "
	  "or type" },
	{ "schema_field_twice", "declares a field of {1} twice" },
	{ "schema_twice", "declares the schema of {1} a second time" },
	{ "query_bad_entity", "deletes by query from {1:shown}, which is not "
	  "a user entity name" },
	{ "query_without_query", "is a delete by query without a query" },
	{ "definition_without_name", "is a {1} without a name" },
	{ "definition_repeated", "repeats {1} {2:shown}" },
	/* Load: items against each other. */
	{ "record_without_schema", "is a record of {1}, an entity the package "
	  "declares no schema for" },
	{ "key_repeated", "repeats the {1} record {2:shown} of an earlier "
	  "item" },

	/* Preview: what versions decide (import_decide.c).  Their facts:
	 * entity, key, sys_id, the package's policy, the conflicting
	 * fields, the fields the package changes, the fields changed
	 * alike. */
	{ "unknown_item", "item of kind {1:kind}, which this ferry does not "
	  "know: skipped (a newer ferry may apply it)" },
	{ "already_deleted", "{1} record {3} is not in the target; nothing to "
	  "delete" },
	{ "already_applied", "{1} record {2} already holds the package's "
	  "content; nothing to do" },
	{ "same_change", "{1} record {2}: the target made the package's "
	  "change to {7} too; nothing to merge there" },
	{ "merged", "{1} record {2} changed in the target since the package's "
	  "base version, but not in the fields the package changes "
	  "({6:none}): they are merged in, the target's other changes are "
	  "kept" },
	{ "conflict", "{1} record {2} changed in the target since the "
	  "package's base version, and {5:a field the package changes|fields "
	  "the package changes} ({5}) also changed there, to another value" },
	{ "changed_since_arrival", "{1} record {2} changed in the target since "
	  "it last arrived by import (an update set carries no base version "
	  "to merge with)" },
	{ "insert_exists", "{1} record {2} already exists in the target with "
	  "other content" },
	{ "delete_changed", "{1} record {2} changed in the target since the "
	  "package's base version; deleting it loses that change" },
	{ "changed_no_base", "{1} record {2} changed in the target since the "
	  "package's base version and the package carries no base values to "
	  "merge with" },
	{ "gone", "{1} record {2} is not in the target (deleted there since "
	  "the package's base version, or never imported) but the package "
	  "updates it" },
	/* Preview: the protection matrix. */
	{ "protected", "{1} record {2} is protected in the target (it belongs "
	  "to an installed application) and the package's version is {4}; "
	  "accepting it is a strong overwrite" },
	{ "customized", "{1} record {2} was customised in the target (policy "
	  "changed) and the package's version is open: importing it would "
	  "overwrite the customisation; accepting it is a strong overwrite" },
	/* Preview: values against the target's schema. */
	{ "missing_field", "{1} has no field {2} in the target and the "
	  "package does not add it" },
	{ "type_mismatch", "{1} record {2}: a value does not fit the target "
	  "({3} is {4})" },
	{ "missing_reference", "{1}.{2} refers to {3} record {4}, which is "
	  "neither in the target nor written by the package" },
	{ "still_referenced", "{1} record {2} is still referred to by {3}.{4} "
	  "of {5} target record(s) the package neither deletes nor re-points "
	  "({6}{7?, ...}): after the delete they would refer to nothing" },
};

#define NWORDS (sizeof(table) / sizeof(table[0]))

static const char *words_of(const char *code)
{
	size_t i;

	for (i = 0; code && i < NWORDS; i++)
		if (!strcmp(table[i].code, code))
			return table[i].words;
	return NULL;
}

/* Append at most `chars` UTF-8 characters of text. */
static void put_cut(ferry_str *s, const char *text, size_t chars)
{
	const char *p = text;

	while (*p && chars) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		chars--;
	}
	ferry_str_put(s, text, (size_t)(p - text));
}

/* A value as JSON text, cut to `chars` characters. */
static void put_shown(ferry_str *s, const json_t *v, size_t chars)
{
	ferry_str shown = FERRY_STR_INIT;
	char *dumped;

	if (json_is_string(v)) {
		ferry_str_put_json(&shown, json_string_value(v),
			json_string_length(v));
	} else if ((dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY))) {
		ferry_str_puts(&shown, dumped);
		free(dumped);
	} else {
		ferry_str_puts(&shown, "null");
	}
	put_cut(s, ferry_str_cstr(&shown), chars);
	ferry_str_dispose(&shown);
}

/* A value as a person reads it in a sentence. */
static void put_plain(ferry_str *s, const json_t *v, const char *empty)
{
	size_t i;

	if (json_is_string(v))
		ferry_str_put(s, json_string_value(v),
			json_string_length(v));
	else if (json_is_integer(v))
		ferry_str_printf(s, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		ferry_str_printf(s, "%.17g", json_real_value(v));
	else if (json_is_true(v) || json_is_false(v))
		ferry_str_puts(s, json_is_true(v) ? "true" : "false");
	else if (json_is_array(v) && json_array_size(v) == 0 && empty)
		ferry_str_puts(s, empty);
	else if (json_is_array(v))
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				ferry_str_puts(s, ", ");
			put_plain(s, json_array_get(v, i), NULL);
		}
}

static int counts_one(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) == 1 :
		json_is_integer(v) && json_integer_value(v) == 1;
}

static int truthy(const json_t *v)
{
	return json_is_true(v) || (json_is_integer(v) &&
		json_integer_value(v) != 0) || (json_is_string(v) &&
		json_string_length(v) > 0) || (json_is_array(v) &&
		json_array_size(v) > 0);
}

/* Append the text of a placeholder's option up to its end (| or }). */
static const char *put_option(ferry_str *s, const char *p, int put)
{
	const char *end = p + strcspn(p, "|}");

	if (put)
		ferry_str_put(s, p, (size_t)(end - p));
	return end;
}

/* Fill one placeholder at p (after '{'); returns the text after '}'. */
static const char *fill(ferry_str *s, const char *p, const json_t *fact)
{
	char *end;
	long n = strtol(p, &end, 10);
	const json_t *v = n > 0 ? json_array_get(fact, (size_t)n) : NULL;

	p = end;
	if (*p == '?') {
		p = put_option(s, p + 1, truthy(v));
	} else if (!strncmp(p, ":shown}", 7)) {
		put_shown(s, v, 80);
		p += 6;
	} else if (!strncmp(p, ":kind}", 6)) {
		put_shown(s, v, 40);
		p += 5;
	} else if (!strncmp(p, ":none}", 6)) {
		put_plain(s, v, "none");
		p += 5;
	} else if (*p == ':') {
		int one = counts_one(v);

		p = put_option(s, p + 1, one);
		if (*p == '|')
			p = put_option(s, p + 1, !one);
	} else {
		put_plain(s, v, NULL);
	}
	return *p == '}' ? p + 1 : p;
}

static void put_fact(ferry_str *s, const json_t *fact)
{
	const char *w = words_of(json_string_value(json_array_get(fact, 0)));
	const char *p;

	if (!w) {
		/* A code this ferry does not word (a newer one recorded it):
		 * show the facts rather than nothing. */
		put_shown(s, fact, (size_t)-1);
		return;
	}
	for (p = w; *p; ) {
		size_t plain = strcspn(p, "{");

		ferry_str_put(s, p, plain);
		p += plain;
		if (*p == '{')
			p = fill(s, p + 1, fact);
	}
}

int ferry__fact_words(ferry_str *s, const char *facts)
{
	json_t *doc = json_loads(facts ? facts : "null", JSON_DECODE_ANY,
		NULL);
	size_t i;
	int error = 0;

	if (json_is_array(doc) && json_is_array(json_array_get(doc, 0))) {
		/* Several facts of one kind on one item. */
		for (i = 0; i < json_array_size(doc); i++) {
			if (i)
				ferry_str_puts(s, "; ");
			put_fact(s, json_array_get(doc, i));
		}
	} else if (json_is_array(doc)) {
		put_fact(s, doc);
	} else {
		error = FERRY_EFORMAT;
	}
	json_decref(doc);
	return ferry_str_failed(s) ? FERRY_ENOMEM : error;
}

void ferry__fact_text(ferry_str *facts, const char *sentence)
{
	ferry_str_puts(facts, "[[\"text\",");
	ferry_str_puts_json(facts, sentence);
	ferry_str_puts(facts, "]]");
}

int ferry__fact_known(const char *code)
{
	return words_of(code) != NULL;
}

int ferry__problem_say(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const ferry_str *sentence)
{
	ferry_str facts = FERRY_STR_INIT;
	int error;

	if (!ferry_str_failed(sentence))
		ferry__fact_text(&facts, ferry_str_cstr(sentence));
	if (ferry_str_failed(sentence) || ferry_str_failed(&facts))
		error = ferry__error(db, FERRY_ENOMEM, "out of memory");
	else
		error = ferry_store__import_problem_put(db, id, item, kind,
			severity, facts.ptr);
	ferry_str_dispose(&facts);
	return error;
}

