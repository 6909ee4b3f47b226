/*
 * args.c - a command's parsed options: finding an option in its
 * command's table and reading the values given to it (cli.h).
 */
#include "cli.h"

#include <string.h>

int cli_opt_index(const cli_command *c, const char *name, size_t len)
{
	int i;

	for (i = 0; c->opts && c->opts[i].name; i++)
		if (strlen(c->opts[i].name) == len &&
		    !strncmp(c->opts[i].name, name, len))
			return i;
	return -1;
}

const char *cli_opt_value(const cli_ctx *ctx, const cli_args *a,
	const char *name)
{
	int i = cli_opt_index(ctx->cmd, name, strlen(name));

	return i >= 0 && a->set[i] ? a->val[i] : NULL;
}

int cli_opt_set(const cli_ctx *ctx, const cli_args *a, const char *name)
{
	int i = cli_opt_index(ctx->cmd, name, strlen(name));

	return i >= 0 && a->set[i];
}

int cli_opt_values(const cli_ctx *ctx, const cli_args *a, const char *name,
	const char **out, int max)
{
	int i = cli_opt_index(ctx->cmd, name, strlen(name)), k, n = 0;

	for (k = 0; i >= 0 && k < a->nrep; k++)
		if (a->rep_opt[k] == i && n < max)
			out[n++] = a->rep[k];
	return n;
}
