/*
 * cmd_record.c - ferry record put|get|list|load|delete|history|restore.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int run_put(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf id = FERRY_BUF_INIT;
	int error = ferry_record_put(&id, ctx->db, a->pos[0], a->pos[1]);

	if (error < 0)
		return cli_fail(ctx, error);
	if (ctx->json)
		printf("{\"sys_id\":\"%s\"}\n", id.ptr);
	else
		puts(id.ptr);
	ferry_buf_dispose(&id);
	return CLI_EXIT_OK;
}

static int run_get(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_record_get(&out, ctx->db, a->pos[0],
		a->pos[1]), &out,
		NULL);
}

typedef struct {
	int json;
	size_t n;
} list_state;

/* --json prints one JSON array, streamed; people get JSON Lines. */
static int print_record(const char *json, size_t len, void *payload)
{
	list_state *s = payload;

	if (s->json)
		fputs(s->n ? ",\n" : "[\n", stdout);
	fwrite(json, 1, len, stdout);
	if (!s->json)
		fputc('\n', stdout);
	s->n++;
	return 0;
}

static int run_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_record_list_options o = FERRY_RECORD_LIST_OPTIONS_INIT;
	ferry_record_filter filters[CLI_MAX_ARGS];
	const char *given[CLI_MAX_ARGS], *text;
	list_state s = { ctx->json, 0 };
	long long v;
	int i, n, error;

	n = cli_opt_values(ctx, a, "filter", given, CLI_MAX_ARGS);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(given[i], '=');

		if (!eq || eq == given[i])
			return cli_usage_error(ctx, "--filter takes FIELD=VALUE, "
				"not '%s'", given[i]);
		/* The field's name ends at '='; keep it in argv's copy. */
		filters[i].field = strndup(given[i], (size_t)(eq - given[i]));
		filters[i].value = eq + 1;
		if (!filters[i].field)
			return cli_error(ctx, FERRY_ENOMEM, "out of memory");
	}
	o.filters = filters;
	o.nfilters = (size_t)n;
	if ((text = cli_opt_value(ctx, a, "limit")) != NULL) {
		if (cli_parse_int(ctx, text, "--limit", &v) < 0)
			goto usage;
		if (v == 0) {
			cli_usage_error(ctx, "--limit must be at least 1");
			goto usage;
		}
		o.limit = (uint64_t)v;
	}
	if ((text = cli_opt_value(ctx, a, "offset")) != NULL) {
		if (cli_parse_int(ctx, text, "--offset", &v) < 0)
			goto usage;
		o.offset = (uint64_t)v;
	}
	error = ferry_record_list_v2(ctx->db, a->pos[0], &o, print_record, &s);
	for (i = 0; i < n; i++)
		free((char *)filters[i].field);
	if (error < 0)
		return cli_fail(ctx, error);
	if (ctx->json)
		puts(s.n ? "\n]" : "[]");
	return CLI_EXIT_OK;
usage:
	for (i = 0; i < n; i++)
		free((char *)filters[i].field);
	return CLI_EXIT_USAGE;
}

static void close_inputs(ferry_record_source *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (src[i].in && src[i].in != stdin)
			fclose(src[i].in);
}

/* ENTITY FILE, once or in pairs: every pair in one transaction. */
static int run_load(cli_ctx *ctx, const cli_args *a)
{
	ferry_record_source src[CLI_MAX_ARGS / 2];
	uint64_t counts[CLI_MAX_ARGS / 2], total = 0;
	size_t i, n = (size_t)a->npos / 2;
	int error, from_stdin = 0;
	char *text;

	if (a->npos % 2)
		return cli_usage_error(ctx, "'%s' has no file; name an entity "
			"and a file for each load", a->pos[a->npos - 1]);
	memset(src, 0, sizeof(src));
	for (i = 0; i < n; i++) {
		const char *path = a->pos[2 * i + 1];

		src[i].entity = a->pos[2 * i];
		src[i].name = strcmp(path, "-") ? path : "stdin";
		if (!strcmp(path, "-")) {
			if (from_stdin++) {
				close_inputs(src, i);
				return cli_usage_error(ctx, "stdin (-) can be "
					"read only once");
			}
			src[i].in = stdin;
		} else if ((src[i].in = fopen(path, "r")) == NULL) {
			fprintf(stderr, "ferry: cannot open %s; check the "
				"path\n", path);
			close_inputs(src, i);
			return CLI_EXIT_ERROR;
		}
	}
	error = ferry_record_load_many(counts, ctx->db, src, n);
	close_inputs(src, n);
	if (error < 0)
		return cli_fail(ctx, error);
	for (i = 0; i < n; i++)
		total += counts[i];
	if (n == 1 && ctx->json)
		printf("{\"entity\":\"%s\",\"records\":%llu}\n", a->pos[0],
			(unsigned long long)total);
	else if (n == 1)
		printf("loaded %llu %s records\n", (unsigned long long)total,
			a->pos[0]);
	else if (ctx->json) {
		json_t *doc = json_object(), *loads = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(loads, json_pack("{s:s,s:s,s:I}",
				"entity", src[i].entity, "file", a->pos[2 * i + 1],
				"records", (json_int_t)counts[i]));
		json_object_set_new(doc, "records", json_integer(
			(json_int_t)total));
		json_object_set_new(doc, "loads", loads);
		text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(doc);
		if (!text) {
			fprintf(stderr, "ferry: out of memory\n");
			return CLI_EXIT_ERROR;
		}
		puts(text);
		free(text);
	} else {
		for (i = 0; i < n; i++)
			printf("loaded %llu %s records from %s\n",
				(unsigned long long)counts[i], src[i].entity,
				src[i].name);
		printf("loaded %llu records in one transaction\n",
			(unsigned long long)total);
	}
	return CLI_EXIT_OK;
}

static int run_delete(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_record_delete(ctx->db, a->pos[0], a->pos[1]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "deleted %s %s", a->pos[0], a->pos[1]);
}

static void human_history(json_t *doc)
{
	static const char *const cols[] = { "version", "action", "author",
		"at", "pack", "source", "import", NULL };
	/* Short hashes for people; --json has them whole. */
	cli_short_hashes(doc, "version");
	cli_table(doc, cols);
}

static int run_history(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_record_history(&out, ctx->db, a->pos[0],
		a->pos[1]), &out,
		human_history);
}

static void human_restore(json_t *doc)
{
	json_t *v = json_object_get(doc, "version");

	printf("restored %s %s to version %s\n",
		cli_text(json_object_get(doc, "entity")),
		cli_text(json_object_get(doc, "sys_id")),
		cli_text(json_object_get(doc, "restored")));
	if (json_is_string(v))
		printf("new version: %s\n", json_string_value(v));
}

static int run_restore(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_record_restore_v2(&out, ctx->db, a->pos[0],
		a->pos[1], a->pos[2]), &out, human_restore);
}

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

static const cli_opt list_opts[] = {
	{ "filter", "FIELD=VALUE", "only records whose FIELD equals VALUE "
	  "(read as the field's type); repeat for several, all must hold" },
	{ "limit", "N", "at most N records" },
	{ "offset", "N", "skip the first N records (ordered by sys_id)" },
	{ NULL, NULL, NULL }
};

const cli_command cli_record_commands[] = {
	{ "record put", "ENTITY JSON", "insert a record (no sys_id) or update "
	  "the named fields of one (with sys_id); prints the sys_id", no_opts,
	  2, 2, 1, run_put },
	{ "record get", "ENTITY SYS_ID", "show a record", no_opts, 2, 2, 1,
	  run_get },
	{ "record list", "ENTITY [--filter FIELD=VALUE]... [--limit N] "
	  "[--offset N]", "list an entity's records (JSON Lines; --json: one "
	  "array)", list_opts, 1, 1, 1, run_list },
	{ "record load", "ENTITY FILE [ENTITY FILE]...", "load JSON Lines "
	  "(FILE or - for stdin) into ENTITY; several pairs load in turn, all "
	  "in one transaction", no_opts, 2, -1, 1, run_load },
	{ "record delete", "ENTITY SYS_ID", "delete a record", no_opts, 2, 2,
	  1, run_delete },
	{ "record history", "ENTITY SYS_ID", "list a record's versions",
	  no_opts, 2, 2, 1, run_history },
	{ "record restore", "ENTITY SYS_ID VERSION", "bring an earlier version "
	  "back as a new version", no_opts, 3, 3, 1, run_restore },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
