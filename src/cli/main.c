/*
 * main.c - the ferry command: global options, finding the command,
 * parsing its options from its table, opening the instance, exit codes.
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FERRY_VERSION_TEXT "ferry 0.1.0"

static const cli_command *const tables[] = {
	cli_instance_commands,
	cli_catalog_commands,
	cli_record_commands,
	cli_pack_commands,
	cli_import_commands,
	cli_entitypack_commands,
	cli_formula_commands,
	cli_inspect_commands,
	cli_auth_commands,
	cli_serve_commands,
	cli_key_commands,
	NULL
};

static void usage_all(FILE *out)
{
	size_t t;
	const cli_command *c;

	fputs("usage: ferry [--db PATH] [--user NAME] [--json] COMMAND "
		"[ARGS]\n\n"
		"ferry moves configuration between instances: versions, local "
		"packs,\n.sop packages, imports, entity packs and formulas.\n\n"
		"Global options:\n"
		"  --db PATH     the instance (or FERRY_DB)\n"
		"  --user NAME   who acts (or FERRY_USER; default: the first "
		"admin)\n"
		"  --json        machine output on stdout\n"
		"  --help        this help; 'ferry COMMAND --help' for one "
		"command\n"
		"  --version     the version\n\nCommands:\n", out);
	for (t = 0; tables[t]; t++)
		for (c = tables[t]; c->name; c++)
			fprintf(out, "  %-18s %s\n", c->name, c->summary);
	fputs("\nExit codes: 0 done, 1 error, 2 usage, 3 the import has "
		"unresolved problems.\nEnvironment: FERRY_DB, FERRY_USER, "
		"FERRY_NOW (fixes the clock, e.g.\n2021-12-31T12:00:00Z), "
		"FERRY_KEY_FILE (the signing key file).  "
		"Reference: docs/cli.md\n", out);
}

static void usage_command(const cli_command *c)
{
	const cli_opt *o;

	printf("usage: ferry %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->opts && c->opts[0].name) {
		puts("\nOptions:");
		for (o = c->opts; o->name; o++) {
			char left[64];

			snprintf(left, sizeof(left), "--%s%s%s", o->name,
				o->arg ? " " : "", o->arg ? o->arg : "");
			printf("  %-22s %s\n", left, o->help);
		}
	}
	puts("  --json                 machine output on stdout\n"
		"  --help                 this help");
}

/* Find the command naming argv[0] or "argv[0] argv[1]". */
static const cli_command *find_command(int argc, char **argv, int *words)
{
	size_t t;
	const cli_command *c;
	char two[128];

	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		for (t = 0; tables[t]; t++)
			for (c = tables[t]; c->name; c++)
				if (!strcmp(c->name, two)) {
					*words = 2;
					return c;
				}
	}
	for (t = 0; tables[t]; t++)
		for (c = tables[t]; c->name; c++)
			if (!strcmp(c->name, argv[0])) {
				*words = 1;
				return c;
			}
	return NULL;
}

/* List the commands whose name starts with "group " on out (NULL: only
 * count them); returns how many there are. */
static int usage_group(FILE *out, const char *group)
{
	size_t t, len = strlen(group);
	const cli_command *c;
	int n = 0;

	for (t = 0; tables[t]; t++)
		for (c = tables[t]; c->name; c++)
			if (!strncmp(c->name, group, len) &&
			    c->name[len] == ' ') {
				if (!out) {
					n++;
					continue;
				}
				if (n++ == 0)
					fprintf(out, "usage: ferry %s COMMAND "
						"[ARGS]\n\nCommands:\n", group);
				fprintf(out, "  %-18s %s\n", c->name,
					c->summary);
			}
	if (n && out)
		fprintf(out, "\nSee 'ferry %s COMMAND --help'.\n", group);
	return n;
}

static int opt_index(const cli_command *c, const char *name, size_t len)
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
	int i = opt_index(ctx->cmd, name, strlen(name));

	return i >= 0 && a->set[i] ? a->val[i] : NULL;
}

int cli_opt_set(const cli_ctx *ctx, const cli_args *a, const char *name)
{
	int i = opt_index(ctx->cmd, name, strlen(name));

	return i >= 0 && a->set[i];
}

/* Parse a command's arguments; 0, 1 for --help, or an exit code < 0. */
static int parse_args(cli_ctx *ctx, int argc, char **argv, cli_args *a)
{
	const cli_command *c = ctx->cmd;
	int i, only_pos = 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq;
		int k;

		if (!only_pos && !strcmp(arg, "--")) {
			only_pos = 1;
			continue;
		}
		if (only_pos || strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (a->npos == CLI_MAX_ARGS)
				return -cli_usage_error(ctx, "too many "
					"arguments");
			a->pos[a->npos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--help"))
			return 1;
		if (!strcmp(arg, "--json")) {
			ctx->json = 1;
			continue;
		}
		eq = strchr(arg + 2, '=');
		k = opt_index(c, arg + 2, eq ? (size_t)(eq - arg - 2) :
			strlen(arg + 2));
		if (k < 0)
			return -cli_usage_error(ctx, "unknown option '%s'",
				arg);
		a->set[k] = 1;
		if (!c->opts[k].arg) {
			if (eq)
				return -cli_usage_error(ctx, "option --%s takes "
					"no value", c->opts[k].name);
			continue;
		}
		if (eq) {
			a->val[k] = eq + 1;
		} else if (i + 1 < argc) {
			a->val[k] = argv[++i];
		} else {
			return -cli_usage_error(ctx, "option --%s needs a "
				"value (%s)", c->opts[k].name, c->opts[k].arg);
		}
	}
	if (a->npos < c->min_args)
		return -cli_usage_error(ctx, "missing arguments");
	if (c->max_args >= 0 && a->npos > c->max_args)
		return -cli_usage_error(ctx, "too many arguments");
	return 0;
}

static void progress(const char *what, uint64_t done, uint64_t total,
	void *payload)
{
	(void)payload;
	if (total)
		fprintf(stderr, "\r%s: %llu of %llu", what,
			(unsigned long long)done, (unsigned long long)total);
	else
		fprintf(stderr, "\r%s: %llu", what, (unsigned long long)done);
	if (total && done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int open_instance(cli_ctx *ctx)
{
	const char *now = getenv("FERRY_NOW");
	const char *key_file = getenv("FERRY_KEY_FILE");
	int error;

	if (!ctx->db_path || !*ctx->db_path)
		return cli_usage_error(ctx, "no instance: give --db PATH or "
			"set FERRY_DB");
	if ((error = ferry_db_open(&ctx->db, ctx->db_path)) < 0)
		return cli_fail(ctx, error);
	if ((now && *now && (error = ferry_db_set_now(ctx->db, now)) < 0) ||
	    (error = ferry_db_set_user(ctx->db, ctx->user)) < 0 ||
	    (key_file && *key_file &&
	    (error = ferry_db_set_key_file(ctx->db, key_file)) < 0))
		return cli_fail(ctx, error);
	if (isatty(STDERR_FILENO))
		ferry_db_set_progress(ctx->db, progress, NULL);
	return CLI_EXIT_OK;
}

/*
 * Every command writes its output through stdout's buffer, so a write
 * error (a full disk, /dev/full) may show only when the buffer is
 * flushed: it is checked here, once, for every command.  Output that
 * could not be written is a failure, whatever the command did.
 */
static int finish_output(int rc)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);
	int err = errno;

	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	if (!failed)
		return rc;
	fprintf(stderr, "ferry: cannot write the output: %s%s\n",
		err ? strerror(err) : "write error", rc == CLI_EXIT_OK ?
		"; the command itself was carried out: check its effect "
		"before running it again" : "");
	return rc == CLI_EXIT_OK ? CLI_EXIT_ERROR : rc;
}

/*
 * Interrupted (Ctrl-C, kill): remove the unfinished export or backup,
 * then die of the same signal, as the shell expects.
 */
static void on_signal(int sig)
{
	ferry_remove_temp_files();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run(int argc, char **argv)
{
	cli_ctx ctx;
	cli_args args;
	int i, words = 0, rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.db_path = getenv("FERRY_DB");
	ctx.user = getenv("FERRY_USER");
	if (ctx.user && !*ctx.user)
		ctx.user = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--db") || !strcmp(a, "--user")) {
			if (i + 1 >= argc)
				return cli_usage_error(NULL, "%s needs a value",
					a);
			if (a[2] == 'd')
				ctx.db_path = argv[++i];
			else
				ctx.user = argv[++i];
		} else if (!strncmp(a, "--db=", 5)) {
			ctx.db_path = a + 5;
		} else if (!strncmp(a, "--user=", 7)) {
			ctx.user = a + 7;
		} else if (!strcmp(a, "--json")) {
			ctx.json = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage_all(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--version")) {
			puts(FERRY_VERSION_TEXT);
			return CLI_EXIT_OK;
		} else if (a[0] == '-') {
			return cli_usage_error(NULL, "unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage_all(stderr);
		return CLI_EXIT_USAGE;
	}
	if ((ctx.cmd = find_command(argc - i, argv + i, &words)) == NULL) {
		/* "ferry pack --help" lists the pack commands. */
		if (i + 1 < argc && (!strcmp(argv[i + 1], "--help") ||
		    !strcmp(argv[i + 1], "-h")) && usage_group(stdout, argv[i]))
			return CLI_EXIT_OK;
		if (i + 1 >= argc && usage_group(stderr, argv[i]))
			return CLI_EXIT_USAGE;
		if (i + 1 < argc && usage_group(NULL, argv[i])) {
			fprintf(stderr, "ferry: unknown command '%s %s'\n",
				argv[i], argv[i + 1]);
			usage_group(stderr, argv[i]);
			return CLI_EXIT_USAGE;
		}
		return cli_usage_error(NULL, "unknown command '%s'", argv[i]);
	}
	i += words;
	rc = parse_args(&ctx, argc - i, argv + i, &args);
	if (rc == 1) {
		usage_command(ctx.cmd);
		return CLI_EXIT_OK;
	}
	if (rc < 0)
		return -rc;
	if (ctx.cmd->needs_db && (rc = open_instance(&ctx)) != CLI_EXIT_OK) {
		ferry_db_close(ctx.db);
		return rc;
	}
	rc = ctx.cmd->run(&ctx, &args);
	ferry_db_close(ctx.db);
	return rc;
}

int main(int argc, char **argv)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	return finish_output(run(argc, argv));
}
