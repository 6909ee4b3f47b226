/*
 * cmd_pack.c - ferry pack create|use|current|list|show|add|complete|
 * reopen|export.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int run_create(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_create(ctx->db, a->pos[0],
		cli_opt_value(ctx, a, "description"),
		cli_opt_set(ctx, a, "use"));

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "created pack %s%s", a->pos[0],
		cli_opt_set(ctx, a, "use") ? " (now your current pack)" : "");
}

static int run_use(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_use(ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "your changes now go into pack %s", a->pos[0]);
}

static void human_current(json_t *doc)
{
	printf("%s (%s)\n", cli_text(json_object_get(doc, "name")),
		cli_text(json_object_get(doc, "state")));
}

static int run_current(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_pack_current(&out, ctx->db), &out,
		human_current);
}

static void human_list(json_t *doc)
{
	static const char *const cols[] = { "name", "state", "records",
		"out_of_date", "created_by", "completed_at", NULL };

	cli_table(doc, cols);
}

static int run_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_pack_list(&out, ctx->db), &out, human_list);
}

static void human_show(json_t *doc)
{
	static const char *const keys[] = { "name", "state", "description",
		"created_by", "completed_at", "exported_at", NULL };
	static const char *const cols[] = { "type", "entity", "item",
		"action", "version", NULL };
	static const char *const dcols[] = { "kind", "name", "version", NULL };
	json_t *items = json_object_get(doc, "items"), *it;
	json_t *defs = json_object_get(doc, "definitions");
	size_t i, stale = 0;

	cli_fields(doc, keys);
	puts("");
	/* People see a schema item by its name, a record by its sys_id; a
	 * version out of date is marked with a star. */
	cli_short_hashes(items, "version");
	json_array_foreach(items, i, it) {
		json_t *name = json_object_get(it, "name");

		json_object_set(it, "item", json_is_string(name) ? name :
			json_object_get(it, "sys_id"));
		if (json_is_true(json_object_get(it, "out_of_date"))) {
			char v[32];

			snprintf(v, sizeof(v), "%s*", cli_text(json_object_get(
				it, "version")));
			json_object_set_new(it, "version", json_string(v));
			stale++;
		}
	}
	if (json_array_size(items))
		cli_table(items, cols);
	else
		puts("no record items");
	if (stale)
		printf("* %zu item(s) out of date: the record changed after "
			"it was captured\n", stale);
	if (json_array_size(defs)) {
		puts("");
		cli_table(defs, dcols);
	}
}

static int run_show(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_pack_show(&out, ctx->db, a->pos[0]), &out,
		human_show);
}

static int run_add(cli_ctx *ctx, const cli_args *a)
{
	const char *version = cli_opt_value(ctx, a, "version");
	long long v;
	int error;

	if (!strcmp(a->pos[1], "formula") || !strcmp(a->pos[1], "dataset")) {
		if (!version)
			return cli_usage_error(ctx, "name the %s version with "
				"--version N", a->pos[1]);
		if (cli_parse_int(ctx, version, "--version", &v) < 0)
			return CLI_EXIT_USAGE;
		error = ferry_pack_add_definition(ctx->db, a->pos[0],
			a->pos[1], a->pos[2], (int)v);
	} else {
		if (version)
			return cli_usage_error(ctx, "--version is for formula "
				"and dataset items");
		error = ferry_pack_add_record(ctx->db, a->pos[0], a->pos[1],
			a->pos[2]);
	}
	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "added %s %s to pack %s", a->pos[1], a->pos[2],
		a->pos[0]);
}

static int run_complete(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_complete(ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "completed pack %s; users who worked in it now "
		"use Default", a->pos[0]);
}

static int run_reopen(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_reopen(ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "reopened pack %s", a->pos[0]);
}

static int run_rename(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_rename(ctx->db, a->pos[0], a->pos[1]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "renamed pack %s to %s", a->pos[0], a->pos[1]);
}

static int run_delete(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_pack_delete(ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "deleted pack %s", a->pos[0]);
}

static int run_remove(cli_ctx *ctx, const cli_args *a)
{
	const char *kind = a->npos == 3 ? a->pos[1] : NULL;
	const char *item = a->pos[a->npos - 1];
	int error = ferry_pack_remove(ctx->db, a->pos[0], kind, item);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "removed %s%s%s from pack %s", kind ? kind : "",
		kind ? " " : "", item, a->pos[0]);
}

static int run_export(cli_ctx *ctx, const cli_args *a)
{
	ferry_export_options o = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	const char *format = cli_opt_value(ctx, a, "format");
	long long f = 0;
	json_t *doc;
	int error;

	o.as_application = cli_opt_set(ctx, a, "as-application");
	o.force = cli_opt_set(ctx, a, "force");
	o.dir = cli_opt_value(ctx, a, "dir");
	o.output = cli_opt_value(ctx, a, "output");
	o.uncompressed = cli_opt_set(ctx, a, "uncompressed");
	o.overwrite = cli_opt_set(ctx, a, "overwrite");
	o.sign = cli_opt_set(ctx, a, "sign");
	if (o.force && !o.as_application)
		return cli_usage_error(ctx, "--force goes with "
			"--as-application");
	if (o.dir && o.output)
		return cli_usage_error(ctx, "give --dir or --output, not both");
	if (format && cli_parse_int(ctx, format, "--format", &f) < 0)
		return CLI_EXIT_USAGE;
	/* The library refuses a format it does not write. */
	o.format = f > 0xffff ? 0xffff : (unsigned)f;
	if ((error = ferry_pack_export(&out, ctx->db, a->pos[0], &o)) < 0)
		return cli_fail(ctx, error);
	doc = json_loadb(out.ptr, out.size, 0, NULL);
	cli_warnings(doc);
	if (ctx->json)
		printf("%s\n", out.ptr);
	else
		puts(cli_text(json_object_get(doc, "path")));
	json_decref(doc);
	ferry_buf_dispose(&out);
	return CLI_EXIT_OK;
}

static const cli_opt create_opts[] = {
	{ "description", "TEXT", "what the pack is for" },
	{ "use", NULL, "make it your current pack" },
	{ NULL, NULL, NULL }
};

static const cli_opt add_opts[] = {
	{ "version", "N", "the formula or data set version" },
	{ NULL, NULL, NULL }
};

static const cli_opt export_opts[] = {
	{ "as-application", NULL, "export as a new application: changed "
	  "records become protected (entities in protected.essences) or open" },
	{ "force", NULL, "with --as-application: export vendor records too" },
	{ "dir", "DIR", "folder for the automatically named file "
	  "(default: .)" },
	{ "output", "FILE", "exact file path instead of the automatic name" },
	{ "uncompressed", NULL, "plain JSON Lines instead of zstd" },
	{ "overwrite", NULL, "replace an existing file" },
	{ "format", "N", "the .sop format to write: 2 (the default) or 1, "
	  "for a target whose ferry reads only format 1" },
	{ "sign", NULL, "sign the package with this instance's key ('ferry "
	  "key create')" },
	{ NULL, NULL, NULL }
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_pack_commands[] = {
	{ "pack create", "NAME [--description TEXT] [--use]",
	  "create a local pack", create_opts, 1, 1, 1, run_create },
	{ "pack use", "NAME", "capture your changes into this pack", no_opts,
	  1, 1, 1, run_use },
	{ "pack current", "", "show your current pack", no_opts, 0, 0, 1,
	  run_current },
	{ "pack list", "", "list packs", no_opts, 0, 0, 1, run_list },
	{ "pack show", "NAME", "show a pack's items", no_opts, 1, 1, 1,
	  run_show },
	{ "pack add", "NAME (ENTITY SYS_ID | formula NAME --version N | "
	  "dataset NAME --version N)", "add a record's current version, or a "
	  "formula or data set version, to a pack", add_opts, 3, 3, 1,
	  run_add },
	{ "pack complete", "NAME", "complete (freeze) a pack", no_opts, 1, 1,
	  1, run_complete },
	{ "pack reopen", "NAME", "reopen a completed pack (admins)", no_opts,
	  1, 1, 1, run_reopen },
	{ "pack rename", "OLD NEW", "rename a pack (not Default)", no_opts, 2,
	  2, 1, run_rename },
	{ "pack delete", "NAME", "delete an empty or never exported pack "
	  "(admins; never Default)", no_opts, 1, 1, 1, run_delete },
	{ "pack remove", "NAME (ITEM | ENTITY SYS_ID | formula NAME | "
	  "dataset NAME)", "take an item out of an in-progress pack; ITEM is a "
	  "sys_id or a schema name as 'pack show' prints it", no_opts, 2, 3,
	  1, run_remove },
	{ "pack export", "NAME [--as-application [--force]] [--dir DIR | "
	  "--output FILE] [--uncompressed] [--overwrite] [--sign] "
	  "[--format N]", "export a completed pack to a .sop file; prints "
	  "its path", export_opts, 1, 1, 1, run_export },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
