/*
 * test_import_facts.c - the words of the facts a store finds
 * (import_facts.c): each placeholder of the templates, several facts of
 * one kind joined, a code this ferry does not know, and bad input.
 */
#include "helpers.h"

#include "ferry.h"
#include "imports.h"

#include <string.h>

/* The words of facts, or "<error N>". */
static char *words(const char *facts)
{
	ferry_str s = FERRY_STR_INIT;
	int error = ferry__fact_words(&s, facts);

	if (error < 0) {
		ferry_str_clear(&s);
		ferry_str_printf(&s, "<error %d>", error);
	}
	return ferry_str_detach(&s);
}

static void check(const char *facts, const char *want)
{
	char *got = words(facts);

	assert_string_equal(got, want);
	free(got);
}

static void rule_facts_plain_values(void **state)
{
	(void)state;
	check("[\"already_deleted\",\"task\",\"task:x\",\"5f1c\"]",
		"task record 5f1c is not in the target; nothing to delete");
	/* A number in decimal. */
	check("[\"missing_reference\",\"task\",\"owner\",\"user\",42]",
		"task.owner refers to user record 42, which is neither in the "
		"target nor written by the package");
}

static void rule_facts_lists_and_counts(void **state)
{
	(void)state;
	/* One field: singular words; several: plural, joined. */
	check("[\"conflict\",\"task\",\"k\",\"s\",\"open\",[\"a\"]]",
		"task record k changed in the target since the package's base "
		"version, and a field the package changes (a) also changed "
		"there, to another value");
	check("[\"conflict\",\"task\",\"k\",\"s\",\"open\",[\"a\",\"b\"]]",
		"task record k changed in the target since the package's base "
		"version, and fields the package changes (a, b) also changed "
		"there, to another value");
	/* An empty list reads "none" where the words say so. */
	check("[\"merged\",\"task\",\"k\",\"s\",\"open\",[],[]]",
		"task record k changed in the target since the package's base "
		"version, but not in the fields the package changes (none): "
		"they are merged in, the target's other changes are kept");
	/* A true flag adds its text; a false one nothing. */
	check("[\"still_referenced\",\"user\",\"u1\",\"task\",\"owner\",7,"
		"[\"t1\",\"t2\"],1]",
		"user record u1 is still referred to by task.owner of 7 target "
		"record(s) the package neither deletes nor re-points (t1, "
		"t2, ...): after the delete they would refer to nothing");
	check("[\"still_referenced\",\"user\",\"u1\",\"task\",\"owner\",2,"
		"[\"t1\",\"t2\"],0]",
		"user record u1 is still referred to by task.owner of 2 target "
		"record(s) the package neither deletes nor re-points (t1, "
		"t2): after the delete they would refer to nothing");
}

static void rule_facts_shown_values_are_quoted_and_cut(void **state)
{
	char long_name[200], facts[300], want[300];

	(void)state;
	check("[\"bad_entity\",\"Bad Name\"]",
		"names entity \"Bad Name\", which is not an entity name");
	check("[\"bad_entity\",12]", "names entity 12, which is not an "
		"entity name");
	check("[\"bad_entity\",null]", "names entity null, which is not an "
		"entity name");
	/* Cut to 80 characters of its JSON, quotes included, never
	 * inside a UTF-8 character. */
	memset(long_name, 0, sizeof(long_name));
	for (size_t i = 0; i < 90; i++)
		strcat(long_name, "\xc3\xa9");	/* é */
	snprintf(facts, sizeof(facts), "[\"bad_action\",\"%s\"]", long_name);
	memcpy(want, "has action \"", 12);
	want[12] = '\0';
	for (size_t i = 0; i < 79; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "; a record's action is insert, update or delete");
	check(facts, want);
	/* An unknown item's kind: 40 characters. */
	check("[\"unknown_item\",\"" "abcdefghijabcdefghijabcdefghijabcdefghij"
		"xyz\"]", "item of kind \"abcdefghijabcdefghijabcdefghijabcdef"
		"ghi, which this ferry does not know: skipped (a newer ferry "
		"may apply it)");
}

static void rule_facts_of_one_kind_are_joined(void **state)
{
	(void)state;
	check("[[\"missing_field\",\"task\",\"a\"],"
		"[\"missing_field\",\"task\",\"b\"]]",
		"task has no field a in the target and the package does not "
		"add it; task has no field b in the target and the package "
		"does not add it");
	check("[[\"text\",\"worded by the library\"]]",
		"worded by the library");
}

static void rule_facts_unknown_code_shows_the_facts(void **state)
{
	(void)state;
	/* A newer ferry's code: the facts are shown, not lost. */
	check("[\"from_the_future\",\"x\",1]",
		"[\"from_the_future\",\"x\",1]");
	assert_int_equal(ferry__fact_known("from_the_future"), 0);
	assert_int_equal(ferry__fact_known("conflict"), 1);
}

static void rule_facts_bad_input_is_refused(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	assert_int_equal(ferry__fact_words(&s, "not json"), FERRY_EFORMAT);
	assert_int_equal(ferry__fact_words(&s, "{\"a\":1}"), FERRY_EFORMAT);
	assert_int_equal(ferry__fact_words(&s, NULL), FERRY_EFORMAT);
	ferry_str_dispose(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_facts_plain_values),
		cmocka_unit_test(rule_facts_lists_and_counts),
		cmocka_unit_test(rule_facts_shown_values_are_quoted_and_cut),
		cmocka_unit_test(rule_facts_of_one_kind_are_joined),
		cmocka_unit_test(rule_facts_unknown_code_shows_the_facts),
		cmocka_unit_test(rule_facts_bad_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
