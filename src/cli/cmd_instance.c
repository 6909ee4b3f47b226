/*
 * cmd_instance.c - ferry init, user add|set|list, property set|get|list,
 * info.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int run_init(cli_ctx *ctx, const cli_args *a)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_buf info = FERRY_BUF_INIT;
	int error, rc;

	if (!ctx->db_path || !*ctx->db_path)
		return cli_usage_error(ctx, "no instance path: give --db PATH "
			"or set FERRY_DB");
	o.name = cli_opt_value(ctx, a, "name");
	o.admin = cli_opt_value(ctx, a, "admin");
	o.tz = cli_opt_value(ctx, a, "tz");
	o.now = getenv("FERRY_NOW");
	if (o.now && !*o.now)
		o.now = NULL;
	error = ferry_db_create(&ctx->db, ctx->db_path, &o);
	if (error < 0)
		return cli_fail(ctx, error);
	if ((error = ferry_instance_info(&info, ctx->db)) < 0)
		return cli_fail(ctx, error);
	if (ctx->json) {
		rc = cli_print_doc(ctx, &info, NULL);
	} else {
		printf("created instance at %s (admin: %s)\n",
			ferry_db_location(ctx->db),
			o.admin ? o.admin : "admin");
		rc = CLI_EXIT_OK;
	}
	ferry_buf_dispose(&info);
	return rc;
}

static void human_info(json_t *doc)
{
	static const char *const keys[] = { "name", "id", "path",
		"schema_version", NULL };

	cli_fields(doc, keys);
}

/* The parts, then the whole and the log beside it. */
static void human_sizes(json_t *doc)
{
	static const char *const cols[] = { "part", "bytes", "index_bytes",
		"holds", NULL };
	static const char *const whole[] = { "part", "bytes",
		"index_bytes", NULL };
	json_t *rows = json_copy(json_object_get(doc, "parts"));

	if (!rows)
		return;
	json_array_append_new(rows, json_pack("{s:s,s:O,s:s}", "part",
		"total", "bytes", json_object_get(doc, "bytes"), "holds",
		"every part above: the instance"));
	json_array_append_new(rows, json_pack("{s:s,s:O,s:s}", "part",
		"wal", "bytes", json_object_get(doc, "wal_bytes"), "holds",
		"its write-ahead log, beside the file"));
	cli_table_whole(rows, cols, whole);
	json_decref(rows);
}

static int run_info(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	if (cli_opt_set(ctx, a, "sizes"))
		return cli_show(ctx, ferry_instance_sizes(&out, ctx->db),
			&out, human_sizes);
	return cli_show(ctx, ferry_instance_info(&out, ctx->db), &out,
		human_info);
}

static int run_user_add(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_user_add(ctx->db, a->pos[0],
		cli_opt_set(ctx, a, "admin"), cli_opt_value(ctx, a, "tz"));

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "added user %s", a->pos[0]);
}

static int run_user_set(cli_ctx *ctx, const cli_args *a)
{
	int admin = -1, error;

	if (cli_opt_set(ctx, a, "admin") && cli_opt_set(ctx, a, "no-admin"))
		return cli_usage_error(ctx, "give --admin or --no-admin, not "
			"both");
	if (cli_opt_set(ctx, a, "admin"))
		admin = 1;
	else if (cli_opt_set(ctx, a, "no-admin"))
		admin = 0;
	error = ferry_user_set(ctx->db, a->pos[0],
		cli_opt_value(ctx, a, "tz"), admin);
	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "changed user %s", a->pos[0]);
}

static void human_users(json_t *doc)
{
	static const char *const cols[] = { "name", "admin", "tz",
		"current_pack", NULL };

	cli_table(doc, cols);
}

static int run_user_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_user_list(&out, ctx->db), &out,
		human_users);
}

static int run_property_set(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_property_set(ctx->db, a->pos[0], a->pos[1]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "%s = %s", a->pos[0], a->pos[1]);
}

static int run_property_get(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int error;

	if ((error = ferry_property_get(&out, ctx->db, a->pos[0])) < 0)
		return cli_fail(ctx, error);
	if (ctx->json) {
		json_t *j = json_pack("{s:s,s:s}", "key", a->pos[0], "value",
			out.ptr);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		puts(text ? text : "{}");
		free(text);
		json_decref(j);
	} else {
		puts(out.ptr);
	}
	ferry_buf_dispose(&out);
	return CLI_EXIT_OK;
}

static void human_properties(json_t *doc)
{
	static const char *const cols[] = { "key", "value", NULL };

	cli_table(doc, cols);
}

static int run_property_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_property_list(&out, ctx->db), &out,
		human_properties);
}

static const cli_opt init_opts[] = {
	{ "name", "NAME", "instance name (default: the file's name)" },
	{ "admin", "NAME", "first admin's name (default: admin)" },
	{ "tz", "ZONE", "first admin's IANA time zone (default: UTC)" },
	{ NULL, NULL, NULL }
};

static const cli_opt user_add_opts[] = {
	{ "admin", NULL, "make the user an admin" },
	{ "tz", "ZONE", "IANA time zone, e.g. Europe/Moscow (default: UTC)" },
	{ NULL, NULL, NULL }
};

static const cli_opt user_set_opts[] = {
	{ "tz", "ZONE", "new IANA time zone" },
	{ "admin", NULL, "make the user an admin" },
	{ "no-admin", NULL, "take the admin flag away" },
	{ NULL, NULL, NULL }
};

static const cli_opt info_opts[] = {
	{ "sizes", NULL, "the instance's size by part, in bytes" },
	{ NULL, NULL, NULL }
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_instance_commands[] = {
	{ "init", "[--name NAME] [--admin NAME] [--tz ZONE]",
	  "create a new instance at --db (refuses an existing file)",
	  init_opts, 0, 0, 0, run_init },
	{ "info", "[--sizes]", "show the instance's name, id and schema "
	  "version, or its size by part", info_opts, 0, 0, 1, run_info },
	{ "user add", "NAME [--admin] [--tz ZONE]", "add a user (admins)",
	  user_add_opts, 1, 1, 1, run_user_add },
	{ "user set", "NAME [--tz ZONE] [--admin | --no-admin]",
	  "change a user (admins)", user_set_opts, 1, 1, 1, run_user_set },
	{ "user list", "", "list users", no_opts, 0, 0, 1, run_user_list },
	{ "property set", "KEY VALUE", "set a property (admins)", no_opts, 2,
	  2, 1, run_property_set },
	{ "property get", "KEY", "print a property's value", no_opts, 1, 1, 1,
	  run_property_get },
	{ "property list", "", "list properties", no_opts, 0, 0, 1,
	  run_property_list },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
