/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__import_plan_reset(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import plan reset");
}

int ferry_pg__import_plan_records(ferry_db *db, int64_t id, const char *entity, const ferry_fieldset *fs, int by_name, const ferry_decision_table *decide)
{
	return ferry_pg__unported(db, "import plan records");
}

int ferry_pg__import_plan_put(ferry_db *db, int64_t id, int64_t item, const char *target_id, const char *target_version, const char *decision, const char *detail)
{
	return ferry_pg__unported(db, "import plan put");
}

int ferry_pg__import_plan_rest(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import plan rest");
}

int ferry_pg__import_problem_put(ferry_db *db, int64_t id, int64_t item, const char *kind, const char *severity, const char *facts)
{
	return ferry_pg__unported(db, "import problem put");
}

int ferry_pg__import_problems_records(ferry_db *db, int64_t id, const ferry_decision_table tables[3])
{
	return ferry_pg__unported(db, "import problems records");
}

int ferry_pg__import_problems_entity(ferry_db *db, int64_t id, const char *entity, const char *facts)
{
	return ferry_pg__unported(db, "import problems entity");
}

int ferry_pg__import_problems_field(ferry_db *db, int64_t id, const char *entity, const char *field, ferry_value_check check, const ferry_field *target)
{
	return ferry_pg__unported(db, "import problems field");
}

int ferry_pg__import_referrers(ferry_db *db, int64_t id, int (*cb)(const char *entity, const char *field, const char *ref_entity, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import referrers");
}

int ferry_pg__import_problems_referenced(ferry_db *db, int64_t id, const char *entity, const char *field, const char *ref_entity)
{
	return ferry_pg__unported(db, "import problems referenced");
}

int ferry_pg__import_unresolved(ferry_db *db, int64_t id, int64_t *count, int (*each)(int64_t item, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import unresolved");
}

int ferry_pg__import_discard(ferry_db *db, int64_t id)
{
	return ferry_pg__unported(db, "import discard");
}

int ferry_pg__import_decision_counts(ferry_db *db, int64_t id, int (*cb)(const char *decision, int64_t n, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import decision counts");
}

int ferry_pg__import_problems_each(ferry_db *db, int64_t id, const ferry_problem_filter *f, int (*cb)(const ferry_import_problem_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import problems each");
}

int ferry_pg__import_problem_kinds(ferry_db *db, int64_t id, const ferry_problem_filter *f, int (*cb)(const char *kind, int64_t n, void *payload), void *payload, int64_t *matched)
{
	return ferry_pg__unported(db, "import problem kinds");
}

int ferry_pg__import_problem_of(ferry_db *db, int64_t id, int64_t item, const char *kinds, ferry_str *kind)
{
	return ferry_pg__unported(db, "import problem of");
}

int ferry_pg__import_resolution_set(ferry_db *db, int64_t id, int64_t item, const char *resolution, const char *merged, int whole, const char *by, const char *at)
{
	return ferry_pg__unported(db, "import resolution set");
}

int ferry_pg__import_resolution_clear(ferry_db *db, int64_t id, int64_t item)
{
	return ferry_pg__unported(db, "import resolution clear");
}

int ferry_pg__import_resolve_all(ferry_db *db, int64_t id, const char *resolution, int whole, const char *not_kinds, const char *by, const char *at, int64_t *resolved, int64_t *left, int (*each_left)(int64_t item, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import resolve all");
}

int ferry_pg__import_ref_exists(ferry_db *db, int64_t id, const char *entity, const char *sys_id, int table)
{
	return ferry_pg__unported(db, "import ref exists");
}

int ferry_pg__import_acts(ferry_db *db, int64_t id, const ferry_decision_table *acts)
{
	return ferry_pg__unported(db, "import acts");
}

int ferry_pg__import_fast(ferry_db *db, const ferry_import_write *w, const char *entity, const ferry_fieldset *fs, const ferry_fieldset *check, int updates, int64_t *done)
{
	return ferry_pg__unported(db, "import fast");
}

int ferry_pg__import_act_count(ferry_db *db, int64_t id, const char *act, int64_t *n)
{
	return ferry_pg__unported(db, "import act count");
}

int ferry_pg__import_next(ferry_db *db, int64_t id, const char *entity, int what, const char *after, ferry_import_item *out)
{
	return ferry_pg__unported(db, "import next");
}

int ferry_pg__import_adopt(ferry_db *db, const char *entity, const char *sys_id, const char *from, const char *to)
{
	return ferry_pg__unported(db, "import adopt");
}

int ferry_pg__import_outcome(ferry_db *db, int64_t id, int64_t item, const char *outcome, const char *detail)
{
	return ferry_pg__unported(db, "import outcome");
}

int ferry_pg__import_outcome_counts(ferry_db *db, int64_t id, int (*cb)(const char *outcome, int64_t n, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import outcome counts");
}

int ferry_pg__import_outcomes_each(ferry_db *db, int64_t id, int what, int (*cb)(const ferry_import_outcome_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import outcomes each");
}

int ferry_pg__import_touched_next(ferry_db *db, int64_t id, int64_t after, ferry_import_touched *out)
{
	return ferry_pg__unported(db, "import touched next");
}

int ferry_pg__import_problems_of_kinds(ferry_db *db, int64_t id, const char *kinds, int (*cb)(const ferry_import_problem_row *row, void *payload), void *payload)
{
	return ferry_pg__unported(db, "import problems of kinds");
}

