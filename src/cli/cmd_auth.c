/*
 * cmd_auth.c - ferry user passwd, token create|list|revoke, audit list:
 * the credentials ferry serve accepts, and the log of what was done.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MAX 4096

/* Read one line from `in` into buf without its line end; -1 at EOF. */
static int read_line(FILE *in, char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, in))
		return -1;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

/* Prompt on the terminal with echo off. */
static int prompt(const char *text, char *buf, size_t size)
{
	struct termios old, quiet;
	int rc, restore;

	fputs(text, stderr);
	fflush(stderr);
	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	rc = read_line(stdin, buf, size);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

static int run_user_passwd(cli_ctx *ctx, const cli_args *a)
{
	char *pw = calloc(2, PASSWORD_MAX + 2);
	char *again = pw ? pw + PASSWORD_MAX + 2 : NULL;
	int error, rc;

	if (!pw)
		return cli_fail(ctx, FERRY_ENOMEM);
	if (cli_opt_set(ctx, a, "password-stdin")) {
		if (read_line(stdin, pw, PASSWORD_MAX + 2) < 0) {
			rc = cli_usage_error(ctx, "no password on stdin");
			goto done;
		}
	} else if (!isatty(STDIN_FILENO)) {
		rc = cli_usage_error(ctx, "stdin is not a terminal: give "
			"--password-stdin and the password on one line");
		goto done;
	} else if (prompt("New password: ", pw, PASSWORD_MAX + 2) < 0 ||
	    prompt("Repeat it: ", again, PASSWORD_MAX + 2) < 0 ||
	    strcmp(pw, again) != 0) {
		fputs("ferry: the passwords differ; nothing changed\n",
			stderr);
		rc = CLI_EXIT_ERROR;
		goto done;
	}
	if ((error = ferry_user_passwd(ctx->db, a->pos[0], pw)) < 0)
		rc = cli_fail(ctx, error);
	else
		rc = cli_done(ctx, "set the password of %s", a->pos[0]);
done:
	memset(pw, 0, 2 * (PASSWORD_MAX + 2));
	free(pw);
	return rc;
}

static void human_token(json_t *doc)
{
	printf("token %s for %s (id %s); it is shown this once:\n",
		json_string_value(json_object_get(doc, "label")),
		json_string_value(json_object_get(doc, "user")),
		cli_text(json_object_get(doc, "id")));
	printf("%s\n", json_string_value(json_object_get(doc, "token")));
}

static int run_token_create(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_token_create(&out, ctx->db, a->pos[0],
		cli_opt_value(ctx, a, "label")), &out, human_token);
}

static void human_tokens(json_t *doc)
{
	static const char *const cols[] = { "id", "user", "label",
		"created_at", "last_used_at", NULL };

	cli_table(doc, cols);
}

static int run_token_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_token_list(&out, ctx->db,
		a->npos ? a->pos[0] : NULL), &out, human_tokens);
}

static int run_token_revoke(cli_ctx *ctx, const cli_args *a)
{
	long long id;
	int error;

	if (cli_parse_int(ctx, a->pos[0], "the token id", &id) < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_token_revoke(ctx->db, id)) < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "revoked token %lld", id);
}

static void human_audit(json_t *doc)
{
	static const char *const cols[] = { "at", "user", "address",
		"operation", "object", "outcome", NULL };

	cli_table(doc, cols);
}

static int run_audit_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	const char *limit = cli_opt_value(ctx, a, "limit");
	long long n = 0;

	if (limit && cli_parse_int(ctx, limit, "--limit", &n) < 0)
		return CLI_EXIT_USAGE;
	return cli_show(ctx, ferry_audit_list(&out, NULL, ctx->db,
		cli_opt_value(ctx, a, "user"), cli_opt_value(ctx, a, "since"),
		n, 0), &out, human_audit);
}

static const cli_opt passwd_opts[] = {
	{ "password-stdin", NULL, "read the password from stdin (one line) "
	  "instead of prompting" },
	{ NULL, NULL, NULL }
};

static const cli_opt token_create_opts[] = {
	{ "label", "TEXT", "what the token is for, e.g. 'ci pipeline'" },
	{ NULL, NULL, NULL }
};

static const cli_opt audit_opts[] = {
	{ "user", "NAME", "only this user's entries" },
	{ "since", "TIME", "only entries at or after this UTC time "
	  "(2021-12-31T12:00:00Z)" },
	{ "limit", "N", "at most N entries (newest first)" },
	{ NULL, NULL, NULL }
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_auth_commands[] = {
	{ "user passwd", "NAME [--password-stdin]",
	  "set a user's password for ferry serve (the user or an admin)",
	  passwd_opts, 1, 1, 1, run_user_passwd },
	{ "token create", "NAME [--label TEXT]",
	  "create an API token for a user; printed once, stored hashed",
	  token_create_opts, 1, 1, 1, run_token_create },
	{ "token list", "[NAME]", "list live API tokens (admins: anyone's)",
	  no_opts, 0, 1, 1, run_token_list },
	{ "token revoke", "ID", "revoke an API token (its owner or an admin)",
	  no_opts, 1, 1, 1, run_token_revoke },
	{ "audit list", "[--user NAME] [--since TIME] [--limit N]",
	  "show the audit log, newest first (admins)", audit_opts, 0, 0, 1,
	  run_audit_list },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
