/*
 * imports.h - what the import pipeline's files share: import.c (load,
 * list, show, resolve, merge), import_preview.c (the plan) and
 * import_commit.c (commit, back out, apply).  docs/import.md describes
 * the pipeline and its rules.
 */
#ifndef FERRY_LIB_IMPORTS_H
#define FERRY_LIB_IMPORTS_H

#include "records.h"
#include "schema_merge.h"
#include "store/store.h"

/* The system entities whose records are the catalog, and the ones that
 * are associated objects. */
int ferry__import_is_catalog(const char *entity);

/*
 * Look an import up, with the message a user sees when there is none;
 * with `states` (comma-separated), FERRY_ESTATE unless it is in one of
 * them, `doing` completing "cannot ... an import that is ...".
 */
int ferry__import_find(ferry_db *db, int64_t id, const char *states,
	const char *doing, ferry_import_row *out);

/*
 * Decide what every item of an import does against the target as it is
 * now and record every problem (docs/import.md, "Preview"), replacing
 * the previous plan; resolutions are kept.  Inside the caller's
 * transaction.
 */
int ferry__import_plan(ferry_db *db, const ferry_import_row *imp);

/*
 * A sys_field payload as a field definition: the strings point into
 * obj (a parsed payload) or are NULL; default_value is owned by def_text.
 */
int ferry__import_field_def(ferry_db *db, json_t *obj, ferry_field_def *def,
	ferry_str *def_text);

/*
 * 1 if every value that exactly fits type `declared` (in its stored form)
 * exactly fits type `target` too, so no value needs checking: the same
 * type with room enough, int into bigint, any string into text.
 */
int ferry__import_covers(const ferry_type *target, const ferry_type *declared);

/* Parse a payload or merged object (one document per call). */
int ferry__import_parse(ferry_db *db, const char *text, json_t **out);

#endif
