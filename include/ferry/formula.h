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

/** Create a definition with version 1, draft. */
int ferry_formula_create(ferry_db *db, ferry_definition_kind kind,
	const char *name, const ferry_formula_options *opts);

/**
 * Add a new draft version (unset options are copied from the latest).
 * @param[out] out {name, version}
 */
int ferry_formula_new_version(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name,
	const ferry_formula_options *opts);

/** Activate a version; the previously active one is closed. */
int ferry_formula_activate(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/** Close a version. */
int ferry_formula_close(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/** Delete a draft version. */
int ferry_formula_delete(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version);

/** [{name, versions, latest, active}]. */
int ferry_formula_list(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind);

/**
 * {name, versions:[{version, status, start_date, inputs, outputs, body,
 * parent, master}]} (data sets: columns instead of inputs and outputs).
 */
int ferry_formula_show(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name);

#ifdef __cplusplus
}
#endif

#endif
