/*
 * definitions.h - how an import deploys formulas and data sets (seed 001).
 * Implemented in formula_deploy.c; called by the import pipeline for
 * items whose "t" is "formula" or "dataset".
 */
#ifndef FERRY_LIB_DEFINITIONS_H
#define FERRY_LIB_DEFINITIONS_H

#include "db.h"
#include "str.h"

/* What deploying one packaged formula or data set would do. */
typedef struct {
	ferry_str action;	/* "create", "new_version", "create_renamed" */
	ferry_str target;	/* the name it gets in the target */
	ferry_str problems;	/* JSON array: [{kind, severity, message}] */
} ferry_definition_plan;

void ferry__definition_plan_init(ferry_definition_plan *p);
void ferry__definition_plan_dispose(ferry_definition_plan *p);

/*
 * Decide, without writing, what importing the item (its JSON line) does,
 * and which problems it has (formula_draft_exists is an error that no
 * resolution can accept).  Uses the actor's time zone for dates.
 */
int ferry__definition_preview(ferry_db *db, const char *item, size_t len,
	ferry_definition_plan *plan);

/*
 * Deploy the item, inside the caller's transaction.  outcome receives a
 * JSON object {kind, name, version, action}.
 */
int ferry__definition_commit(ferry_db *db, const char *item, size_t len,
	int64_t import_id, ferry_str *outcome);

#endif
