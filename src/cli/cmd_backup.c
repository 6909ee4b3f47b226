/*
 * cmd_backup.c - ferry backup list|restore: the backups ferry takes
 * before an import commit, an entity unpack or a restore
 * (docs/cli/backup.md).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void human_list(json_t *doc)
{
	static const char *const cols[] = { "created_at", "bytes", "path",
		NULL };

	if (!json_array_size(doc)) {
		puts("no backups");
		return;
	}
	cli_table(doc, cols);
}

static int run_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_backup_list(&out, ctx->db), &out,
		human_list);
}

static void human_restore(json_t *doc)
{
	printf("restored %s\nthe state before is in %s\n",
		cli_text(json_object_get(doc, "restored")),
		cli_text(json_object_get(doc, "backup")));
}

/* Without --yes, ask on a terminal; elsewhere refuse (exit 2). */
static int confirmed(cli_ctx *ctx, const char *file)
{
	char answer[16];

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return cli_usage_error(ctx, "restoring replaces everything in "
			"the instance with %s; confirm with --yes", file), 0;
	fprintf(stderr, "Replace everything in %s with %s?  The current "
		"state is backed up first.  [y/N] ", ctx->db_path, file);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (answer[0] != 'y' && answer[0] != 'Y')) {
		fputs("ferry: nothing restored\n", stderr);
		return 0;
	}
	return 1;
}

static int run_restore(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	if (!cli_opt_set(ctx, a, "yes") && !confirmed(ctx, a->pos[0]))
		return isatty(STDIN_FILENO) && isatty(STDERR_FILENO) ?
			CLI_EXIT_ERROR : CLI_EXIT_USAGE;
	return cli_show(ctx, ferry_backup_restore(&out, ctx->db, a->pos[0]),
		&out, human_restore);
}

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

static const cli_opt restore_opts[] = {
	{ "yes", NULL, "do not ask (needed when not on a terminal)" },
	{ NULL, NULL, NULL }
};

const cli_command cli_backup_commands[] = {
	{ "backup list", "", "list the instance's backups, oldest first",
	  no_opts, 0, 0, 1, run_list },
	{ "backup restore", "FILE [--yes]", "replace the instance's content "
	  "with a backup's, after backing up the current state (admins)",
	  restore_opts, 1, 1, 1, run_restore },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
