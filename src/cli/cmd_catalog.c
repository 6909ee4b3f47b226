/*
 * cmd_catalog.c - ferry entity create|list|show, field add|set|drop.
 */
#include "cli.h"

#include <stdlib.h>

static int run_entity_create(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_entity_create(ctx->db, a->pos[0],
		cli_opt_value(ctx, a, "display"),
		cli_opt_value(ctx, a, "description"));

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "created entity %s", a->pos[0]);
}

static void human_entities(json_t *doc)
{
	static const char *const cols[] = { "name", "display", "fields",
		"description", NULL };

	cli_table(doc, cols);
}

static int run_entity_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_entity_list(&out, ctx->db), &out,
		human_entities);
}

static void human_entity(json_t *doc)
{
	static const char *const keys[] = { "name", "display", "description",
		NULL };
	static const char *const cols[] = { "name", "external_name", "type",
		"display", "default", "description", NULL };

	cli_fields(doc, keys);
	puts("");
	cli_table(json_object_get(doc, "fields"), cols);
}

static int run_entity_show(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_entity_show(&out, ctx->db, a->pos[0]),
		&out,
		human_entity);
}

static int run_field_add(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_field_add(ctx->db, a->pos[0], a->pos[1], a->pos[2],
		cli_opt_value(ctx, a, "display"),
		cli_opt_value(ctx, a, "description"),
		cli_opt_value(ctx, a, "default"));

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "added field %s.%s %s", a->pos[0], a->pos[1],
		a->pos[2]);
}

static int run_field_set(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_field_set(ctx->db, a->pos[0], a->pos[1],
		cli_opt_value(ctx, a, "type"),
		cli_opt_value(ctx, a, "display"),
		cli_opt_value(ctx, a, "description"),
		cli_opt_value(ctx, a, "default"));

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "changed field %s.%s", a->pos[0], a->pos[1]);
}

static int run_field_drop(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_field_drop(ctx->db, a->pos[0], a->pos[1]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "dropped field %s.%s", a->pos[0], a->pos[1]);
}

static const cli_opt entity_opts[] = {
	{ "display", "TEXT", "display name" },
	{ "description", "TEXT", "description" },
	{ NULL, NULL, NULL }
};

static const cli_opt field_add_opts[] = {
	{ "display", "TEXT", "display name" },
	{ "description", "TEXT", "description" },
	{ "default", "VALUE", "default value for new records" },
	{ NULL, NULL, NULL }
};

static const cli_opt field_set_opts[] = {
	{ "type", "TYPE", "new type (every existing value must fit)" },
	{ "display", "TEXT", "display name" },
	{ "description", "TEXT", "description" },
	{ "default", "VALUE", "default value for new records" },
	{ NULL, NULL, NULL }
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_catalog_commands[] = {
	{ "entity create", "NAME [--display TEXT] [--description TEXT]",
	  "create an entity and its table (admins)", entity_opts, 1, 1, 1,
	  run_entity_create },
	{ "entity list", "", "list entities", no_opts, 0, 0, 1,
	  run_entity_list },
	{ "entity show", "NAME", "show an entity and its fields", no_opts, 1,
	  1, 1, run_entity_show },
	{ "field add", "ENTITY FIELD TYPE [--display TEXT] [--description "
	  "TEXT] [--default VALUE]", "add a field (admins); TYPE is "
	  "nvarchar(n), nchar(n), int, bigint, decimal(p,s), bool, date, "
	  "datetime, text, json or ref(ENTITY)", field_add_opts, 3, 3, 1,
	  run_field_add },
	{ "field set", "ENTITY FIELD [--type TYPE] [--display TEXT] "
	  "[--description TEXT] [--default VALUE]", "change a field (admins)",
	  field_set_opts, 2, 2, 1, run_field_set },
	{ "field drop", "ENTITY FIELD", "drop a field and its column "
	  "(admins)", no_opts, 2, 2, 1, run_field_drop },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
