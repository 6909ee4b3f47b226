/*
 * ferry/formula.h - formulas and data sets: named definitions with
 * numbered versions (draft, active, closed), deployed by the matching
 * rules of docs/formulas.md.
 *
 * A formula's signature is its inputs and output steps; a data set's is
 * its columns.  Every call takes the kind, so one implementation serves
 * both.
 */
#ifndef FERRY_FORMULA_H
#define FERRY_FORMULA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	FERRY_FORMULA = 1,	/**< a formula */
	FERRY_DATASET = 2	/**< a data set */
} ferry_definition_kind;

/** What a new formula or version is made of; NULL fields are unset. */
typedef struct {
	unsigned version;	/**< FERRY_FORMULA_OPTIONS_VERSION */
	const char *inputs;	/**< "a:decimal,b:int" (data sets: columns) */
	const char *outputs;	/**< "step1,step2" (formulas only) */
	const char *body;	/**< the formula's text */
	const char *start;	/**< start date YYYY-MM-DD; NULL: today */
	const char *parent;	/**< parent formula name */
	const char *master;	/**< master formula name */
} ferry_formula_options;

#define FERRY_FORMULA_OPTIONS_VERSION 1
#define FERRY_FORMULA_OPTIONS_INIT \
	{ FERRY_FORMULA_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

/**
 * Create a definition with version 1, draft.
 *
 * opts->inputs (data sets: the columns) is required ("" for a formula
 * without inputs); a formula needs opts->outputs, a data set must not
 * have them.  The start date defaults to today in the acting user's
 * time zone; parent and master must name definitions of the same kind.
 * Anyone may create.  Rules: docs/formulas.md.
 *
 * @return 0, FERRY_EEXISTS (the name is taken), FERRY_EINVALID (a bad
 *         name, list, type or date), FERRY_ENOTFOUND (no such parent or
 *         master)
 */
int ferry_formula_create(ferry_db *db, ferry_definition_kind kind,
	const char *name, const ferry_formula_options *opts);

/**
 * Add a new draft version.  Unset options are copied from the latest
 * version, except the start date (default today); parent or master ""
 * clears that link.  Anyone may add a version.
 *
 * @param[out] out {name, version, start_date}; may be NULL
 * @return 0, FERRY_ENOTFOUND (no such definition, parent or master),
 *         FERRY_ESTATE (it already has a draft: one at a time),
 *         FERRY_EINVALID
 */
int ferry_formula_new_version(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name,
	const ferry_formula_options *opts);

/**
 * Activate a draft version; the previously active one, if any, is closed.
 * @return 0, FERRY_ENOTFOUND, FERRY_ESTATE (not a draft), FERRY_EDENIED
 *         (admins only)
 */
int ferry_formula_activate(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/**
 * Close an active version.
 * @return 0, FERRY_ENOTFOUND, FERRY_ESTATE (a draft, or already closed),
 *         FERRY_EDENIED (admins only)
 */
int ferry_formula_close(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/**
 * Delete a draft version (its author or an admin).  Deleting the only
 * version deletes the definition.  In-progress packs holding the draft
 * drop it.
 * @return 0, FERRY_ENOTFOUND, FERRY_ESTATE (not a draft, or held by a
 *         completed pack), FERRY_EDENIED
 */
int ferry_formula_delete(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/** [{name, versions, latest, active, draft}] by name. */
int ferry_formula_list(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind);

/**
 * {name, kind, created_at, versions:[{version, status, start_date,
 * inputs, outputs, body, parent, master, created_by, created_at,
 * import}]} (data sets: columns instead of inputs and outputs).
 * @return 0, FERRY_ENOTFOUND
 */
int ferry_formula_show(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name);

#ifdef __cplusplus
}
#endif

#endif
