/*
 * formulas.h - the rules formulas and data sets share between their
 * public calls (formula.c) and their import (formula_deploy.c): kinds,
 * names, dates, and the canonical form of signatures.
 *
 * A signature is stored and compared as canonical JSON text: inputs and
 * columns as [{"name":"a","type":"int"}] in their given order, output
 * steps as ["step1","step2"], compact, keys in that order.  Two
 * signatures are identical exactly when their canonical texts are equal.
 * Every checker here sets the handle's message and returns FERRY_EINVALID
 * for bad input.
 */
#ifndef FERRY_LIB_FORMULAS_H
#define FERRY_LIB_FORMULAS_H

#include "db.h"
#include "str.h"

#include <jansson.h>

#define FERRY_DEF_NAME_MAX 128	/* bytes in a definition's name */
#define FERRY_DEF_STEP_MAX 128	/* bytes in an output step's name */
#define FERRY_DEF_PARAMS_MAX 1000 /* inputs, columns or steps */

/* "formula" or "dataset"; NULL for anything else. */
const char *ferry_formula__kind_name(ferry_definition_kind kind);
/* What the CLI calls it in messages: "formula", "data set". */
const char *ferry_formula__kind_label(ferry_definition_kind kind);

/* Check a definition's name (1 to FERRY_DEF_NAME_MAX bytes of UTF-8,
 * no control characters, no spaces at either end). */
int ferry_formula__name_check(ferry_db *db, ferry_definition_kind kind,
	const char *name);

/* Check a start date: a real calendar date written YYYY-MM-DD. */
int ferry_formula__date_check(ferry_db *db, const char *date);

/* Today in the acting user's time zone (resolves the actor). */
int ferry_formula__today(ferry_db *db, char out[FERRY_DATE_LEN]);

/*
 * Parameters "a:int, b:decimal(10,2)" (inputs or columns) to canonical
 * JSON, appended to out.  Names are identifiers, unique; types are the
 * catalog's (docs/formulas.md), bare "decimal" allowed.
 */
int ferry_formula__params_text(ferry_db *db, ferry_str *out,
	ferry_definition_kind kind, const char *text);
/* The same from a package's JSON array [{"name","type"}]. */
int ferry_formula__params_json(ferry_db *db, ferry_str *out,
	ferry_definition_kind kind, json_t *array);

/* Output steps "step1,step2" to canonical JSON, appended to out. */
int ferry_formula__steps_text(ferry_db *db, ferry_str *out,
	const char *text);
/* The same from a package's JSON array of strings. */
int ferry_formula__steps_json(ferry_db *db, ferry_str *out, json_t *array);

#endif
