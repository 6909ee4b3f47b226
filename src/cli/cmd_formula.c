/*
 * cmd_formula.c - ferry formula and ferry dataset: create, version,
 * activate, close, delete, list, show.  One set of handlers serves both
 * nouns; the command's name says which kind it acts on.  The reference
 * is docs/cli/formula.md.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The kind a command acts on, from its name. */
static ferry_definition_kind kind_of(const cli_ctx *ctx)
{
	return strncmp(ctx->cmd->name, "dataset", 7) ? FERRY_FORMULA :
		FERRY_DATASET;
}

static const char *label_of(const cli_ctx *ctx)
{
	return kind_of(ctx) == FERRY_DATASET ? "data set" : "formula";
}

static void read_options(const cli_ctx *ctx, const cli_args *a,
	ferry_formula_options *o)
{
	if (kind_of(ctx) == FERRY_DATASET) {
		o->inputs = cli_opt_value(ctx, a, "columns");
	} else {
		o->inputs = cli_opt_value(ctx, a, "inputs");
		o->outputs = cli_opt_value(ctx, a, "outputs");
	}
	o->body = cli_opt_value(ctx, a, "body");
	o->start = cli_opt_value(ctx, a, "start");
	o->parent = cli_opt_value(ctx, a, "parent");
	o->master = cli_opt_value(ctx, a, "master");
}

static int run_create(cli_ctx *ctx, const cli_args *a)
{
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;
	int error;

	read_options(ctx, a, &o);
	if (kind_of(ctx) == FERRY_DATASET && !o.inputs)
		return cli_usage_error(ctx, "give the data set's columns with "
			"--columns 'a:int,b:nvarchar(20)'");
	if (kind_of(ctx) == FERRY_FORMULA && (!o.inputs || !o.outputs))
		return cli_usage_error(ctx, "give the formula's --inputs "
			"'a:decimal,b:int' and --outputs 'step1,step2'");
	if ((error = ferry_formula_create(ctx->db, kind_of(ctx), a->pos[0],
	    &o)) < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "created %s %s, version 1 (draft)",
		label_of(ctx), a->pos[0]);
}

static int run_version(cli_ctx *ctx, const cli_args *a)
{
	ferry_formula_options o = FERRY_FORMULA_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	json_t *doc;
	int error;

	read_options(ctx, a, &o);
	if ((error = ferry_formula_new_version(&out, ctx->db, kind_of(ctx),
	    a->pos[0], &o)) < 0)
		return cli_fail(ctx, error);
	if (ctx->json) {
		printf("%s\n", out.ptr);
	} else {
		doc = json_loadb(out.ptr, out.size, 0, NULL);
		printf("%s %s: new draft version %s, starts %s\n",
			label_of(ctx), a->pos[0],
			cli_text(json_object_get(doc, "version")),
			cli_text(json_object_get(doc, "start_date")));
		json_decref(doc);
	}
	ferry_buf_dispose(&out);
	return CLI_EXIT_OK;
}

/* The VERSION argument, or -1 after a usage error. */
static int version_arg(cli_ctx *ctx, const cli_args *a)
{
	long long v;

	if (cli_parse_int(ctx, a->pos[1], "VERSION", &v) < 0)
		return -1;
	if (v < 1 || v > 1000000000) {
		cli_usage_error(ctx, "VERSION is a version number from 1, not "
			"'%s'", a->pos[1]);
		return -1;
	}
	return (int)v;
}

static int run_activate(cli_ctx *ctx, const cli_args *a)
{
	int v = version_arg(ctx, a), error;

	if (v < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_formula_activate(ctx->db, kind_of(ctx), a->pos[0],
	    v)) < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "activated version %d of %s %s (the version "
		"active before it, if any, is closed)", v, label_of(ctx),
		a->pos[0]);
}

static int run_close(cli_ctx *ctx, const cli_args *a)
{
	int v = version_arg(ctx, a), error;

	if (v < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_formula_close(ctx->db, kind_of(ctx), a->pos[0],
	    v)) < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "closed version %d of %s %s", v, label_of(ctx),
		a->pos[0]);
}

static int run_delete(cli_ctx *ctx, const cli_args *a)
{
	int v = version_arg(ctx, a), error;

	if (v < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_formula_delete(ctx->db, kind_of(ctx), a->pos[0],
	    v)) < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "deleted draft version %d of %s %s", v,
		label_of(ctx), a->pos[0]);
}

static void human_list(json_t *doc)
{
	static const char *const cols[] = { "name", "versions", "latest",
		"active", "draft", NULL };

	cli_table(doc, cols);
}

static int run_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_formula_list(&out, ctx->db, kind_of(ctx)),
		&out, human_list);
}

/* Append len bytes at *at, which the caller sized; advance it. */
static void put(char **at, const char *text, size_t len)
{
	memcpy(*at, text, len);
	*at += len;
}

/* Replace an array of parameters or steps by its "a:int,b:text" form. */
static void flatten(json_t *version, const char *key)
{
	json_t *list = json_object_get(version, key), *v, *n, *t;
	size_t i, len = 0;
	char *text, *at;

	if (!json_is_array(list))
		return;
	json_array_foreach(list, i, v)
		len += json_string_length(json_object_get(v, "name")) +
			json_string_length(json_object_get(v, "type")) +
			json_string_length(v) + 2;
	if ((text = calloc(1, len + 1)) == NULL)
		return;
	at = text;
	json_array_foreach(list, i, v) {
		if (i)
			put(&at, ",", 1);
		if (json_is_string(v)) {
			put(&at, json_string_value(v), json_string_length(v));
			continue;
		}
		n = json_object_get(v, "name");
		t = json_object_get(v, "type");
		put(&at, json_string_value(n), json_string_length(n));
		put(&at, ":", 1);
		put(&at, json_string_value(t), json_string_length(t));
	}
	json_object_set_new(version, key, json_string(text));
	free(text);
}

static void human_show(json_t *doc)
{
	static const char *const fcols[] = { "version", "status",
		"start_date", "inputs", "outputs", "parent", "master", NULL };
	static const char *const dcols[] = { "version", "status",
		"start_date", "columns", "parent", "master", NULL };
	json_t *versions = json_object_get(doc, "versions"), *v;
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	size_t i;

	printf("%s (%s)\n", cli_text(json_object_get(doc, "name")),
		kind && !strcmp(kind, "dataset") ? "data set" : "formula");
	json_array_foreach(versions, i, v) {
		flatten(v, "inputs");
		flatten(v, "outputs");
		flatten(v, "columns");
	}
	cli_table(versions, kind && !strcmp(kind, "dataset") ? dcols : fcols);
}

static int run_show(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_formula_show(&out, ctx->db, kind_of(ctx),
		a->pos[0]), &out, human_show);
}

#define COMMON_OPTS \
	{ "body", "TEXT", "the text of the definition" }, \
	{ "start", "YYYY-MM-DD", "start date (default: today in your time " \
	  "zone)" }, \
	{ "parent", "NAME", "parent link, by name ('' clears it)" }, \
	{ "master", "NAME", "master link, by name ('' clears it)" }, \
	{ NULL, NULL, NULL }

static const cli_opt formula_opts[] = {
	{ "inputs", "LIST", "input parameters in order, 'a:decimal,b:int' "
	  "('' for none)" },
	{ "outputs", "LIST", "output steps in order, 'step1,step2'" },
	COMMON_OPTS
};

static const cli_opt dataset_opts[] = {
	{ "columns", "LIST", "columns in order, 'a:int,b:nvarchar(20)'" },
	COMMON_OPTS
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

#define LIFE_CYCLE(noun, label, opts) \
	{ noun " version", "NAME [options]", "add a new draft version of a " \
	  label " (unset options are copied from its latest version)", opts, \
	  1, 1, 1, run_version }, \
	{ noun " activate", "NAME VERSION", "activate a draft version and " \
	  "close the active one (admins)", no_opts, 2, 2, 1, run_activate }, \
	{ noun " close", "NAME VERSION", "close an active version (admins)", \
	  no_opts, 2, 2, 1, run_close }, \
	{ noun " delete", "NAME VERSION", "delete a draft version (its " \
	  "author or an admin)", no_opts, 2, 2, 1, run_delete }, \
	{ noun " list", "", "list " label "s", no_opts, 0, 0, 1, run_list }, \
	{ noun " show", "NAME", "show a " label "'s versions", no_opts, 1, 1, \
	  1, run_show }

const cli_command cli_formula_commands[] = {
	{ "formula create", "NAME --inputs LIST --outputs LIST [--body TEXT] "
	  "[--start YYYY-MM-DD] [--parent NAME] [--master NAME]", "create a "
	  "formula: version 1, draft", formula_opts, 1, 1, 1, run_create },
	LIFE_CYCLE("formula", "formula", formula_opts),
	{ "dataset create", "NAME --columns LIST [--body TEXT] "
	  "[--start YYYY-MM-DD] [--parent NAME] [--master NAME]", "create a "
	  "data set: version 1, draft", dataset_opts, 1, 1, 1, run_create },
	LIFE_CYCLE("dataset", "data set", dataset_opts),
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
