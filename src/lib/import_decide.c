/*
 * import_decide.c - the decision table and the protection matrix of an
 * import's record items (docs/import.md, "Preview"), as data.
 *
 * The store knows the facts of every record item against the target
 * (ferry_record_fact, store.h) and evaluates these tables set-wise: in
 * each table the first row whose facts all hold (`all`) and none of whose
 * excluded facts hold (`none`) gives the result.  So the rules are here,
 * once, and the speed of planning 100,000 items in a few statements
 * stays.
 */
#include "imports.h"

#define PRESENT FERRY_FACT_PRESENT
#define SAME FERRY_FACT_SAME
#define INSERT FERRY_FACT_INSERT
#define UPDATE FERRY_FACT_UPDATE
#define DELETE FERRY_FACT_DELETE
#define HAS_BASE FERRY_FACT_HAS_BASE
#define AT_BASE FERRY_FACT_AT_BASE
#define FIELDS FERRY_FACT_FIELDS
#define CONFLICT FERRY_FACT_CONFLICT
#define SAME_FIELDS FERRY_FACT_SAME_FIELDS
#define MERGE FERRY_FACT_MERGE
#define SKIP FERRY_FACT_SKIP
#define NO_ENTITY FERRY_FACT_NO_ENTITY

#define TABLE(rows) { rows, sizeof(rows) / sizeof(rows[0]) }

/*
 * What the plan does with a record item.  A record the target already
 * holds with the package's content (or version) is skipped; a changed
 * record compared field by field is a merge whose conflicting fields
 * wait for an answer (merge3.h).
 */
static const ferry_decision_rule decisions[] = {
	{ DELETE, PRESENT, "skip", NULL, NULL },
	{ 0, PRESENT, "insert", NULL, NULL },
	{ SAME, 0, "skip", NULL, NULL },
	{ DELETE, 0, "delete", NULL, NULL },
	{ AT_BASE, 0, "update", NULL, NULL },
	{ FIELDS, 0, "merge", NULL, NULL },
	{ 0, 0, "update", NULL, NULL },
};

/* The problem versions decide (at most one per item); the result is
 * the fact code its words have (import_facts.c). */
static const ferry_decision_rule versions[] = {
	{ DELETE, PRESENT, "already_deleted", "already_deleted", "info" },
	{ PRESENT | SAME, 0, "already_applied", "already_applied", "info" },
	{ PRESENT | CONFLICT, 0, "conflict", "local_change", "error" },
	{ MERGE, 0, "merged", "local_change", "info" },
	/* Changed in the target, nothing to merge with. */
	{ PRESENT | INSERT | HAS_BASE, AT_BASE | FIELDS,
	  "changed_since_arrival", "local_change", "error" },
	{ PRESENT | INSERT, AT_BASE | FIELDS, "insert_exists",
	  "local_change", "error" },
	{ PRESENT | DELETE, AT_BASE | FIELDS, "delete_changed",
	  "local_change", "error" },
	{ PRESENT, AT_BASE | FIELDS, "changed_no_base", "local_change",
	  "error" },
	/* Updated in the package, gone from the target (unless its
	 * entity is missing: that problem says it). */
	{ UPDATE, PRESENT | NO_ENTITY, "gone", "local_change", "error" },
};

/* The protection matrix: the target's policy against the package's,
 * for a record the import writes. */
static const ferry_decision_rule protections[] = {
	{ PRESENT | FERRY_FACT_TARGET_PROTECTED, SKIP |
	  FERRY_FACT_PACKAGE_PROTECTED, "protected", "protected", "error" },
	{ PRESENT | FERRY_FACT_TARGET_CHANGED | FERRY_FACT_PACKAGE_OPEN, SKIP,
	  "customized", "customized", "error" },
};

/*
 * What a resolved item does (its act): skip keeps the target's; merge
 * writes the hand-merged record (an insert if the target lacks it);
 * accept takes the package's (a merge of the conflicting fields unless
 * --whole).  Catalog records and other items act as planned (NULL).
 */
static const ferry_decision_rule acts[] = {
	{ FERRY_FACT_SKIPPED, 0, "skip", NULL, NULL },
	{ FERRY_FACT_MERGED, PRESENT, "insert", NULL, NULL },
	{ FERRY_FACT_MERGED, 0, "merge", NULL, NULL },
	{ FERRY_FACT_ACCEPTED | FERRY_FACT_NOT_RECORD, 0, NULL, NULL, NULL },
	{ FERRY_FACT_ACCEPTED | DELETE, PRESENT, "skip", NULL, NULL },
	{ FERRY_FACT_ACCEPTED | DELETE, 0, "delete", NULL, NULL },
	{ FERRY_FACT_ACCEPTED, PRESENT, "insert", NULL, NULL },
	{ FERRY_FACT_ACCEPTED | MERGE, FERRY_FACT_WHOLE, "merge", NULL,
	  NULL },
	{ FERRY_FACT_ACCEPTED, 0, "update", NULL, NULL },
	{ 0, 0, NULL, NULL, NULL },
};

/* Beside the above: the same change on both sides is no conflict. */
static const ferry_decision_rule besides[] = {
	{ MERGE | SAME_FIELDS, 0, "same_change", "same_change", "info" },
};

const ferry_decision_table ferry__record_decisions = TABLE(decisions);
const ferry_decision_table ferry__resolved_acts = TABLE(acts);
const ferry_decision_table ferry__record_problems[3] = {
	TABLE(versions), TABLE(protections), TABLE(besides)
};
