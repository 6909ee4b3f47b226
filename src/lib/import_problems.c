/*
 * import_problems.c - the problem kinds of an import, in one table: each
 * kind's severity class, the resolutions that can answer it, and what a
 * user is told to do about it.  The store records a problem's facts (its
 * kind and a sentence saying what was found); the suggestion of what to
 * run is added here, from this table, when a problem is shown, so that a
 * message never suggests a resolution the item does not allow.
 *
 * When you add a kind: add its row here, and keep
 * FERRY_IMPORT_NOT_ACCEPTABLE (store.h) the list of kinds without
 * FERRY_RESOLVE_ACCEPT (tests/unit/test_import_merge.c checks it).
 */
#include "imports.h"

#include <string.h>

static const ferry_problem_kind_info kinds[] = {
	{ "local_change", FERRY_RESOLVE_ACCEPT | FERRY_RESOLVE_SKIP |
	  FERRY_RESOLVE_MERGE, NULL },
	{ "customized", FERRY_RESOLVE_ACCEPT | FERRY_RESOLVE_SKIP |
	  FERRY_RESOLVE_MERGE, NULL },
	{ "protected", FERRY_RESOLVE_ACCEPT | FERRY_RESOLVE_SKIP |
	  FERRY_RESOLVE_MERGE, NULL },
	{ "missing_entity", FERRY_RESOLVE_SKIP, "create the entity first "
	  "(ferry entity create), or" },
	{ "missing_field", FERRY_RESOLVE_SKIP | FERRY_RESOLVE_MERGE,
	  "add the field first (ferry field add), or" },
	{ "missing_reference", FERRY_RESOLVE_SKIP | FERRY_RESOLVE_MERGE,
	  "import the referred record first, or" },
	{ "type_mismatch", FERRY_RESOLVE_SKIP | FERRY_RESOLVE_MERGE, NULL },
	{ "still_referenced", FERRY_RESOLVE_SKIP, "change or delete the "
	  "referring records first, or" },
	{ "formula_draft_exists", FERRY_RESOLVE_SKIP, "delete the target's "
	  "draft first and preview again, or" },
	{ "already_deleted", 0, NULL },
	{ "already_applied", 0, NULL },
	{ "same_change", 0, NULL },
	{ "creates_entity", 0, NULL },
	{ "creates_field", 0, NULL },
	{ "schema_kept", 0, NULL },
	{ "field_not_dropped", 0, NULL },
	{ "unknown_item", 0, NULL },
	{ "delete_by_query", 0, NULL },
	{ "changed_since_import", 0, NULL },
	{ "not_backed_out", 0, NULL },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const ferry_problem_kind_info *ferry__problem_kind(const char *name)
{
	size_t i;

	for (i = 0; name && i < NKINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

const ferry_problem_kind_info *ferry__problem_kind_at(size_t i)
{
	return i < NKINDS ? &kinds[i] : NULL;
}

/* Does a character need quoting in a POSIX shell word? */
static int shell_plain(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || strchr("_-./:=@%+,", c);
}

void ferry__shell_quote(ferry_str *s, const char *word)
{
	const char *p;
	int plain = *word != '\0';

	for (p = word; *p && plain; p++)
		plain = shell_plain((unsigned char)*p);
	if (plain) {
		ferry_str_puts(s, word);
		return;
	}
	ferry_str_putc(s, '\'');
	for (p = word; *p; p++) {
		if (*p == '\'')
			ferry_str_puts(s, "'\\''");
		else
			ferry_str_putc(s, *p);
	}
	ferry_str_putc(s, '\'');
}

void ferry__problem_advice(ferry_str *s, const char *kind, int64_t id,
	int64_t item, unsigned item_allows)
{
	const ferry_problem_kind_info *k = ferry__problem_kind(kind);
	unsigned allows;
	int n = 0;

	if (!k || !k->allows)
		return;
	allows = k->allows & item_allows;
	ferry_str_puts(s, "; ");
	if (k->before)
		ferry_str_printf(s, "%s ", k->before);
	if (allows & FERRY_RESOLVE_ACCEPT) {
		ferry_str_printf(s, "'ferry import resolve %lld accept %lld' "
			"takes the package's %s", (long long)id,
			(long long)item, item_allows & FERRY_RESOLVE_PARTIAL ?
			"values of the fields that conflict (the target keeps "
			"its other changes; add --whole for the package's "
			"whole record)" : "version");
		n++;
	}
	if (allows & FERRY_RESOLVE_MERGE) {
		ferry_str_printf(s, "%s'ferry import resolve %lld merge %lld "
			"PATCH' decides fields by hand (PATCH: a JSON object "
			"of them; 'ferry import diff %lld %lld' shows them)",
			n ? ", " : "", (long long)id, (long long)item,
			(long long)id, (long long)item);
		n++;
	}
	if (allows & FERRY_RESOLVE_SKIP)
		ferry_str_printf(s, "%s'ferry import resolve %lld skip %lld' "
			"keeps the target's", n ? ", or " : "", (long long)id,
			(long long)item);
}

unsigned ferry__import_item_allows(const char *t, const char *entity,
	const char *action, const char *decision)
{
	unsigned a = FERRY_RESOLVE_ACCEPT | FERRY_RESOLVE_SKIP;

	if (t && !strcmp(t, "record") && entity &&
	    !ferry__import_is_catalog(entity) && action &&
	    strcmp(action, "delete") != 0)
		a |= FERRY_RESOLVE_MERGE;
	if (decision && !strcmp(decision, "merge"))
		a |= FERRY_RESOLVE_PARTIAL;
	return a;
}

void ferry__problem_kinds_without(ferry_str *s, unsigned want)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (kinds[i].allows && !(kinds[i].allows & want))
			ferry_str_printf(s, "%s%s", s->size ? "," : "",
				kinds[i].name);
	if (!s->size)
		ferry_str_puts(s, "");
}
