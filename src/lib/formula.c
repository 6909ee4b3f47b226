/*
 * formula.c - formulas and data sets: create, new version, activate,
 * close, delete, list and show (include/ferry/formula.h), plus the checks
 * and canonical forms formula_deploy.c shares (formulas.h).
 *
 * The life cycle (docs/formulas.md): a version is born a draft; at most
 * one draft per definition; activating a draft closes the active version;
 * closing ends an active version; only a draft can be deleted, and a
 * definition whose last version is deleted is gone.  Anyone may create
 * definitions and versions, and delete a draft they wrote; activating,
 * closing and deleting someone else's draft change what is live or
 * someone's work, so they take an admin.
 */
#include "formulas.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"
#include "types.h"

#include <ctype.h>
#include <string.h>

const char *ferry_formula__kind_name(ferry_definition_kind kind)
{
	switch (kind) {
	case FERRY_FORMULA:
		return "formula";
	case FERRY_DATASET:
		return "dataset";
	}
	return NULL;
}

const char *ferry_formula__kind_label(ferry_definition_kind kind)
{
	return kind == FERRY_DATASET ? "data set" : "formula";
}

/* Printable UTF-8 of 1..max bytes with no spaces at either end. */
static int printable(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len == 0 || len > max || !ferry_utf8_valid(s, len) ||
	    s[0] == ' ' || s[len - 1] == ' ')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int ferry_formula__name_check(ferry_db *db, ferry_definition_kind kind,
	const char *name)
{
	if (name && printable(name, strlen(name), FERRY_DEF_NAME_MAX))
		return 0;
	return ferry__error(db, FERRY_EINVALID, "invalid %s name '%s': use 1 "
		"to %d printable characters, without spaces at either end",
		ferry_formula__kind_label(kind), name ? name : "",
		FERRY_DEF_NAME_MAX);
}

int ferry_formula__date_check(ferry_db *db, const char *date)
{
	int64_t t;

	if (date && ferry_time_parse_date(&t, date) == 0)
		return 0;
	return ferry__error(db, FERRY_EINVALID, "invalid start date '%s': "
		"write a calendar date as YYYY-MM-DD, e.g. 2022-01-31",
		date ? date : "");
}

int ferry_formula__today(ferry_db *db, char out[FERRY_DATE_LEN])
{
	int error;

	if ((error = ferry__actor(db)) < 0)
		return error;
	if (ferry_time_local_date(out, ferry__now(db), db->user_tz) < 0)
		return ferry__error(db, FERRY_EINVALID, "user '%s' has the "
			"unknown time zone '%s'; an admin can fix it with "
			"'ferry user set %s --tz ZONE'", db->user, db->user_tz,
			db->user);
	return 0;
}

/* What the parameters of a kind are called in messages. */
static const char *params_label(ferry_definition_kind kind)
{
	return kind == FERRY_DATASET ? "column" : "input";
}

/* Append one canonical {"name","type"}; seen collects the names. */
static int add_param(ferry_db *db, ferry_str *out, json_t *seen,
	ferry_definition_kind kind, const char *name, const char *type_text)
{
	char type[FERRY_TYPE_TEXT_MAX];
	ferry_str err = FERRY_STR_INIT;
	ferry_type t;
	int error = 0;

	if (!ferry_ident_valid(name)) {
		error = ferry__error(db, FERRY_EINVALID, "invalid %s name "
			"'%s': use a lowercase letter, then letters, digits or "
			"'_' (at most %d)", params_label(kind), name,
			FERRY_IDENT_MAX);
		goto done;
	}
	if (json_object_get(seen, name)) {
		error = ferry__error(db, FERRY_EINVALID, "%s '%s' is given "
			"twice; give each %s once", params_label(kind), name,
			params_label(kind));
		goto done;
	}
	if (!strcmp(type_text, "decimal")) {
		/* A parameter needs no storage size: bare decimal is fine. */
		memcpy(type, "decimal", 8);
	} else if (ferry_type__parse(&t, type_text, &err) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "%s '%s': %s",
			params_label(kind), name, ferry_str_cstr(&err));
		goto done;
	} else {
		ferry_type__format(type, &t);
	}
	if (json_object_set_new(seen, name, json_true()) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	if (json_object_size(seen) > 1)
		ferry_str_putc(out, ',');
	ferry_str_puts(out, "{\"name\":");
	ferry_str_puts_json(out, name);
	ferry_str_puts(out, ",\"type\":");
	ferry_str_puts_json(out, type);
	ferry_str_putc(out, '}');
done:
	ferry_str_dispose(&err);
	return error;
}

/* Trim spaces at both ends of s[0..*len). */
static const char *trim(const char *s, size_t *len)
{
	while (*len && isspace((unsigned char)*s)) {
		s++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)s[*len - 1]))
		(*len)--;
	return s;
}

/* End of the list item starting at s: the next ',' outside (). */
static size_t item_len(const char *s)
{
	size_t i;
	int depth = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (s[i] == ',' && depth == 0)
			break;
	}
	return i;
}

static int too_many(ferry_db *db, const char *what)
{
	return ferry__error(db, FERRY_EINVALID, "too many %ss: at most %d",
		what, FERRY_DEF_PARAMS_MAX);
}

int ferry_formula__params_text(ferry_db *db, ferry_str *out,
	ferry_definition_kind kind, const char *text)
{
	json_t *seen = json_object();
	ferry_str name = FERRY_STR_INIT, type = FERRY_STR_INIT;
	const char *p = text ? text : "", *s, *colon;
	size_t len, i;
	int error = 0, n = 0;

	if (!seen)
		return ferry__oom(db);
	ferry_str_putc(out, '[');
	len = strlen(p);
	trim(p, &len);
	while (len > 0 && *p) {
		size_t ilen = item_len(p), nlen;

		s = trim(p, &ilen);
		colon = memchr(s, ':', ilen);
		if (ilen == 0 || !colon) {
			error = ferry__error(db, FERRY_EINVALID, "malformed "
				"%ss '%s': write name:type pairs separated by "
				"commas, e.g. 'a:decimal(10,2),b:int'",
				params_label(kind), text);
			goto done;
		}
		if (++n > FERRY_DEF_PARAMS_MAX) {
			error = too_many(db, params_label(kind));
			goto done;
		}
		nlen = (size_t)(colon - s);
		trim(s, &nlen);
		ferry_str_clear(&name);
		ferry_str_put(&name, s, nlen);
		/* The type without any white space: "decimal(10, 2)". */
		ferry_str_clear(&type);
		for (i = (size_t)(colon - s) + 1; i < ilen; i++)
			if (!isspace((unsigned char)s[i]))
				ferry_str_putc(&type, s[i]);
		if (ferry_str_failed(&name) || ferry_str_failed(&type)) {
			error = ferry__oom(db);
			goto done;
		}
		if ((error = add_param(db, out, seen, kind,
		    ferry_str_cstr(&name), ferry_str_cstr(&type))) < 0)
			goto done;
		p += item_len(p);
		if (*p == ',') {
			p++;
			if (!*p) {
				error = ferry__error(db, FERRY_EINVALID,
					"malformed %ss '%s': nothing after the "
					"last comma", params_label(kind), text);
				goto done;
			}
		}
	}
	ferry_str_putc(out, ']');
done:
	json_decref(seen);
	ferry_str_dispose(&name);
	ferry_str_dispose(&type);
	return error;
}

int ferry_formula__params_json(ferry_db *db, ferry_str *out,
	ferry_definition_kind kind, json_t *array)
{
	json_t *seen, *v;
	size_t i;
	int error = 0;

	if (!json_is_array(array))
		return ferry__error(db, FERRY_EINVALID, "the package's %s item "
			"has no %ss array; export it again from its source "
			"instance", ferry_formula__kind_label(kind),
			params_label(kind));
	if (json_array_size(array) > FERRY_DEF_PARAMS_MAX)
		return too_many(db, params_label(kind));
	if (!(seen = json_object()))
		return ferry__oom(db);
	ferry_str_putc(out, '[');
	json_array_foreach(array, i, v) {
		json_t *name = json_object_get(v, "name");
		json_t *type = json_object_get(v, "type");

		if (!json_is_string(name) || !json_is_string(type)) {
			error = ferry__error(db, FERRY_EINVALID,
				"the package's %s item has a %s without a "
				"name or type; "
				"export it again from its source instance",
				ferry_formula__kind_label(kind),
				params_label(kind));
			goto done;
		}
		if ((error = add_param(db, out, seen, kind,
		    json_string_value(name), json_string_value(type))) < 0)
			goto done;
	}
	ferry_str_putc(out, ']');
done:
	json_decref(seen);
	return error;
}

/* Append one step after checking it; seen collects the names. */
static int add_step(ferry_db *db, ferry_str *out, json_t *seen,
	const char *step, size_t len)
{
	ferry_str s = FERRY_STR_INIT;
	int error = 0;

	ferry_str_put(&s, step, len);
	if (ferry_str_failed(&s)) {
		error = ferry__oom(db);
		goto done;
	}
	if (!printable(step, len, FERRY_DEF_STEP_MAX) ||
	    memchr(step, ',', len)) {
		error = ferry__error(db, FERRY_EINVALID, "invalid output step "
			"'%s': use 1 to %d printable characters, no commas",
			ferry_str_cstr(&s), FERRY_DEF_STEP_MAX);
		goto done;
	}
	if (json_object_get(seen, s.ptr)) {
		error = ferry__error(db, FERRY_EINVALID, "output step '%s' is "
			"given twice; give each step once", s.ptr);
		goto done;
	}
	if (json_object_size(seen) >= FERRY_DEF_PARAMS_MAX) {
		error = too_many(db, "output step");
		goto done;
	}
	if (json_object_set_new(seen, s.ptr, json_true()) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	if (json_object_size(seen) > 1)
		ferry_str_putc(out, ',');
	ferry_str_put_json(out, step, len);
done:
	ferry_str_dispose(&s);
	return error;
}

int ferry_formula__steps_text(ferry_db *db, ferry_str *out,
	const char *text)
{
	json_t *seen = json_object();
	const char *p = text ? text : "";
	size_t len;
	int error = 0;

	if (!seen)
		return ferry__oom(db);
	ferry_str_putc(out, '[');
	len = strlen(p);
	trim(p, &len);
	while (len > 0) {
		const char *comma = strchr(p, ','), *s;
		size_t ilen = comma ? (size_t)(comma - p) : strlen(p);

		s = trim(p, &ilen);
		if ((error = add_step(db, out, seen, s, ilen)) < 0)
			goto done;
		if (!comma)
			break;
		p = comma + 1;
	}
	ferry_str_putc(out, ']');
done:
	json_decref(seen);
	return error;
}

int ferry_formula__steps_json(ferry_db *db, ferry_str *out, json_t *array)
{
	json_t *seen, *v;
	size_t i;
	int error = 0;

	if (!json_is_array(array))
		return ferry__error(db, FERRY_EINVALID, "the package's formula "
			"item has no outputs array; export it again from its "
			"source instance");
	if (!(seen = json_object()))
		return ferry__oom(db);
	ferry_str_putc(out, '[');
	json_array_foreach(array, i, v) {
		if (!json_is_string(v)) {
			error = ferry__error(db, FERRY_EINVALID,
				"the package's formula item has an output "
				"step that is not a string; export it again "
				"from its source instance");
			goto done;
		}
		if ((error = add_step(db, out, seen, json_string_value(v),
		    json_string_length(v))) < 0)
			goto done;
	}
	ferry_str_putc(out, ']');
done:
	json_decref(seen);
	return error;
}

/* ---- the public calls ---------------------------------------------- */

static int check_kind(ferry_db *db, ferry_definition_kind kind)
{
	if (ferry_formula__kind_name(kind))
		return 0;
	return ferry__error(db, FERRY_EINVALID, "unknown definition kind %d; "
		"use FERRY_FORMULA or FERRY_DATASET", (int)kind);
}

/* Look a definition up, with the error a user should see. */
static int find_def(ferry_db *db, ferry_definition_kind kind,
	const char *name, int64_t *id)
{
	const char *k = ferry_formula__kind_name(kind);
	int error = ferry_store__definition_find(db, k, name ? name : "", id);

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no %s named '%s'; see 'ferry "
			"%s list'", ferry_formula__kind_label(kind),
			name ? name : "", k);
	return error;
}

/* Read a version, with the error a user should see. */
static int find_version(ferry_db *db, ferry_definition_kind kind,
	const char *name, int64_t id, int version, ferry_definition_row *row)
{
	int error;

	if (version < 1)
		return ferry__error(db, FERRY_EINVALID, "invalid version %d: "
			"versions are numbered from 1", version);
	error = ferry_store__definition_version_get(db, id, version, row);
	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "%s '%s' has no version %d; "
			"see 'ferry %s show %s'",
			ferry_formula__kind_label(kind), name, version,
			ferry_formula__kind_name(kind), name);
	return error;
}

/* Set a link from an option: NULL keeps it, "" clears it, else it must
 * name a definition of the same kind. */
static int set_link(ferry_db *db, ferry_definition_kind kind,
	const char *which, const char *link, ferry_str *out)
{
	const char *k = ferry_formula__kind_name(kind);
	int64_t id;
	int error;

	if (!link)
		return 0;
	ferry_str_clear(out);
	if (!*link)
		return 0;
	error = ferry_store__definition_find(db, k, link, &id);
	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no %s named '%s' to be the "
			"%s; see 'ferry %s list'",
			ferry_formula__kind_label(kind), link, which, k);
	if (error < 0)
		return error;
	ferry_str_puts(out, link);
	return 0;
}

/*
 * Fill row from opts over what it holds (a new version starts from the
 * latest one; a new definition from nothing).  Checks everything.
 */
static int apply_options(ferry_db *db, ferry_definition_kind kind,
	const ferry_formula_options *opts, ferry_definition_row *row,
	int creating)
{
	const char *label = ferry_formula__kind_label(kind);
	int error;

	if (opts && opts->version != FERRY_FORMULA_OPTIONS_VERSION)
		return ferry__error(db, FERRY_EMISUSE, "ferry_formula_options "
			"version %u is not %d; use FERRY_FORMULA_OPTIONS_INIT",
			opts->version, FERRY_FORMULA_OPTIONS_VERSION);
	if (kind == FERRY_DATASET && opts && opts->outputs)
		return ferry__error(db, FERRY_EINVALID, "a data set has "
			"columns, not output steps; drop the outputs");
	if (creating && (!opts || !opts->inputs))
		return ferry__error(db, FERRY_EINVALID, "%s",
			kind == FERRY_DATASET ? "a data set needs its columns, "
			"e.g. --columns 'a:int,b:nvarchar(20)'" : "a formula "
			"needs its inputs, e.g. --inputs 'a:decimal,b:int' "
			"(--inputs '' for none)");
	if (creating && kind == FERRY_FORMULA && !opts->outputs)
		return ferry__error(db, FERRY_EINVALID, "a formula needs its "
			"output steps, e.g. --outputs 'step1,step2'");
	if (opts && opts->inputs) {
		ferry_str_clear(&row->signature);
		if ((error = ferry_formula__params_text(db, &row->signature,
		    kind, opts->inputs)) < 0)
			return error;
	}
	if (kind == FERRY_DATASET && !strcmp(ferry_str_cstr(&row->signature),
	    "[]"))
		return ferry__error(db, FERRY_EINVALID, "a data set needs at "
			"least one column, e.g. --columns 'a:int'");
	if (opts && opts->outputs) {
		ferry_str_clear(&row->outputs);
		if ((error = ferry_formula__steps_text(db, &row->outputs,
		    opts->outputs)) < 0)
			return error;
		if (!strcmp(ferry_str_cstr(&row->outputs), "[]"))
			return ferry__error(db, FERRY_EINVALID, "a %s needs at "
				"least one output step, e.g. --outputs 'total'",
				label);
	}
	if (kind == FERRY_DATASET) {
		ferry_str_clear(&row->outputs);
		ferry_str_puts(&row->outputs, "[]");
	}
	if (opts && opts->body) {
		if (!ferry_utf8_valid(opts->body, strlen(opts->body)))
			return ferry__error(db, FERRY_EINVALID, "a %s's body "
				"must be UTF-8 text", label);
		ferry_str_clear(&row->body);
		ferry_str_puts(&row->body, opts->body);
	}
	if (opts && opts->start) {
		if ((error = ferry_formula__date_check(db, opts->start)) < 0)
			return error;
		memcpy(row->start_date, opts->start, FERRY_DATE_LEN);
	} else if ((error = ferry_formula__today(db, row->start_date)) < 0) {
		return error;
	}
	if ((error = set_link(db, kind, "parent", opts ? opts->parent : NULL,
	    &row->parent)) < 0 ||
	    (error = set_link(db, kind, "master", opts ? opts->master : NULL,
	    &row->master)) < 0)
		return error;
	memcpy(row->status, "draft", 6);
	if (ferry_str_failed(&row->signature) ||
	    ferry_str_failed(&row->outputs) || ferry_str_failed(&row->body) ||
	    ferry_str_failed(&row->parent) || ferry_str_failed(&row->master))
		return ferry__oom(db);
	return 0;
}

int ferry_formula_create(ferry_db *db, ferry_definition_kind kind,
	const char *name, const ferry_formula_options *opts)
{
	ferry_definition_row row;
	char now[FERRY_ISO_LEN];
	const char *k;
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_kind(db, kind)) < 0 ||
	    (error = ferry_formula__name_check(db, kind, name)) < 0)
		goto done;
	k = ferry_formula__kind_name(kind);
	error = ferry_store__definition_find(db, k, name, &id);
	if (error == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "%s '%s' already "
			"exists; add a version with 'ferry %s version %s'",
			ferry_formula__kind_label(kind), name, k, name);
		goto done;
	}
	if (error != FERRY_ENOTFOUND ||
	    (error = apply_options(db, kind, opts, &row, 1)) < 0)
		goto done;
	ferry__now_iso(db, now);
	row.version = 1;
	if ((error = ferry_store__definition_insert(db, k, name, now,
	    &id)) < 0)
		goto done;
	error = ferry_store__definition_version_insert(db, id, &row, db->user,
		now, 0);
done:
	ferry_store__definition_row_dispose(&row);
	return ferry_store__end(db, error);
}

int ferry_formula_new_version(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name,
	const ferry_formula_options *opts)
{
	ferry_definition_row row;
	ferry_str doc = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t id;
	int error, draft;

	FERRY_CHECK_DB(db);
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_kind(db, kind)) < 0 ||
	    (error = find_def(db, kind, name, &id)) < 0 ||
	    (error = ferry_store__definition_version_with(db, id, "draft",
	    &draft)) < 0)
		goto done;
	if (draft) {
		error = ferry__error(db, FERRY_ESTATE, "%s '%s' already has a "
			"draft, version %d, and may have only one; activate it "
			"('ferry %s activate %s %d') or delete it ('ferry %s "
			"delete %s %d') first", ferry_formula__kind_label(kind),
			name, draft, ferry_formula__kind_name(kind), name,
			draft, ferry_formula__kind_name(kind), name, draft);
		goto done;
	}
	if ((error = ferry_store__definition_version_get(db, id, 0,
	    &row)) < 0 ||
	    (error = apply_options(db, kind, opts, &row, 0)) < 0)
		goto done;
	ferry__now_iso(db, now);
	row.version++;
	if ((error = ferry_store__definition_version_insert(db, id, &row,
	    db->user, now, 0)) < 0)
		goto done;
	ferry_str_puts(&doc, "{\"name\":");
	ferry_str_puts_json(&doc, name);
	ferry_str_printf(&doc, ",\"version\":%d,\"start_date\":\"%s\"}",
		row.version, row.start_date);
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	ferry_store__definition_row_dispose(&row);
	return ferry_store__end(db, error);
}

int ferry_formula_activate(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version)
{
	ferry_definition_row row;
	int64_t id;
	int error, active;

	FERRY_CHECK_DB(db);
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = check_kind(db, kind)) < 0 ||
	    (error = ferry__require_admin(db, kind == FERRY_DATASET ?
	    "activate data sets" : "activate formulas")) < 0 ||
	    (error = find_def(db, kind, name, &id)) < 0 ||
	    (error = find_version(db, kind, name, id, version, &row)) < 0)
		goto done;
	if (strcmp(row.status, "draft")) {
		error = ferry__error(db, FERRY_ESTATE, "version %d of %s '%s' "
			"is %s; only a draft can be activated (make one with "
			"'ferry %s version %s')", version,
			ferry_formula__kind_label(kind), name, row.status,
			ferry_formula__kind_name(kind), name);
		goto done;
	}
	if ((error = ferry_store__definition_version_with(db, id, "active",
	    &active)) < 0 ||
	    (active && (error = ferry_store__definition_version_set_status(db,
	    id, active, "closed")) < 0))
		goto done;
	error = ferry_store__definition_version_set_status(db, id, version,
		"active");
done:
	ferry_store__definition_row_dispose(&row);
	return ferry_store__end(db, error);
}

int ferry_formula_close(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version)
{
	ferry_definition_row row;
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = check_kind(db, kind)) < 0 ||
	    (error = ferry__require_admin(db, kind == FERRY_DATASET ?
	    "close data sets" : "close formulas")) < 0 ||
	    (error = find_def(db, kind, name, &id)) < 0 ||
	    (error = find_version(db, kind, name, id, version, &row)) < 0)
		goto done;
	if (!strcmp(row.status, "draft")) {
		error = ferry__error(db, FERRY_ESTATE, "version %d of %s '%s' "
			"is a draft, which is never closed; delete it instead "
			"('ferry %s delete %s %d')", version,
			ferry_formula__kind_label(kind), name,
			ferry_formula__kind_name(kind), name, version);
		goto done;
	}
	if (!strcmp(row.status, "closed")) {
		error = ferry__error(db, FERRY_ESTATE, "version %d of %s '%s' "
			"is already closed", version,
			ferry_formula__kind_label(kind), name);
		goto done;
	}
	error = ferry_store__definition_version_set_status(db, id, version,
		"closed");
done:
	ferry_store__definition_row_dispose(&row);
	return ferry_store__end(db, error);
}

int ferry_formula_delete(ferry_db *db, ferry_definition_kind kind,
	const char *name, int version)
{
	ferry_definition_row row;
	ferry_str pack = FERRY_STR_INIT;
	const char *k, *label;
	int64_t id;
	int error, left;

	FERRY_CHECK_DB(db);
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_kind(db, kind)) < 0 ||
	    (error = find_def(db, kind, name, &id)) < 0 ||
	    (error = find_version(db, kind, name, id, version, &row)) < 0)
		goto done;
	k = ferry_formula__kind_name(kind);
	label = ferry_formula__kind_label(kind);
	if (strcmp(row.status, "draft")) {
		if (!strcmp(row.status, "active"))
			error = ferry__error(db, FERRY_ESTATE, "version %d of "
				"%s '%s' is active; only a draft can be "
				"deleted (close it instead: 'ferry %s close %s "
				"%d')",
				version, label, name, k, name, version);
		else
			error = ferry__error(db, FERRY_ESTATE, "version %d of "
				"%s '%s' is closed; only a draft can be "
				"deleted, and closed versions stay as history",
				version, label, name);
		goto done;
	}
	if (strcmp(row.created_by, db->user) &&
	    (error = ferry__require_admin(db, "delete a draft someone else "
	    "wrote")) < 0)
		goto done;
	error = ferry_store__definition_completed_pack(db, k, name, version,
		&pack);
	if (error == 0) {
		error = ferry__error(db, FERRY_ESTATE, "version %d of %s '%s' "
			"is in the completed pack '%s', which must not change; "
			"reopen it first ('ferry pack reopen %s')", version,
			label, name, pack.ptr, pack.ptr);
		goto done;
	}
	if (error != FERRY_ENOTFOUND ||
	    (error = ferry_store__definition_unpack(db, k, name,
	    version)) < 0 ||
	    (error = ferry_store__definition_version_delete(db, id, version,
	    &left)) < 0)
		goto done;
	if (left == 0)
		error = ferry_store__definition_remove(db, id);
done:
	ferry_str_dispose(&pack);
	ferry_store__definition_row_dispose(&row);
	return ferry_store__end(db, error);
}

static int definition_item(const ferry_definition_entry *d, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", d->name);
	ferry_json_int(doc, "versions", d->versions);
	ferry_json_id(doc, "latest", d->latest);
	ferry_json_id(doc, "active", d->active);
	ferry_json_id(doc, "draft", d->draft);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_formula_list(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind)
{
	ferry_str doc = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_kind(db, kind)) < 0)
		goto done;
	/* [{name, versions, latest, active, draft}] by name. */
	ferry_json_open(&doc, NULL, '[');
	if ((error = ferry_store__definition_each(db,
	    ferry_formula__kind_name(kind), 0, definition_item, &doc)) < 0)
		goto done;
	ferry_json_close(&doc, ']');
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}

/* The head of formula show's document: it stays open for the versions
 * (docs/cli/formula.md). */
static int definition_head(const ferry_definition_entry *d, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", d->name);
	ferry_json_str(doc, "kind", d->kind);
	ferry_json_str(doc, "created_at", d->created_at);
	return 0;
}

/* formula show's versions. */
typedef struct {
	ferry_str *doc;
	int formula;		/* else a data set */
} definition_versions;

/* A version: a formula has inputs and outputs, a data set columns. */
static int definition_version(const ferry_definition_version_entry *v,
	void *payload)
{
	definition_versions *d = payload;
	ferry_str *doc = d->doc;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "version", v->version);
	ferry_json_str(doc, "status", v->status);
	ferry_json_str(doc, "start_date", v->start_date);
	ferry_json_raw(doc, d->formula ? "inputs" : "columns", v->signature,
		strlen(v->signature));
	if (d->formula)
		ferry_json_raw(doc, "outputs", v->outputs,
			strlen(v->outputs));
	ferry_json_str(doc, "body", v->body);
	ferry_json_str(doc, "parent", v->parent);
	ferry_json_str(doc, "master", v->master);
	ferry_json_str(doc, "created_by", v->created_by);
	ferry_json_str(doc, "created_at", v->created_at);
	ferry_json_id(doc, "import", v->import_id);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_formula_show(ferry_buf *out, ferry_db *db,
	ferry_definition_kind kind, const char *name)
{
	ferry_str doc = FERRY_STR_INIT;
	definition_versions versions = { &doc, kind == FERRY_FORMULA };
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_kind(db, kind)) < 0 ||
	    (error = find_def(db, kind, name, &id)) < 0 ||
	    (error = ferry_store__definition_each(db,
	    ferry_formula__kind_name(kind), id, definition_head, &doc)) < 0)
		goto done;
	ferry_json_open(&doc, "versions", '[');
	if ((error = ferry_store__definition_versions_each(db, id,
	    definition_version, &versions)) < 0)
		goto done;
	ferry_json_close(&doc, ']');
	ferry_json_close(&doc, '}');
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}
