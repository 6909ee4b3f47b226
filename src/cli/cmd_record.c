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
	list_state s = { ctx->json, 0 };
	int error = ferry_record_list(ctx->db, a->pos[0], print_record, &s);

	if (error < 0)
		return cli_fail(ctx, error);
	if (ctx->json)
		puts(s.n ? "\n]" : "[]");
	return CLI_EXIT_OK;
}

static int run_load(cli_ctx *ctx, const cli_args *a)
{
	FILE *in = stdin;
	uint64_t n = 0;
	int error;

	if (strcmp(a->pos[1], "-") != 0 &&
	    (in = fopen(a->pos[1], "r")) == NULL) {
		fprintf(stderr, "ferry: cannot open %s; check the path\n",
			a->pos[1]);
		return CLI_EXIT_ERROR;
	}
	error = ferry_record_load(&n, ctx->db, a->pos[0], in);
	if (in != stdin)
		fclose(in);
	if (error < 0)
		return cli_fail(ctx, error);
	if (ctx->json)
		printf("{\"entity\":\"%s\",\"records\":%llu}\n", a->pos[0],
			(unsigned long long)n);
	else
		printf("loaded %llu %s records\n", (unsigned long long)n,
			a->pos[0]);
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

static int run_restore(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_record_restore(ctx->db, a->pos[0], a->pos[1],
		a->pos[2]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "restored %s %s to version %s", a->pos[0],
		a->pos[1], a->pos[2]);
}

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_record_commands[] = {
	{ "record put", "ENTITY JSON", "insert a record (no sys_id) or update "
	  "the named fields of one (with sys_id); prints the sys_id", no_opts,
	  2, 2, 1, run_put },
	{ "record get", "ENTITY SYS_ID", "show a record", no_opts, 2, 2, 1,
	  run_get },
	{ "record list", "ENTITY", "list an entity's records (JSON Lines; "
	  "--json: one array)", no_opts, 1, 1, 1, run_list },
	{ "record load", "ENTITY FILE", "load JSON Lines (FILE or - for "
	  "stdin) in one transaction", no_opts, 2, 2, 1, run_load },
	{ "record delete", "ENTITY SYS_ID", "delete a record", no_opts, 2, 2,
	  1, run_delete },
	{ "record history", "ENTITY SYS_ID", "list a record's versions",
	  no_opts, 2, 2, 1, run_history },
	{ "record restore", "ENTITY SYS_ID VERSION", "bring an earlier version "
	  "back as a new version", no_opts, 3, 3, 1, run_restore },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
