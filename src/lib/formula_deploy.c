/*
 * formula_deploy.c - how an import deploys a packaged formula or data set
 * (seed 001; docs/formulas.md, "Import").  The import pipeline calls
 * ferry__definition_preview() for every item whose "t" is "formula" or
 * "dataset" and ferry__definition_commit() inside its commit transaction.
 *
 * The rules, matched by name within the kind, the signature being a
 * formula's inputs and output steps or a data set's columns, compared
 * with the target's latest version:
 *
 *   no definition of that name         -> new, version 1, draft, today
 *   same signature, target has a draft -> error formula_draft_exists:
 *                                         nothing imported
 *   same signature, no draft           -> next version, draft, start date
 *                                         max(package's, today)
 *   different signature               -> new "<name>_<today>" (then _2,
 *                                         _3 ...), version 1, draft, today
 *   a version an import deployed of <name> (or of the name it gave it)
 *   has this signature, outputs and body  -> already_applied: nothing
 *
 * In every case the parent and master links are re-initialised: resolved
 * again by name in the target, and cleared with a warning where no such
 * definition exists.  "Today" is the importing user's date in their time
 * zone (FERRY_NOW fixes the clock).  Preview and commit run the same
 * decision, so a commit does what its preview said, or refuses.
 */
#include "definitions.h"
#include "formulas.h"
#include "store/store.h"
#include "alloc.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#define RENAME_TRIES 10000	/* <name>_<date>_2 .. _10000 */

/* A packaged definition, checked and in canonical form. */
typedef struct {
	json_t *doc;
	ferry_definition_kind kind;
	const char *kind_name;	/* "formula", "dataset" */
	const char *name;
	const char *start;	/* the package's start date */
	const char *body;
	const char *parent;	/* NULL or "" when unset */
	const char *master;
	ferry_str signature;	/* canonical inputs or columns */
	ferry_str outputs;	/* canonical steps, "[]" for data sets */
} package_def;

typedef enum { DEPLOY_CREATE = 1, DEPLOY_NEW_VERSION, DEPLOY_RENAMED,
	DEPLOY_APPLIED } deploy_action;

static const char *const action_names[] = {
	NULL, "create", "new_version", "create_renamed", "already_applied"
};

/* What deploying it does in this target. */
typedef struct {
	deploy_action action;
	int64_t id;		/* the existing definition (new_version) */
	int latest;		/* its latest version number */
	int draft;		/* its draft blocking the import, or 0 */
	char today[FERRY_DATE_LEN];
	ferry_str target;	/* the name it gets */
	ferry_str parent;	/* resolved links; empty when cleared */
	ferry_str master;
} decision;

void ferry__definition_plan_init(ferry_definition_plan *p)
{
	ferry_str_init(&p->action, 0);
	ferry_str_init(&p->target, 0);
	ferry_str_init(&p->problems, 0);
}

void ferry__definition_plan_dispose(ferry_definition_plan *p)
{
	if (!p)
		return;
	ferry_str_dispose(&p->action);
	ferry_str_dispose(&p->target);
	ferry_str_dispose(&p->problems);
}

static void package_dispose(package_def *p)
{
	json_decref(p->doc);
	ferry_str_dispose(&p->signature);
	ferry_str_dispose(&p->outputs);
}

static void decision_dispose(decision *d)
{
	ferry_str_dispose(&d->target);
	ferry_str_dispose(&d->parent);
	ferry_str_dispose(&d->master);
}

/* A string member, or NULL when absent or null; -1 when another type. */
static int member_text(json_t *doc, const char *key, const char **out)
{
	json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int bad_item(ferry_db *db, const char *what)
{
	return ferry__error(db, FERRY_EINVALID, "the package's formula or "
		"data set item is damaged (%s); export it again from its "
		"source instance", what);
}

/* Parse and check an item line into p. */
static int package_parse(ferry_db *db, const char *item, size_t len,
	package_def *p)
{
	json_error_t jerr;
	const char *t = NULL;
	int error;

	memset(p, 0, sizeof(*p));
	ferry_str_init(&p->signature, 0);
	ferry_str_init(&p->outputs, 0);
	if (!item)
		return bad_item(db, "no item");
	p->doc = json_loadb(item, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!p->doc || !json_is_object(p->doc))
		return bad_item(db, "not a JSON object");
	if (member_text(p->doc, "t", &t) < 0 || !t)
		return bad_item(db, "no \"t\"");
	if (!strcmp(t, "formula"))
		p->kind = FERRY_FORMULA;
	else if (!strcmp(t, "dataset"))
		p->kind = FERRY_DATASET;
	else
		return bad_item(db, "\"t\" is neither formula nor dataset");
	p->kind_name = t;
	if (member_text(p->doc, "name", &p->name) < 0 || !p->name)
		return bad_item(db, "no \"name\"");
	if (member_text(p->doc, "start_date", &p->start) < 0 || !p->start)
		return bad_item(db, "no \"start_date\"");
	if (member_text(p->doc, "body", &p->body) < 0 ||
	    member_text(p->doc, "parent", &p->parent) < 0 ||
	    member_text(p->doc, "master", &p->master) < 0)
		return bad_item(db, "\"body\", \"parent\" or \"master\" is not "
			"a string");
	if ((error = ferry_formula__name_check(db, p->kind, p->name)) < 0 ||
	    (error = ferry_formula__date_check(db, p->start)) < 0)
		return error;
	if (p->kind == FERRY_FORMULA) {
		if ((error = ferry_formula__params_json(db, &p->signature,
		    p->kind, json_object_get(p->doc, "inputs"))) < 0 ||
		    (error = ferry_formula__steps_json(db, &p->outputs,
		    json_object_get(p->doc, "outputs"))) < 0)
			return error;
	} else {
		if ((error = ferry_formula__params_json(db, &p->signature,
		    p->kind, json_object_get(p->doc, "columns"))) < 0)
			return error;
		ferry_str_puts(&p->outputs, "[]");
	}
	if (ferry_str_failed(&p->signature) || ferry_str_failed(&p->outputs))
		return ferry__oom(db);
	return 0;
}

static void add_problem(ferry_str *problems, const char *kind,
	const char *severity, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append {kind, severity, message} to a JSON array being built. */
static void add_problem(ferry_str *problems, const char *kind,
	const char *severity, const char *fmt, ...)
{
	ferry_str msg = FERRY_STR_INIT;
	va_list ap;

	if (!problems)
		return;
	va_start(ap, fmt);
	ferry_str_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (problems->size > 1)
		ferry_str_putc(problems, ',');
	ferry_str_puts(problems, "{\"kind\":");
	ferry_str_puts_json(problems, kind);
	ferry_str_puts(problems, ",\"severity\":");
	ferry_str_puts_json(problems, severity);
	ferry_str_puts(problems, ",\"message\":");
	if (ferry_str_failed(&msg))
		problems->failed = 1;
	ferry_str_put_json(problems, ferry_str_cstr(&msg), msg.size);
	ferry_str_putc(problems, '}');
	ferry_str_dispose(&msg);
}

/* A free name "<name>_<today>", or with _2, _3 ... after it. */
static int free_name(ferry_db *db, const package_def *p, decision *d)
{
	int64_t id;
	int n, error;

	for (n = 1; n <= RENAME_TRIES; n++) {
		ferry_str_clear(&d->target);
		ferry_str_printf(&d->target, "%s_%s", p->name, d->today);
		if (n > 1)
			ferry_str_printf(&d->target, "_%d", n);
		if (ferry_str_failed(&d->target))
			return ferry__oom(db);
		error = ferry_store__definition_find(db, p->kind_name,
			d->target.ptr, &id);
		if (error == FERRY_ENOTFOUND)
			return 0;
		if (error < 0)
			return error;
	}
	return ferry__error(db, FERRY_ECONFLICT, "every name from %s_%s to "
		"%s_%s_%d is taken; rename or delete some of those %ss",
		p->name, d->today, p->name, d->today, RENAME_TRIES,
		ferry_formula__kind_label(p->kind));
}

/* Resolve one link by name in the target; *cleared is set when the
 * target has no such definition (out then stays empty). */
static int relink(ferry_db *db, const package_def *p, const char *link,
	ferry_str *out, int *cleared)
{
	int64_t id;
	int error;

	*cleared = 0;
	if (!link || !*link)
		return 0;
	error = ferry_store__definition_find(db, p->kind_name, link, &id);
	if (error == FERRY_ENOTFOUND) {
		*cleared = 1;
		return 0;
	}
	if (error < 0)
		return error;
	ferry_str_puts(out, link);
	return 0;
}

/* Re-initialise both links; one warning names every cleared link (one
 * problem of a kind per item, as the import's problem list keys them). */
static int relink_all(ferry_db *db, const package_def *p, decision *d,
	ferry_str *problems)
{
	const char *label = ferry_formula__kind_label(p->kind);
	ferry_str what = FERRY_STR_INIT;
	int error, parent, master;

	if ((error = relink(db, p, p->parent, &d->parent, &parent)) < 0 ||
	    (error = relink(db, p, p->master, &d->master, &master)) < 0)
		return error;
	if (!parent && !master)
		return 0;
	if (parent)
		ferry_str_printf(&what, "parent %s '%s'", label, p->parent);
	if (parent && master)
		ferry_str_puts(&what, " and ");
	if (master)
		ferry_str_printf(&what, "master %s '%s'", label, p->master);
	add_problem(problems, "formula_link_cleared", "warning", "%s '%s' "
		"links to %s, which this instance does not have; %s cleared "
		"(import or create %s first to keep %s, or set %s in a later "
		"version with %s)", label, ferry_str_cstr(&d->target),
		ferry_str_cstr(&what), parent && master ? "both links are" :
		"the link is", parent && master ? "them" : "it",
		parent && master ? "them" : "it", parent && master ? "them" :
		"it", parent && master ? "--parent and --master" :
		parent ? "--parent" : "--master");
	if (ferry_str_failed(&what))
		error = ferry__oom(db);
	ferry_str_dispose(&what);
	return error;
}

/* Decide what deploying p does; problems (may be NULL) gets them. */
static int decide(ferry_db *db, const package_def *p, decision *d,
	ferry_str *problems)
{
	const char *label = ferry_formula__kind_label(p->kind);
	ferry_definition_row latest;
	int error;

	ferry_store__definition_row_init(&latest);
	memset(d, 0, sizeof(*d));
	ferry_str_init(&d->target, 0);
	ferry_str_init(&d->parent, 0);
	ferry_str_init(&d->master, 0);
	if ((error = ferry_formula__today(db, d->today)) < 0)
		goto done;
	/* Importing what is already here again changes nothing. */
	error = ferry_store__definition_same(db, p->kind_name, p->name,
		ferry_str_cstr(&p->signature), ferry_str_cstr(&p->outputs),
		p->body ? p->body : "", p->start, &d->target, &d->latest);
	if (error == 0) {
		d->action = DEPLOY_APPLIED;
		add_problem(problems, "already_applied", "info", "%s '%s' "
			"already has this content (version %d of '%s'); "
			"nothing to do", label, p->name, d->latest,
			ferry_str_cstr(&d->target));
		goto done;
	}
	if (error != FERRY_ENOTFOUND)
		goto done;
	error = ferry_store__definition_find(db, p->kind_name, p->name,
		&d->id);
	if (error == FERRY_ENOTFOUND) {
		d->action = DEPLOY_CREATE;
		d->id = 0;
		ferry_str_puts(&d->target, p->name);
		error = 0;
	} else if (error < 0) {
		goto done;
	} else if ((error = ferry_store__definition_version_get(db, d->id, 0,
	    &latest)) < 0) {
		if (error == FERRY_ENOTFOUND)
			error = ferry__error(db, FERRY_ERROR, "%s '%s' has no "
				"versions; the instance is damaged", label,
				p->name);
		goto done;
	} else if (!strcmp(ferry_str_cstr(&latest.signature),
	    ferry_str_cstr(&p->signature)) &&
	    !strcmp(ferry_str_cstr(&latest.outputs),
	    ferry_str_cstr(&p->outputs))) {
		d->action = DEPLOY_NEW_VERSION;
		d->latest = latest.version;
		ferry_str_puts(&d->target, p->name);
		if ((error = ferry_store__definition_version_with(db, d->id,
		    "draft", &d->draft)) < 0)
			goto done;
		if (d->draft)
			add_problem(problems, "formula_draft_exists", "error",
				"%s '%s' already has a draft, version %d, in "
				"this instance; the package's version can only "
				"come in as a new draft: delete the draft "
				"('ferry %s delete %s %d') and preview again "
				"(accepting cannot override this)", label,
				p->name, d->draft, p->kind == FERRY_FORMULA ?
				"formula" : "dataset", p->name, d->draft);
	} else {
		d->action = DEPLOY_RENAMED;
		d->id = 0;
		if ((error = free_name(db, p, d)) < 0)
			goto done;
		add_problem(problems, "formula_renamed", "info", "%s '%s' has "
			"different %s in this instance; the package's is "
			"imported as a new %s '%s'", label, p->name,
			p->kind == FERRY_FORMULA ? "inputs or output steps" :
			"columns", label, ferry_str_cstr(&d->target));
	}
	if ((error = relink_all(db, p, d, problems)) < 0)
		goto done;
	if (ferry_str_failed(&d->target) || ferry_str_failed(&d->parent) ||
	    ferry_str_failed(&d->master) ||
	    (problems && ferry_str_failed(problems)))
		error = ferry__oom(db);
done:
	ferry_store__definition_row_dispose(&latest);
	return error;
}

int ferry__definition_preview(ferry_db *db, const char *item, size_t len,
	ferry_definition_plan *plan)
{
	package_def p;
	decision d;
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(plan);
	memset(&d, 0, sizeof(d));
	ferry_str_clear(&plan->action);
	ferry_str_clear(&plan->target);
	ferry_str_clear(&plan->problems);
	ferry_str_putc(&plan->problems, '[');
	if ((error = package_parse(db, item, len, &p)) < 0 ||
	    (error = decide(db, &p, &d, &plan->problems)) < 0)
		goto done;
	ferry_str_putc(&plan->problems, ']');
	ferry_str_puts(&plan->action, action_names[d.action]);
	ferry_str_put(&plan->target, ferry_str_cstr(&d.target), d.target.size);
	if (ferry_str_failed(&plan->action) ||
	    ferry_str_failed(&plan->target) ||
	    ferry_str_failed(&plan->problems))
		error = ferry__oom(db);
done:
	decision_dispose(&d);
	package_dispose(&p);
	return error;
}

int ferry__definition_commit(ferry_db *db, const char *item, size_t len,
	int64_t import_id, ferry_str *outcome)
{
	ferry_definition_row row;
	char now[FERRY_ISO_LEN];
	package_def p;
	decision d;
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	memset(&d, 0, sizeof(d));
	ferry_store__definition_row_init(&row);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = package_parse(db, item, len, &p)) < 0 ||
	    (error = decide(db, &p, &d, NULL)) < 0)
		goto done;
	if (d.action == DEPLOY_APPLIED) {
		if (outcome)
			ferry_str_puts(outcome, "{\"action\":\"already_applied\"}");
		goto done;
	}
	if (d.draft) {
		error = ferry__error(db, FERRY_ECONFLICT, "%s '%s' already "
			"has a draft, version %d; delete it ('ferry %s delete "
			"%s %d') and import again", ferry_formula__kind_label(
			p.kind), p.name, d.draft, p.kind == FERRY_FORMULA ?
			"formula" : "dataset", p.name, d.draft);
		goto done;
	}
	ferry__now_iso(db, now);
	id = d.id;
	if (d.action != DEPLOY_NEW_VERSION &&
	    (error = ferry_store__definition_insert(db, p.kind_name,
	    d.target.ptr, now, &id)) < 0)
		goto done;
	row.version = d.action == DEPLOY_NEW_VERSION ? d.latest + 1 : 1;
	memcpy(row.status, "draft", 6);
	/* Dates are YYYY-MM-DD, so text order is date order. */
	memcpy(row.start_date, d.action == DEPLOY_NEW_VERSION &&
		strcmp(p.start, d.today) > 0 ? p.start : d.today,
		FERRY_DATE_LEN);
	ferry_str_put(&row.signature, p.signature.ptr, p.signature.size);
	ferry_str_put(&row.outputs, p.outputs.ptr, p.outputs.size);
	ferry_str_puts(&row.body, p.body ? p.body : "");
	ferry_str_put(&row.parent, ferry_str_cstr(&d.parent), d.parent.size);
	ferry_str_put(&row.master, ferry_str_cstr(&d.master), d.master.size);
	if (ferry_str_failed(&row.signature) || ferry_str_failed(&row.outputs)
	    || ferry_str_failed(&row.body) || ferry_str_failed(&row.parent) ||
	    ferry_str_failed(&row.master)) {
		error = ferry__oom(db);
		goto done;
	}
	if ((error = ferry_store__definition_version_insert(db, id, &row,
	    db->user, now, import_id)) < 0)
		goto done;
	if (outcome) {
		ferry_str_puts(outcome, "{\"kind\":");
		ferry_str_puts_json(outcome, p.kind_name);
		ferry_str_puts(outcome, ",\"name\":");
		ferry_str_puts_json(outcome, d.target.ptr);
		ferry_str_printf(outcome, ",\"version\":%d,\"action\":",
			row.version);
		ferry_str_puts_json(outcome, action_names[d.action]);
		ferry_str_puts(outcome, ",\"start_date\":");
		ferry_str_puts_json(outcome, row.start_date);
		ferry_str_putc(outcome, '}');
		if (ferry_str_failed(outcome))
			error = ferry__oom(db);
	}
done:
	ferry_store__definition_row_dispose(&row);
	decision_dispose(&d);
	package_dispose(&p);
	return ferry_store__end(db, error);
}
