/*
 * help.c - everything said about the commands is made from the command
 * and option tables: --help, the man pages (ferry(1) and one
 * ferry-GROUP(1) per command group) and the bash and zsh completion.  A
 * new command or group gets all of them by being in a table; the build
 * runs the hidden modes below (scripts/gen-cli-docs) to write the files
 * that `make install` installs.
 *
 *   ferry --help-groups          the groups, one a line ("pack", ...)
 *   ferry --help-man [GROUP]     roff: ferry(1), or ferry-GROUP(1)
 *   ferry --completion bash|zsh  the completion script
 */
#include "cli.h"

#include <string.h>

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.0.0"
#endif

/* Words for the groups' man pages; a group not listed gets a plain
 * "ferry GROUP commands" until someone writes its line here. */
static const struct {
	const char *group;
	const char *summary;
} group_summaries[] = {
	{ "user", "users of an instance" },
	{ "property", "an instance's properties" },
	{ "entity", "entities, and entity packs" },
	{ "field", "the fields of entities" },
	{ "record", "records and their versions" },
	{ "pack", "local packs and their export" },
	{ "import", "importing .sop packages" },
	{ "formula", "formulas" },
	{ "dataset", "data sets" },
	{ "backup", "the instance's backups" },
	{ NULL, NULL }
};

#define EACH_COMMAND(t, c) \
	for (t = 0; cli_tables[t]; t++) \
		for (c = cli_tables[t]; c->name; c++)

/* Length of a command's group: its first word, or 0 for a one-word
 * command (init, info, inspect), which belongs to ferry(1). */
static size_t group_len(const cli_command *c)
{
	const char *sp = strchr(c->name, ' ');

	return sp ? (size_t)(sp - c->name) : 0;
}

static int in_group(const cli_command *c, const char *group)
{
	size_t len = group_len(c);

	return len && strlen(group) == len && !strncmp(c->name, group, len);
}

static const char *group_summary(const char *group)
{
	size_t i;

	for (i = 0; group_summaries[i].group; i++)
		if (!strcmp(group_summaries[i].group, group))
			return group_summaries[i].summary;
	return NULL;
}

/* ---- --help ---------------------------------------------------------- */

static void print_opts(FILE *out, const cli_opt *o)
{
	for (; o && o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-22s %s\n", left, o->help);
	}
}

void cli_usage_all(FILE *out)
{
	size_t t;
	const cli_command *c;

	fputs("usage: ferry [--db PATH] [--user NAME] [--json] COMMAND "
		"[ARGS]\n\n"
		"ferry moves configuration between instances: versions, local "
		"packs,\n.sop packages, imports, entity packs and formulas.\n\n"
		"Global options (anywhere on the line):\n", out);
	print_opts(out, cli_global_opts);
	fputs("\nCommands:\n", out);
	EACH_COMMAND(t, c)
		fprintf(out, "  %-18s %s\n", c->name, c->summary);
	fputs("\nExit codes: 0 done, 1 error, 2 usage, 3 the import has "
		"unresolved problems.\nEnvironment: FERRY_DB, FERRY_USER, "
		"FERRY_NOW (fixes the clock, e.g.\n2021-12-31T12:00:00Z), "
		"FERRY_KEY_FILE (the signing key file),\n"
		"FERRY_BACKUP_PREFIX (what backups are named from).\n"
		"Reference: docs/cli.md, man ferry\n", out);
}

void cli_usage_command(const cli_command *c)
{
	printf("usage: ferry %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->opts && c->opts[0].name) {
		puts("\nOptions:");
		print_opts(stdout, c->opts);
	}
	puts("  --json                 machine output on stdout\n"
		"  --help                 this help");
}

int cli_usage_group(FILE *out, const char *group)
{
	size_t t;
	const cli_command *c;
	int n = 0;

	EACH_COMMAND(t, c) {
		if (!in_group(c, group))
			continue;
		if (!out) {
			n++;
			continue;
		}
		if (n++ == 0)
			fprintf(out, "usage: ferry %s COMMAND [ARGS]\n\n"
				"Commands:\n", group);
		fprintf(out, "  %-18s %s\n", c->name, c->summary);
	}
	if (n && out)
		fprintf(out, "\nSee 'ferry %s COMMAND --help'.\n", group);
	return n;
}

/* Did a command before c in the tables start the same group? */
static int group_seen(const cli_command *c, size_t len)
{
	size_t u;
	const cli_command *d;

	for (u = 0; cli_tables[u]; u++)
		for (d = cli_tables[u]; d->name; d++) {
			if (d == c)
				return 0;
			if (group_len(d) == len && !strncmp(d->name, c->name,
			    len))
				return 1;
		}
	return 0;
}

/* The groups in table order, each once: calls fn for each. */
static void each_group(void (*fn)(const char *group, size_t len,
	void *payload), void *payload)
{
	size_t t;
	const cli_command *c;

	EACH_COMMAND(t, c) {
		size_t len = group_len(c);

		if (len && !group_seen(c, len))
			fn(c->name, len, payload);
	}
}

/* ---- man pages ------------------------------------------------------- */

/* Text for roff: backslashes and dashes escaped; a line never starts
 * with a control character. */
static void roff(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void roff_line(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	roff(out, s);
	fputc('\n', out);
}

static void man_opts(FILE *out, const cli_opt *o)
{
	for (; o && o->name; o++) {
		fputs(".TP\n.B ", out);
		roff(out, "--");
		roff(out, o->name);
		if (o->arg) {
			fputs(" \\fI", out);
			roff(out, o->arg);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		roff_line(out, o->help);
	}
}

static void man_command(FILE *out, const cli_command *c)
{
	fputs(".SS \"", out);
	roff(out, "ferry ");
	roff(out, c->name);
	fputs("\"\n.B ", out);
	roff(out, "ferry ");
	roff(out, c->name);
	if (*c->usage) {
		fputc(' ', out);
		roff(out, c->usage);
	}
	fputs("\n.PP\n", out);
	roff_line(out, c->summary);
	if (c->opts && c->opts[0].name) {
		fputs(".PP\nOptions:\n", out);
		man_opts(out, c->opts);
	}
	fputs(".PP\n", out);
}

static void man_head(FILE *out, const char *title, const char *name,
	const char *summary)
{
	fputs(".\\\" Generated by 'ferry --help-man' from the command "
		"tables; do not edit.\n", out);
	fprintf(out, ".TH %s 1 \"\" \"ferry %s\" \"ferry manual\"\n"
		".SH NAME\n", title, FERRY_VERSION);
	roff(out, name);
	fputs(" \\- ", out);
	roff_line(out, summary);
}

static const char man_tail[] =
	".SH EXIT STATUS\n"
	".TP\n.B 0\ndone\n"
	".TP\n.B 1\nerror: the command was understood but could not be done; "
	"the instance is unchanged\n"
	".TP\n.B 2\nusage: unknown command or option, missing or extra "
	"arguments\n"
	".TP\n.B 3\nan import has unresolved problems\n"
	".SH ENVIRONMENT\n"
	".TP\n.B FERRY_DB\nthe instance when \\-\\-db is not given\n"
	".TP\n.B FERRY_USER\nwho acts when \\-\\-user is not given\n"
	".TP\n.B FERRY_NOW\nfixes the clock, e.g. 2021\\-12\\-31T12:00:00Z\n";

static void see_also(const char *group, size_t len, void *payload)
{
	FILE *out = payload;

	fprintf(out, ".BR ferry\\-%.*s (1),\n", (int)len, group);
}

static int man_page(const char *group)
{
	size_t t;
	const cli_command *c;
	char title[80], name[80], summary[160];
	const char *s;
	int n = 0;

	if (!group) {
		man_head(stdout, "FERRY", "ferry", "move configuration between "
			"instances");
		fputs(".SH SYNOPSIS\n.B ferry\n[\\-\\-db \\fIPATH\\fR] "
			"[\\-\\-user \\fINAME\\fR] [\\-\\-json] \\fICOMMAND\\fR "
			"[\\fIARGS\\fR]\n.SH DESCRIPTION\n"
			"ferry versions every change to configuration records, "
			"groups the versions into local packs, exports a pack "
			"to a .sop file and imports it elsewhere through load, "
			"preview, resolve and commit, with back out.\n"
			"Each command group has its own page (see below).\n"
			".SH GLOBAL OPTIONS\nAccepted anywhere on the command "
			"line, before or after the command.\n", stdout);
		man_opts(stdout, cli_global_opts);
		fputs(".SH COMMANDS\n", stdout);
		EACH_COMMAND(t, c)
			if (!group_len(c))
				man_command(stdout, c);
		fputs(man_tail, stdout);
		fputs(".SH SEE ALSO\n", stdout);
		each_group(see_also, stdout);
		fputs("the reference in docs/cli.md\n", stdout);
		return CLI_EXIT_OK;
	}
	EACH_COMMAND(t, c)
		if (in_group(c, group) && n++ == 0) {
			size_t i;

			s = group_summary(group);
			snprintf(summary, sizeof(summary), "%s", s ? s : "");
			if (!s)
				snprintf(summary, sizeof(summary), "ferry %s "
					"commands", group);
			snprintf(title, sizeof(title), "FERRY-%s", group);
			for (i = 0; title[i]; i++)
				if (title[i] >= 'a' && title[i] <= 'z')
					title[i] = (char)(title[i] - 'a' + 'A');
			snprintf(name, sizeof(name), "ferry-%s", group);
			man_head(stdout, title, name, summary);
			fputs(".SH SYNOPSIS\n", stdout);
		}
	if (!n) {
		fprintf(stderr, "ferry: no command group '%s'\n", group);
		return CLI_EXIT_USAGE;
	}
	EACH_COMMAND(t, c)
		if (in_group(c, group)) {
			fputs(".B ", stdout);
			roff(stdout, "ferry ");
			roff(stdout, c->name);
			if (*c->usage) {
				fputc(' ', stdout);
				roff(stdout, c->usage);
			}
			fputs("\n.br\n", stdout);
		}
	fputs(".SH COMMANDS\n", stdout);
	EACH_COMMAND(t, c)
		if (in_group(c, group))
			man_command(stdout, c);
	fputs(".SH GLOBAL OPTIONS\n", stdout);
	man_opts(stdout, cli_global_opts);
	fputs(man_tail, stdout);
	fputs(".SH SEE ALSO\n.BR ferry (1)\n", stdout);
	return CLI_EXIT_OK;
}

static void print_group(const char *group, size_t len, void *payload)
{
	(void)payload;
	printf("%.*s\n", (int)len, group);
}

/* ---- completion ------------------------------------------------------ */

/* Words safe inside double quotes of either shell. */
static void shell_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\"\\$`", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void option_words(FILE *out, const cli_opt *o)
{
	for (; o && o->name; o++)
		fprintf(out, " --%s", o->name);
}

/* The words that may follow "ferry": one-word commands and groups. */
static void first_word(const char *group, size_t len, void *payload)
{
	FILE *out = payload;

	fprintf(out, " %.*s", (int)len, group);
}

static void first_words(FILE *out)
{
	size_t t;
	const cli_command *c;

	EACH_COMMAND(t, c)
		if (!group_len(c))
			fprintf(out, " %s", c->name);
	each_group(first_word, out);
}

static void bash_group(const char *group, size_t len, void *payload)
{
	size_t t;
	const cli_command *c;

	(void)payload;
	printf("\t\"%.*s\") words=\"", (int)len, group);
	EACH_COMMAND(t, c)
		if (group_len(c) == len && !strncmp(c->name, group, len))
			printf(" %s", c->name + len + 1);
	puts("\" ;;");
}

static void bash_completion(void)
{
	size_t t;
	const cli_command *c;

	puts("# bash completion for ferry; generated by 'ferry --completion "
		"bash'\n# from the command tables: do not edit.\n"
		"_ferry()\n{\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
		"\tlocal prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		"\tlocal cmd='' words='' i w");
	printf("\tlocal globals=\"");
	option_words(stdout, cli_global_opts);
	puts("\"\n"
		"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
		"\t\tw=${COMP_WORDS[i]}\n"
		"\t\tcase $w in\n"
		"\t\t--db|--user) ((i++)) ;;\n"
		"\t\t-*) ;;\n"
		"\t\t*) cmd=\"$cmd${cmd:+ }$w\" ;;\n"
		"\t\tesac\n"
		"\tdone\n"
		"\tcase $prev in\n"
		"\t--db|--output|--dir) COMPREPLY=($(compgen -f -- \"$cur\")); "
		"return ;;\n"
		"\tesac\n"
		"\tcase $cmd in");
	printf("\t\"\") words=\"");
	first_words(stdout);
	puts("\" ;;");
	EACH_COMMAND(t, c) {
		printf("\t\"%s\"|\"%s \"*) words=\"", c->name, c->name);
		option_words(stdout, c->opts);
		puts("\"\n\t\t[[ $cur == -* ]] || { COMPREPLY=($(compgen -f "
			"-- \"$cur\")); return; } ;;");
	}
	each_group(bash_group, NULL);
	puts("\tesac\n"
		"\t[[ $cur == -* ]] && words=\"$words $globals\"\n"
		"\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
		"}\n"
		"complete -F _ferry ferry");
}

static void zsh_described(const char *word, const char *text)
{
	printf("\t\t\t\"");
	shell_text(stdout, word);
	putchar(':');
	for (; *text; text++) {
		if (*text == ':')
			putchar('\\');
		if (strchr("\"\\$`", *text))
			putchar('\\');
		putchar(*text);
	}
	puts("\"");
}

static void zsh_opts(const cli_opt *o)
{
	char word[64];

	for (; o && o->name; o++) {
		snprintf(word, sizeof(word), "--%s", o->name);
		zsh_described(word, o->help);
	}
}

static void zsh_group(const char *group, size_t len, void *payload)
{
	size_t t;
	const cli_command *c;

	(void)payload;
	printf("\t\"%.*s\")\n\t\tlocal -a subs=(\n", (int)len, group);
	EACH_COMMAND(t, c)
		if (group_len(c) == len && !strncmp(c->name, group, len))
			zsh_described(c->name + len + 1, c->summary);
	printf("\t\t)\n\t\t_describe 'ferry %.*s command' subs ;;\n",
		(int)len, group);
}

static void zsh_top(const char *group, size_t len, void *payload)
{
	char word[64];
	const char *s;

	(void)payload;
	snprintf(word, sizeof(word), "%.*s", (int)len, group);
	s = group_summary(word);
	zsh_described(word, s ? s : "commands");
}

static void zsh_completion(void)
{
	size_t t;
	const cli_command *c;

	puts("#compdef ferry\n# zsh completion for ferry; generated by "
		"'ferry --completion zsh'\n# from the command tables: do not "
		"edit.\n"
		"_ferry()\n{\n"
		"\tlocal cmd='' i w\n"
		"\tlocal -a opts\n"
		"\tfor ((i = 2; i < CURRENT; i++)); do\n"
		"\t\tw=${words[i]}\n"
		"\t\tcase $w in\n"
		"\t\t--db|--user) ((i++)) ;;\n"
		"\t\t-*) ;;\n"
		"\t\t*) cmd=\"$cmd${cmd:+ }$w\" ;;\n"
		"\t\tesac\n"
		"\tdone\n"
		"\tcase ${words[CURRENT-1]} in\n"
		"\t--db|--output|--dir) _files; return ;;\n"
		"\tesac\n"
		"\tlocal -a globals=(");
	zsh_opts(cli_global_opts);
	puts("\t)\n\tcase $cmd in\n\t\"\")\n\t\tif [[ $PREFIX == -* ]]; then\n"
		"\t\t\t_describe 'option' globals\n\t\t\treturn\n\t\tfi\n"
		"\t\tlocal -a subs=(");
	EACH_COMMAND(t, c)
		if (!group_len(c))
			zsh_described(c->name, c->summary);
	each_group(zsh_top, NULL);
	puts("\t\t)\n\t\t_describe 'ferry command' subs ;;");
	EACH_COMMAND(t, c) {
		printf("\t\"%s\"|\"%s \"*)\n\t\topts=(\n", c->name, c->name);
		zsh_opts(c->opts);
		puts("\t\t)\n\t\tif [[ $PREFIX == -* ]]; then\n"
			"\t\t\t_describe 'option' opts -- globals\n"
			"\t\telse\n\t\t\t_files\n\t\tfi ;;");
	}
	each_group(zsh_group, NULL);
	puts("\tesac\n}\n_ferry \"$@\"");
}

int cli_generate(int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (!strcmp(argv[1], "--help-groups") && argc == 2) {
		each_group(print_group, NULL);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help-man") && argc <= 3)
		return man_page(argc == 3 ? argv[2] : NULL);
	if (!strcmp(argv[1], "--completion") && argc == 3) {
		if (!strcmp(argv[2], "bash"))
			bash_completion();
		else if (!strcmp(argv[2], "zsh"))
			zsh_completion();
		else
			return cli_usage_error(NULL, "--completion takes bash "
				"or zsh, not '%s'", argv[2]);
		return CLI_EXIT_OK;
	}
	return -1;
}
