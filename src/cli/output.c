/*
 * output.c - how the ferry command prints: JSON documents as they are
 * with --json, tables that fit the screen and "key: value" lines for
 * people, errors as "ferry: <message>" on stderr (with --json, one
 * {"error":{"code","message"}} line), and the progress line.
 *
 * Text meant for a terminal passes through one filter, cli_escape():
 * names can come from a package made elsewhere, and an ESC or a newline
 * in one must not move the cursor, recolour the screen or forge a line.
 * --json output is JSON, whose strings escape control characters anyway.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* A progress line is on the terminal, not yet ended. */
static int progress_open;

/* One error on stderr: "ferry: <message>", or the JSON error document. */
static void print_error(const cli_ctx *ctx, const char *code,
	const char *msg)
{
	json_t *doc;
	char *text, *safe;

	if (progress_open) {
		fputc('\n', stderr);
		progress_open = 0;
	}
	if (!ctx || !ctx->json) {
		safe = cli_escape(msg);
		fprintf(stderr, "ferry: %s\n", safe ? safe : "out of memory");
		free(safe);
		return;
	}
	doc = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
		msg);
	text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) :
		NULL;
	fprintf(stderr, "%s\n", text ? text : "{\"error\":{\"code\":"
		"\"out_of_memory\",\"message\":\"out of memory\"}}");
	free(text);
	json_decref(doc);
}

static int exit_code(int code)
{
	return code == FERRY_EUNRESOLVED ? CLI_EXIT_UNRESOLVED :
		CLI_EXIT_ERROR;
}

/* Is byte p[0] the start of a control character (C0, DEL, or C1 as
 * UTF-8 C2 80 to C2 9F)?  Its length in bytes, else 0. */
static size_t control_at(const unsigned char *p)
{
	if (*p < 0x20 || *p == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

char *cli_escape(const char *s)
{
	const unsigned char *p;
	size_t n = 0, k;
	char *out, *o;

	for (p = (const unsigned char *)s; *p; p++)
		if (control_at(p))
			n++;
	if ((out = malloc(strlen(s) + 4 * n + 1)) == NULL)
		return NULL;
	for (o = out, p = (const unsigned char *)s; *p; p += k ? k : 1) {
		if ((k = control_at(p)) == 0)
			*o++ = (char)*p;
		else if (*p == '\n')
			o += snprintf(o, 5, "\\n");
		else if (*p == '\t')
			o += snprintf(o, 5, "\\t");
		else if (*p == 0x1b)
			o += snprintf(o, 5, "\\e");
		else
			o += snprintf(o, 5, "\\x%02x", k == 2 ? p[1] : *p);
	}
	*o = '\0';
	return out;
}

/* Every string of a document, escaped for the terminal, in place. */
static void escape_doc(json_t *v)
{
	const char *key;
	json_t *m;
	size_t i;
	char *e;

	if (json_is_string(v)) {
		e = cli_escape(json_string_value(v));
		if (!e || strcmp(e, json_string_value(v)) != 0)
			json_string_set(v, e ? e : "?");
		free(e);
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, m)
			escape_doc(m);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			escape_doc(m);
	}
}

int cli_fail(cli_ctx *ctx, int code)
{
	const char *msg = ctx->db ? ferry_errmsg(ctx->db) : "";

	if (!msg || !*msg)
		msg = ferry_strerror(code);
	print_error(ctx, ferry_error_name(code), msg);
	return exit_code(code);
}

int cli_error(cli_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error(ctx, ferry_error_name(code), msg);
	return exit_code(code);
}

int cli_usage_error(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx && ctx->json) {
		print_error(ctx, CLI_USAGE_CODE, msg);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "ferry: %s", msg);
	if (ctx && ctx->cmd)
		fprintf(stderr, "\nusage: ferry %s %s (see 'ferry %s --help')\n",
			ctx->cmd->name, ctx->cmd->usage, ctx->cmd->name);
	else
		fputs("\nsee 'ferry --help'\n", stderr);
	return CLI_EXIT_USAGE;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("ferry: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warnings(json_t *doc)
{
	json_t *w;
	size_t i;

	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		if (json_is_string(w))
			cli_warn("%s", json_string_value(w));
}

void cli_warnings_text(const ferry_buf *doc)
{
	json_t *j = doc->ptr ? json_loadb(doc->ptr, doc->size, 0, NULL) :
		NULL;

	cli_warnings(j);
	json_decref(j);
}

const char *cli_text(json_t *v)
{
	static char buf[64];

	if (!v)
		return "-";
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "yes";
	case JSON_FALSE:
		return "no";
	case JSON_NULL:
		return "-";
	default:
		return NULL;
	}
}

/* Display text of any value; compact JSON for objects and arrays. */
static char *display(json_t *v)
{
	const char *t = v ? cli_text(v) : "-";

	if (t)
		return strdup(t);
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

/* Columns that are never cut: people copy their values into commands.
 * Times (at, *_at) are never cut either. */
static int keep_whole(const char *column, const char *const *whole)
{
	static const char *const keep[] = { "sys_id", "item", "version",
		"stamp", "id", "path", "file", "entity", "fingerprint",
		"public_key", "at", NULL };
	size_t i, len = strlen(column);

	for (i = 0; keep[i]; i++)
		if (!strcmp(keep[i], column))
			return 1;
	for (i = 0; whole && whole[i]; i++)
		if (!strcmp(whole[i], column))
			return 1;
	return len > 3 && !strcmp(column + len - 3, "_at");
}

/* The width tables fit: $COLUMNS, else the terminal's, else 80. */
static size_t screen_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	long n;

	if (env && (n = strtol(env, NULL, 10)) >= 20 && n < 10000)
		return (size_t)n;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Print a cell in width w (0: as is), cut with '~' when longer; a cut
 * never splits a UTF-8 character. */
static void cell(const char *t, size_t w, int last)
{
	size_t len = strlen(t);

	if (last || len <= w) {
		printf("%-*s%s", last ? 0 : (int)w, t, last ? "\n" : "  ");
		return;
	}
	len = w ? w - 1 : 0;
	while (len && ((unsigned char)t[len] & 0xc0) == 0x80)
		len--;
	printf("%.*s~%*s  ", (int)len, t, (int)(w - 1 - len), "");
}

void cli_table(json_t *rows, const char *const *columns)
{
	cli_table_whole(rows, columns, NULL);
}

void cli_table_whole(json_t *rows, const char *const *columns,
	const char *const *whole)
{
	size_t ncol = 0, i, r, *width, total, screen = screen_width();
	json_t *row;

	while (columns[ncol])
		ncol++;
	if ((width = calloc(ncol, sizeof(*width))) == NULL)
		return;
	for (i = 0; i < ncol; i++)
		width[i] = strlen(columns[i]);
	json_array_foreach(rows, r, row) {
		for (i = 0; i < ncol; i++) {
			char *t = display(json_object_get(row, columns[i]));
			size_t len = t ? strlen(t) : 0;

			if (len > width[i])
				width[i] = len;
			free(t);
		}
	}
	/* Fit the screen: the widest column that may be cut loses a
	 * character at a time, down to its header or 10.  The last column
	 * is not padded, so it may run on. */
	for (;;) {
		size_t widest = ncol, floor;

		for (total = 0, i = 0; i + 1 < ncol; i++)
			total += width[i] + 2;
		if (ncol)
			total += width[ncol - 1];
		if (total <= screen)
			break;
		for (i = 0; i + 1 < ncol; i++) {
			floor = strlen(columns[i]) > 10 ? strlen(columns[i]) :
				10;
			if (!keep_whole(columns[i], whole) &&
			    width[i] > floor && (widest == ncol ||
			    width[i] > width[widest]))
				widest = i;
		}
		if (widest == ncol)
			break;
		width[widest]--;
	}
	for (i = 0; i < ncol; i++)
		cell(columns[i], width[i], i + 1 == ncol);
	json_array_foreach(rows, r, row) {
		for (i = 0; i < ncol; i++) {
			char *t = display(json_object_get(row, columns[i]));

			cell(t ? t : "", width[i], i + 1 == ncol);
			free(t);
		}
	}
	free(width);
}

void cli_short_hashes(json_t *rows, const char *key)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row) {
		const char *v = json_string_value(json_object_get(row, key));
		if (v && strlen(v) > 12)
			json_object_set_new(row, key, json_stringn(v, 12));
	}
}

void cli_fields(json_t *obj, const char *const *keys)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		char *t = display(json_object_get(obj, keys[i]));

		printf("%s: %s\n", keys[i], t ? t : "");
		free(t);
	}
}

int cli_print_doc(cli_ctx *ctx, const ferry_buf *doc, cli_human_fn human)
{
	json_error_t jerr;
	json_t *j;

	if (ctx->json || !human) {
		if (ctx->json) {
			fwrite(doc->ptr, 1, doc->size, stdout);
			fputc('\n', stdout);
			return CLI_EXIT_OK;
		}
	}
	j = json_loadb(doc->ptr, doc->size, JSON_DECODE_ANY, &jerr);
	if (!j) {
		fprintf(stderr, "ferry: unreadable output from the library: "
			"%s\n", jerr.text);
		return CLI_EXIT_ERROR;
	}
	escape_doc(j);
	if (human) {
		human(j);
	} else {
		char *pretty = json_dumps(j, JSON_INDENT(2) |
			JSON_PRESERVE_ORDER);

		if (pretty)
			puts(pretty);
		free(pretty);
	}
	json_decref(j);
	return CLI_EXIT_OK;
}

int cli_show(cli_ctx *ctx, int error, ferry_buf *doc, cli_human_fn human)
{
	int rc;

	if (error < 0) {
		ferry_buf_dispose(doc);
		return cli_fail(ctx, error);
	}
	rc = cli_print_doc(ctx, doc, human);
	ferry_buf_dispose(doc);
	return rc;
}

int cli_done(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->json) {
		puts("{\"ok\":true}");
		return CLI_EXIT_OK;
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return CLI_EXIT_OK;
}

/*
 * The progress line: rewritten in place with \r, at most about ten times
 * a second, ended with a newline when the work is done.  The rate and the
 * time left count from the first report of each piece of work.
 */
void cli_progress(const char *what, uint64_t done, uint64_t total,
	void *payload)
{
	static char last_what[64];
	static struct timespec start, shown;
	struct timespec now;
	double elapsed, since, rate;
	int finished = total && done >= total;

	(void)payload;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (strncmp(last_what, what, sizeof(last_what) - 1) != 0) {
		snprintf(last_what, sizeof(last_what), "%s", what);
		start = now;
		shown.tv_sec = 0;
		shown.tv_nsec = 0;
	}
	elapsed = (double)(now.tv_sec - start.tv_sec) +
		(double)(now.tv_nsec - start.tv_nsec) / 1e9;
	since = (double)(now.tv_sec - shown.tv_sec) +
		(double)(now.tv_nsec - shown.tv_nsec) / 1e9;
	if (!finished && since < 0.1)
		return;
	shown = now;
	rate = elapsed > 0.001 ? (double)done / elapsed : 0;
	fprintf(stderr, "\r%s: %llu", what, (unsigned long long)done);
	if (total)
		fprintf(stderr, " of %llu", (unsigned long long)total);
	if (rate > 0)
		fprintf(stderr, " (%.0f/s", rate);
	if (rate > 0 && total && !finished)
		fprintf(stderr, ", %.0f s left)", (double)(total - done) /
			rate);
	else if (rate > 0)
		fputc(')', stderr);
	fputs("\033[K", stderr);
	progress_open = !finished;
	if (finished) {
		fputc('\n', stderr);
		last_what[0] = '\0';
	}
	fflush(stderr);
}

int cli_parse_int(cli_ctx *ctx, const char *text, const char *what,
	long long *out)
{
	char *end;

	if (!text || !*text)
		return cli_usage_error(ctx, "%s must be a number", what), -1;
	*out = strtoll(text, &end, 10);
	if (*end != '\0' || *out < 0)
		return cli_usage_error(ctx, "%s must be a whole number, not "
			"'%s'", what, text), -1;
	return 0;
}
