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

/* Find the command naming argv[0] or "argv[0] argv[1]". */
static const cli_command *find_command(int argc, char **argv, int *words)
{
	size_t t;
	const cli_command *c;
	char two[128];

	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		for (t = 0; cli_tables[t]; t++)
			for (c = cli_tables[t]; c->name; c++)
				if (!strcmp(c->name, two)) {
					*words = 2;
					return c;
				}
	}
	for (t = 0; cli_tables[t]; t++)
		for (c = cli_tables[t]; c->name; c++)
			if (!strcmp(c->name, argv[0])) {
				*words = 1;
				return c;
			}
	return NULL;
}

/*
 * A global option at argv[*i] ("--db PATH", "--db=PATH", "--user ...",
 * "--json"): take it (moving *i past its value) and return 1; 0 when it
 * is none; an exit code < 0 for a missing value.
 */
static int global_option(cli_ctx *ctx, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char **to;
	size_t len;

	if (!strcmp(a, "--json")) {
		ctx->json = 1;
		return 1;
	}
	if (!strncmp(a, "--db", 4)) {
		to = &ctx->db_path;
		len = 4;
	} else if (!strncmp(a, "--user", 6)) {
		to = &ctx->user;
		len = 6;
	} else {
		return 0;
	}
	if (a[len] == '=') {
		*to = a + len + 1;
		return 1;
	}
	if (a[len] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -cli_usage_error(ctx, "%s needs a value", a);
	*to = argv[++*i];
	return 1;
}

/* Parse a command's arguments; 0, 1 for --help, or an exit code < 0. */
static int parse_args(cli_ctx *ctx, int argc, char **argv, cli_args *a)
{
	const cli_command *c = ctx->cmd;
	int i, only_pos = 0, g;

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
		eq = strchr(arg + 2, '=');
		k = cli_opt_index(c, arg + 2, eq ? (size_t)(eq - arg - 2) :
			strlen(arg + 2));
		if (k < 0) {
			if ((g = global_option(ctx, argc, argv, &i)) < 0)
				return g;
			if (g)
				continue;
			return -cli_usage_error(ctx, "unknown option '%s'",
				arg);
		}
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
		if (a->nrep == CLI_MAX_ARGS)
			return -cli_usage_error(ctx, "too many options");
		a->rep_opt[a->nrep] = k;
		a->rep[a->nrep++] = a->val[k];
	}
	if (a->npos < c->min_args)
		return -cli_usage_error(ctx, "missing arguments");
	if (c->max_args >= 0 && a->npos > c->max_args)
		return -cli_usage_error(ctx, "too many arguments");
	return 0;
}

static int open_instance(cli_ctx *ctx)
{
	const char *now = getenv("FERRY_NOW");
	const char *key_file = getenv("FERRY_KEY_FILE");
	const char *backups = getenv("FERRY_BACKUP_PREFIX");
	int error;

	if (!ctx->db_path || !*ctx->db_path)
		return cli_usage_error(ctx, "no instance: give --db PATH or "
			"set FERRY_DB");
	if ((error = ferry_db_open(&ctx->db, ctx->db_path)) < 0)
		return cli_fail(ctx, error);
	if ((now && *now && (error = ferry_db_set_now(ctx->db, now)) < 0) ||
	    (error = ferry_db_set_user(ctx->db, ctx->user)) < 0 ||
	    (key_file && *key_file &&
	    (error = ferry_db_set_key_file(ctx->db, key_file)) < 0) ||
	    (backups && *backups &&
	    (error = ferry_db_set_backup_prefix(ctx->db, backups)) < 0))
		return cli_fail(ctx, error);
	if (isatty(STDERR_FILENO))
		ferry_db_set_progress(ctx->db, cli_progress, NULL);
	return CLI_EXIT_OK;
}

/* "ferry --version": ours, then each library as built and as running. */
static int print_version(cli_ctx *ctx)
{
	ferry_buf out = FERRY_BUF_INIT;
	json_t *doc, *lib;
	size_t i;
	int error = ferry_build_info(&out);

	if (error < 0)
		return cli_fail(ctx, error);
	if (ctx->json) {
		puts(out.ptr);
		ferry_buf_dispose(&out);
		return CLI_EXIT_OK;
	}
	doc = json_loadb(out.ptr, out.size, 0, NULL);
	printf("ferry %s\n", cli_text(json_object_get(doc, "version")));
	json_array_foreach(json_object_get(doc, "libraries"), i, lib)
		printf("  %-10s built with %s, running %s\n",
			cli_text(json_object_get(lib, "name")),
			cli_text(json_object_get(lib, "built")),
			cli_text(json_object_get(lib, "running")));
	json_decref(doc);
	ferry_buf_dispose(&out);
	return CLI_EXIT_OK;
}

/* --json anywhere before "--" asks for JSON errors too, even for a
 * command line that cannot be parsed. */
static int wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!strcmp(argv[i], "--json"))
			return 1;
	return 0;
}

/*
 * Every command writes its output through stdout's buffer, so a write
 * error (a full disk, /dev/full) may show only when the buffer is
 * flushed: it is checked here, once, for every command.  Output that
 * could not be written is a failure, whatever the command did.
 */
static int finish_output(int rc, int json)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);
	int err = errno;
	cli_ctx ctx;

	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	if (!failed)
		return rc;
	memset(&ctx, 0, sizeof(ctx));
	ctx.json = json;
	cli_error(&ctx, FERRY_EIO, "cannot write the output: %s%s",
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
	int i, words = 0, rc, version = 0;

	memset(&ctx, 0, sizeof(ctx));
	if ((rc = cli_generate(argc, argv)) >= 0)
		return rc;
	ctx.json = wants_json(argc, argv);
	ctx.db_path = getenv("FERRY_DB");
	ctx.user = getenv("FERRY_USER");
	if (ctx.user && !*ctx.user)
		ctx.user = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((rc = global_option(&ctx, argc, argv, &i)) < 0)
			return -rc;
		if (rc)
			continue;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_usage_all(stdout);
			return CLI_EXIT_OK;
		} else if (!strcmp(a, "--version")) {
			version = 1;
		} else if (a[0] == '-') {
			return cli_usage_error(&ctx, "unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (version)
		return print_version(&ctx);
	if (i >= argc) {
		if (ctx.json)
			return cli_usage_error(&ctx, "no command given");
		cli_usage_all(stderr);
		return CLI_EXIT_USAGE;
	}
	if ((ctx.cmd = find_command(argc - i, argv + i, &words)) == NULL) {
		/* "ferry pack --help" lists the pack commands. */
		if (i + 1 < argc && (!strcmp(argv[i + 1], "--help") ||
		    !strcmp(argv[i + 1], "-h")) &&
		    cli_usage_group(stdout, argv[i]))
			return CLI_EXIT_OK;
		if (i + 1 >= argc && !ctx.json &&
		    cli_usage_group(stderr, argv[i]))
			return CLI_EXIT_USAGE;
		if (i + 1 < argc && cli_usage_group(NULL, argv[i])) {
			rc = cli_usage_error(&ctx, "unknown command '%s %s'",
				argv[i], argv[i + 1]);
			if (!ctx.json)
				cli_usage_group(stderr, argv[i]);
			return rc;
		}
		if (cli_usage_group(NULL, argv[i]))
			return cli_usage_error(&ctx, "'%s' needs a command; "
				"see 'ferry %s --help'", argv[i], argv[i]);
		return cli_usage_error(&ctx, "unknown command '%s'", argv[i]);
	}
	i += words;
	rc = parse_args(&ctx, argc - i, argv + i, &args);
	if (rc == 1) {
		cli_usage_command(ctx.cmd);
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
	return finish_output(run(argc, argv), wants_json(argc, argv));
}
