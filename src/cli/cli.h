/*
 * cli.h - the ferry command: shared types of the command table, option
 * parsing and output.  The CLI uses only <ferry.h> and src/util, which
 * proves the public API is enough for a front end.
 */
#ifndef FERRY_CLI_H
#define FERRY_CLI_H

#include "ferry.h"

#include <jansson.h>
#include <stdio.h>

/* Exit codes: fixed, documented in docs/cli.md. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_ERROR = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_UNRESOLVED = 3
};

/* The "code" of a usage error under --json (the library's codes come from
 * ferry_error_name()). */
#define CLI_USAGE_CODE "usage"

#define CLI_MAX_OPTS 16
#define CLI_MAX_ARGS 256

/*
 * One option of a command; arg NULL for a flag.  These tables are the one
 * source of the options: parsing, --help, the man pages and the shell
 * completion are all made from them (help.c).
 */
typedef struct {
	const char *name;	/* without the leading "--" */
	const char *arg;	/* placeholder shown in help, e.g. "TEXT" */
	const char *help;
} cli_opt;

/* A parsed command line. */
typedef struct {
	const char *pos[CLI_MAX_ARGS];	/* positional arguments */
	int npos;
	const char *val[CLI_MAX_OPTS];	/* option values by table index */
	int set[CLI_MAX_OPTS];		/* option given, by table index */
	const char *rep[CLI_MAX_ARGS];	/* every value given, in order */
	int rep_opt[CLI_MAX_ARGS];	/* ...and its option's table index */
	int nrep;
} cli_args;

typedef struct cli_ctx cli_ctx;

typedef struct {
	const char *name;	/* "pack export" */
	const char *usage;	/* arguments after the name */
	const char *summary;
	const cli_opt *opts;	/* terminated by a NULL name */
	int min_args, max_args;	/* positional arguments; -1 unlimited */
	int needs_db;		/* opens --db before running */
	int (*run)(cli_ctx *ctx, const cli_args *args);
} cli_command;

struct cli_ctx {
	const char *db_path;
	const char *user;
	int json;		/* --json: machine output on stdout */
	ferry_db *db;		/* open instance when needs_db */
	const cli_command *cmd;
};

/* The index of option name[0..len) in c's table, or -1 (args.c). */
int cli_opt_index(const cli_command *c, const char *name, size_t len);
/* The value of option `name` (the last one given), or NULL. */
const char *cli_opt_value(const cli_ctx *ctx, const cli_args *a,
	const char *name);
int cli_opt_set(const cli_ctx *ctx, const cli_args *a, const char *name);
/* Every value given to option `name` (an option may be repeated), in
 * order, into out (at most max); returns how many were given. */
int cli_opt_values(const cli_ctx *ctx, const cli_args *a, const char *name,
	const char **out, int max);

/*
 * Report a library failure: "ferry: <message>", or with --json
 * {"error":{"code","message"}} (code from ferry_error_name()), on stderr;
 * returns the exit code.
 */
int cli_fail(cli_ctx *ctx, int code);
/* Report an error of the CLI's own (a file it cannot open, say) as
 * cli_fail() does, with a library code; returns the exit code. */
int cli_error(cli_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * s with its control characters shown as \n, \t, \e or \xNN, for a
 * terminal: a new string to free(), NULL if out of memory.
 */
char *cli_escape(const char *s);
/* Report a usage problem; returns CLI_EXIT_USAGE. */
int cli_usage_error(cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "ferry: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print a library JSON document: as is with --json, else through
 * `human` (which may be NULL for pretty JSON).  Returns an exit code.
 */
typedef void (*cli_human_fn)(json_t *doc);
int cli_print_doc(cli_ctx *ctx, const ferry_buf *doc, cli_human_fn human);
/* Finish a document call: on error report it, else print the document
 * (see cli_print_doc) and dispose of it.  Returns the exit code. */
int cli_show(cli_ctx *ctx, int error, ferry_buf *doc, cli_human_fn human);
/* Print rows of an array of objects as an aligned table that fits the
 * screen: free text is cut with '~'; ids, keys, versions and times never
 * are. */
void cli_table(json_t *rows, const char *const *columns);
/* cli_table(), with the columns of `whole` (NULL-terminated) never cut
 * either: a column whose name is generic but whose values are ids. */
void cli_table_whole(json_t *rows, const char *const *columns,
	const char *const *whole);
/* Cut the hashes under `key` in rows to 12 characters, for people. */
void cli_short_hashes(json_t *rows, const char *key);
/* Print an object's scalar members as "key: value" lines. */
void cli_fields(json_t *obj, const char *const *keys);
/* A JSON value as display text (into a static buffer for scalars). */
const char *cli_text(json_t *v);
/* Print a message or the JSON {"ok":true,...} for commands with no data. */
int cli_done(cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print each string of doc's "warnings" array as a warning on stderr. */
void cli_warnings(json_t *doc);
/* As cli_warnings(), from a document's text. */
void cli_warnings_text(const ferry_buf *doc);

/* Parse an int argument strictly; -1 with a usage error. */
int cli_parse_int(cli_ctx *ctx, const char *text, const char *what,
	long long *out);

/*
 * Progress on stderr while it is a terminal: "what: done of total
 * (rate/s, N s left)".  Install with ferry_db_set_progress(); payload
 * unused.
 */
void cli_progress(const char *what, uint64_t done, uint64_t total,
	void *payload);

/* The global options (--db, --user, --json, --help, --version). */
extern const cli_opt cli_global_opts[];
/* Every command table, NULL-terminated. */
extern const cli_command *const cli_tables[];

/* help.c: --help texts, man pages and shell completion from the tables. */
void cli_usage_all(FILE *out);
void cli_usage_command(const cli_command *c);
/* List the commands of a group ("pack") on out (NULL: only count). */
int cli_usage_group(FILE *out, const char *group);
/* The hidden generators: "--help-man [GROUP]", "--help-groups",
 * "--completion bash|zsh".  Returns an exit code, or -1 when argv[1] is
 * none of them. */
int cli_generate(int argc, char **argv);

/* The command tables of each cmd_*.c file. */
extern const cli_command cli_instance_commands[];
extern const cli_command cli_catalog_commands[];
extern const cli_command cli_record_commands[];
extern const cli_command cli_pack_commands[];
extern const cli_command cli_import_commands[];
extern const cli_command cli_entitypack_commands[];
extern const cli_command cli_formula_commands[];
extern const cli_command cli_inspect_commands[];
extern const cli_command cli_auth_commands[];
extern const cli_command cli_serve_commands[];
extern const cli_command cli_key_commands[];
extern const cli_command cli_backup_commands[];

#endif
