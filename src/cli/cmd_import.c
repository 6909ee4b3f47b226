/*
 * cmd_import.c - ferry import load|preview|diff|resolve|commit|backout|
 * discard|list|show|apply (docs/cli/import.md).
 *
 * Exit codes: 0 done; 1 error; 2 usage; 3 the import has unresolved
 * problems (commit and apply refused, and preview when it finds some).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int parse_id(cli_ctx *ctx, const char *text, int64_t *id)
{
	long long v;

	if (cli_parse_int(ctx, text, "the import id", &v) < 0)
		return -1;
	*id = (int64_t)v;
	return 0;
}

/* Print a document (human or --json), then dispose of it. */
static int print_doc(cli_ctx *ctx, ferry_buf *out, cli_human_fn human)
{
	int rc = cli_print_doc(ctx, out, human);

	ferry_buf_dispose(out);
	return rc;
}

/* A string member, or "-". */
static const char *str(json_t *obj, const char *key)
{
	const char *t = json_string_value(json_object_get(obj, key));

	return t ? t : "-";
}

/* An integer member (0 when absent). */
static long long num(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

/* ---- load ---------------------------------------------------------------- */

static void human_load(json_t *doc)
{
	json_t *pack = json_object_get(doc, "pack");
	json_t *msg = json_object_get(doc, "message");

	json_t *sig = json_object_get(doc, "signature");

	printf("loaded import %lld: %lld item(s) of pack '%s' (%s mode), "
		"stamp %.12s\n", num(doc, "id"), num(doc, "items"),
		str(pack, "name"), str(doc, "mode"), str(doc, "stamp"));
	if (json_is_true(json_object_get(sig, "trusted")))
		printf("signed by %s (key %s)\n", str(sig, "signer"),
			str(sig, "fingerprint"));
	if (json_is_string(msg))
		puts(json_string_value(msg));
	printf("next: ferry import preview %lld\n", num(doc, "id"));
}

static int run_load(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int error = ferry_import_load(&out, ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	cli_warnings_text(&out);
	return print_doc(ctx, &out, human_load);
}

/* ---- preview ------------------------------------------------------------- */

static void print_problem(FILE *f, json_t *p)
{
	json_t *sys_id = json_object_get(p, "sys_id");
	json_t *res = json_object_get(p, "resolution");

	fprintf(f, "  item %lld  %s %s  %s %s%s%s%s\n    %s\n",
		num(p, "item"), str(p, "entity"), json_is_string(sys_id) ?
		json_string_value(sys_id) : str(p, "key"), str(p, "severity"),
		str(p, "kind"), json_is_string(res) ? " (resolved: " : "",
		json_is_string(res) ? json_string_value(res) : "",
		json_is_string(res) ? ")" : "", str(p, "message"));
}

static void print_problems(FILE *f, json_t *problems)
{
	json_t *p;
	size_t i;

	json_array_foreach(problems, i, p)
		print_problem(f, p);
}

/* The number of problems of each kind, on one line. */
static void print_kinds(json_t *kinds)
{
	const char *kind;
	json_t *n;
	int first = 1;

	json_object_foreach(kinds, kind, n) {
		printf("%s%s %lld", first ? "by kind: " : ", ", kind,
			(long long)json_integer_value(n));
		first = 0;
	}
	if (!first)
		putchar('\n');
}

/* A preview printed as it streams: the summary, then each problem. */
typedef struct {
	int json;
	int opened;		/* the JSON summary is out */
	long long id;
	long long unresolved;
	long long matched;	/* problems the filter keeps */
	size_t problems;
	size_t shown;		/* problems printed */
} preview_out;

static int print_preview_part(ferry_preview_part part, const char *text,
	size_t len, void *payload)
{
	preview_out *o = payload;
	json_t *doc;

	if (o->json) {
		/* The same document as ferry_import_preview() returns. */
		if (part == FERRY_PREVIEW_SUMMARY) {
			fwrite(text, 1, len ? len - 1 : 0, stdout);
			fputs(",\"problems\":[", stdout);
			o->opened = 1;
		} else {
			if (o->problems++)
				fputc(',', stdout);
			fwrite(text, 1, len, stdout);
		}
		if (part == FERRY_PREVIEW_SUMMARY) {
			doc = json_loadb(text, len, 0, NULL);
			o->unresolved = num(doc, "unresolved");
			json_decref(doc);
		}
		return 0;
	}
	if ((doc = json_loadb(text, len, 0, NULL)) == NULL)
		return FERRY_ENOMEM;
	if (part == FERRY_PREVIEW_SUMMARY) {
		json_t *actions = json_object_get(doc, "actions");

		o->id = num(doc, "id");
		o->unresolved = num(doc, "unresolved");
		printf("import %lld (%s): %lld item(s): %lld insert, %lld "
			"update, %lld merge, %lld delete, %lld skip\n",
			o->id, str(doc, "state"), num(doc, "items"),
			num(actions, "insert"), num(actions, "update"),
			num(actions, "merge"), num(actions, "delete"),
			num(actions, "skip"));
		printf("%lld problem(s), %lld item(s) unresolved\n",
			num(doc, "problem_count"), o->unresolved);
		o->matched = num(doc, "matched");
		print_kinds(json_object_get(doc, "kinds"));
	} else {
		print_problem(stdout, doc);
		o->shown++;
	}
	json_decref(doc);
	return 0;
}

/* A non-negative integer option, or -1 with a usage error. */
static int opt_count(cli_ctx *ctx, const cli_args *a, const char *name,
	int64_t *out)
{
	const char *v = cli_opt_value(ctx, a, name);
	char what[32];
	long long n;

	*out = 0;
	if (!v)
		return 0;
	snprintf(what, sizeof(what), "--%s", name);
	/* (cli_parse_int() takes whole numbers, 0 or more.) */
	if (cli_parse_int(ctx, v, what, &n) < 0)
		return -1;
	*out = (int64_t)n;
	return 0;
}

static int run_preview(cli_ctx *ctx, const cli_args *a)
{
	ferry_preview_filter f = FERRY_PREVIEW_FILTER_INIT;
	preview_out o;
	int64_t id;
	int error;

	if (parse_id(ctx, a->pos[0], &id) < 0 ||
	    opt_count(ctx, a, "limit", &f.limit) < 0 ||
	    opt_count(ctx, a, "offset", &f.offset) < 0)
		return CLI_EXIT_USAGE;
	f.severity = cli_opt_value(ctx, a, "severity");
	f.kind = cli_opt_value(ctx, a, "kind");
	f.entity = cli_opt_value(ctx, a, "entity");
	memset(&o, 0, sizeof(o));
	o.json = ctx->json;
	o.id = (long long)id;
	error = ferry_import_preview_each_filtered(ctx->db, id, &f,
		print_preview_part, &o);
	if (error < 0) {
		if (o.opened)
			fputs("]}\n", stdout);
		return cli_fail(ctx, error);
	}
	if (o.json)
		fputs("]}\n", stdout);
	else if ((long long)o.shown < o.matched)
		printf("(%zu of %lld matching problem(s) shown; see --limit "
			"and --offset)\n", o.shown, o.matched);
	if (!o.json && o.unresolved)
		printf("see a record's fields: ferry import diff %lld ITEM; "
			"answer with: ferry import resolve %lld "
			"accept|skip|clear ITEM... | --all, or merge ITEM "
			"PATCH\n", o.id, o.id);
	else if (!o.json)
		printf("next: ferry import commit %lld\n", o.id);
	return o.unresolved ? CLI_EXIT_UNRESOLVED : CLI_EXIT_OK;
}

/* ---- resolve ------------------------------------------------------------- */

/* A JSON array of item numbers as "3, 5, 9". */
static void print_items(json_t *items)
{
	json_t *v;
	size_t i;

	json_array_foreach(items, i, v)
		printf("%s%lld", i ? ", " : "", (long long)json_integer_value(v));
}

static void human_resolve(json_t *doc)
{
	json_t *left = json_object_get(doc, "left_items");
	json_t *unresolved = json_object_get(doc, "unresolved_items");

	printf("import %lld: %lld item(s) resolved with %s", num(doc, "id"),
		num(doc, "resolved"), str(doc, "resolution"));
	if (json_array_size(left)) {
		printf(", %lld left (accept cannot answer them: see their "
			"problems in 'ferry import preview %lld'): ",
			num(doc, "left"), num(doc, "id"));
		print_items(left);
	}
	printf("; %lld item(s) unresolved", num(doc, "unresolved"));
	if (json_array_size(unresolved)) {
		fputs(": ", stdout);
		print_items(unresolved);
	}
	putchar('\n');
}

static int run_resolve(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id, *items = NULL;
	const char *how = a->pos[1];
	int all = cli_opt_set(ctx, a, "all"), whole = cli_opt_set(ctx, a,
		"whole"), error, i, n = a->npos - 2, rc;
	long long v;
	json_t *doc;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	if (whole && strcmp(how, "accept") != 0)
		return cli_usage_error(ctx, "--whole goes with accept");
	if (!strcmp(how, "merge")) {
		if (all || n != 2)
			return cli_usage_error(ctx, "merge takes one ITEM and "
				"a PATCH: a JSON object of the fields you "
				"decide, e.g. '{\"name\":\"Ann\"}'");
		if (cli_parse_int(ctx, a->pos[2], "ITEM", &v) < 0)
			return CLI_EXIT_USAGE;
		if ((error = ferry_import_merge(ctx->db, id, (int64_t)v,
		    a->pos[3])) < 0)
			return cli_fail(ctx, error);
		return cli_done(ctx, "item %lld of import %lld: the patch "
			"decides its fields, the three-way merge the rest "
			"(see 'ferry import diff %lld %lld')", v, (long long)id,
			(long long)id, v);
	}
	if (strcmp(how, "accept") != 0 && strcmp(how, "skip") != 0 &&
	    strcmp(how, "clear") != 0)
		return cli_usage_error(ctx, "resolve with accept, skip, clear "
			"or merge, not '%s'", how);
	if (all && !strcmp(how, "clear"))
		return cli_usage_error(ctx, "clear takes ITEMs, not --all");
	if (all == (n > 0))
		return cli_usage_error(ctx, "name the ITEMs to %s, or --all",
			how);
	if (n > 0 && (items = calloc((size_t)n, sizeof(*items))) == NULL) {
		fputs("ferry: out of memory\n", stderr);
		return CLI_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (cli_parse_int(ctx, a->pos[i + 2], "ITEM", &v) < 0) {
			free(items);
			return CLI_EXIT_USAGE;
		}
		items[i] = (int64_t)v;
	}
	error = ferry_import_resolve(&out, ctx->db, id, whole ?
		"accept_whole" : how, items, (size_t)n);
	free(items);
	if (error < 0)
		return cli_fail(ctx, error);
	/* --all that leaves items unresolved exits 3. */
	doc = json_loadb(out.ptr, out.size, 0, NULL);
	v = num(doc, "unresolved");
	json_decref(doc);
	rc = print_doc(ctx, &out, human_resolve);
	return rc == CLI_EXIT_OK && all && v > 0 ? CLI_EXIT_UNRESOLVED : rc;
}

/* ---- diff ---------------------------------------------------------------- */

#define DIFF_CUT 24		/* characters of a value shown without --full */

static int diff_full;

/* A value for the diff's table: JSON text, cut with "..." unless --full
 * (counting characters, not bytes). */
static char *diff_value(json_t *v)
{
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	size_t i, chars = 0;

	if (!t || diff_full)
		return t;
	for (i = 0; t[i]; i++) {
		if (((unsigned char)t[i] & 0xc0) != 0x80 && chars++ ==
		    DIFF_CUT - 3) {
			/* Cut only a value longer than the cut: the marker
			 * then fits in the bytes it replaces. */
			if (strlen(t + i) > 3)
				memcpy(t + i, "...", 4);
			break;
		}
	}
	return t;
}

/* Display width of UTF-8 text (one column a character). */
static size_t cols_of(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		n += ((unsigned char)*t & 0xc0) != 0x80;
	return n;
}

static void print_cell(const char *t, size_t width, int last)
{
	size_t n = cols_of(t);

	fputs(t, stdout);
	if (last)
		putchar('\n');
	else
		printf("%*s", (int)(width - n + 2), "");
}

static void human_diff_item(json_t *it)
{
	static const char *const head[] = { "field", "base", "target",
		"package", "merge" };
	json_t *fields = json_object_get(it, "fields"), *f;
	const char *res = str(it, "resolution");
	size_t w[5], i, k, n = json_array_size(fields);
	char *(*cells)[5];

	printf("item %lld  %s %s %s  (%s", num(it, "item"), str(it, "type"),
		str(it, "entity"), str(it, "key"), str(it, "action"));
	if (strcmp(res, "-") != 0)
		printf(", resolved: %s", res);
	if (!json_is_true(json_object_get(it, "target_exists")))
		fputs(", not in the target", stdout);
	if (!json_is_true(json_object_get(it, "has_base")))
		fputs(", no base values", stdout);
	puts(")");
	if ((cells = calloc(n ? n : 1, sizeof(*cells))) == NULL)
		return;
	for (k = 0; k < 5; k++)
		w[k] = strlen(head[k]);
	json_array_foreach(fields, i, f) {
		const char *ext = json_string_value(json_object_get(f,
			"external_name"));
		size_t len = strlen(str(f, "name")) + 1 + (ext ?
			strlen(ext) + 3 : 0);

		/* A renamed field shows its external name too. */
		if ((cells[i][0] = malloc(len)) != NULL)
			snprintf(cells[i][0], len, ext ? "%s (%s)" : "%s",
				str(f, "name"), ext);
		cells[i][1] = diff_value(json_object_get(f, "base"));
		cells[i][2] = diff_value(json_object_get(f, "target"));
		cells[i][3] = diff_value(json_object_get(f, "package"));
		cells[i][4] = strdup(json_is_true(json_object_get(f,
			"conflict")) ? "CONFLICT" : str(f, "merge"));
		for (k = 0; k < 5; k++)
			if (cells[i][k] && cols_of(cells[i][k]) > w[k])
				w[k] = cols_of(cells[i][k]);
	}
	fputs("  ", stdout);
	for (k = 0; k < 5; k++)
		print_cell(head[k], w[k], k == 4);
	for (i = 0; i < n; i++) {
		fputs("  ", stdout);
		for (k = 0; k < 5; k++) {
			print_cell(cells[i][k] ? cells[i][k] : "-", w[k],
				k == 4);
			free(cells[i][k]);
		}
	}
	free(cells);
}

static void human_diff(json_t *doc)
{
	json_t *items = json_object_get(doc, "items"), *it;
	size_t i;

	if (!json_array_size(items))
		puts("no record of the target is changed by this import");
	json_array_foreach(items, i, it) {
		if (i)
			putchar('\n');
		human_diff_item(it);
	}
}

static int run_diff(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id, *items = NULL;
	int i, n = a->npos - 1, error;
	long long v;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	diff_full = cli_opt_set(ctx, a, "full");
	if (n > 0 && (items = calloc((size_t)n, sizeof(*items))) == NULL) {
		fputs("ferry: out of memory\n", stderr);
		return CLI_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (cli_parse_int(ctx, a->pos[i + 1], "ITEM", &v) < 0) {
			free(items);
			return CLI_EXIT_USAGE;
		}
		items[i] = (int64_t)v;
	}
	error = ferry_import_diff(&out, ctx->db, id, items, (size_t)n);
	free(items);
	if (error < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_diff);
}

/* ---- discard ------------------------------------------------------------- */

static void human_discard(json_t *doc)
{
	printf("discarded import %lld and its %lld staged item(s)\n",
		num(doc, "id"), num(doc, "items"));
}

static int run_discard(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;
	int error;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_import_discard(&out, ctx->db, id)) < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_discard);
}

/* ---- commit -------------------------------------------------------------- */

static void human_commit(json_t *doc)
{
	json_t *o = json_object_get(doc, "outcomes");
	json_t *backup = json_object_get(doc, "backup");

	printf("committed import %lld: %lld inserted, %lld updated, %lld "
		"merged, %lld deleted, %lld skipped\n", num(doc, "id"),
		num(o, "inserted"), num(o, "updated"), num(o, "merged"),
		num(o, "deleted"), num(o, "skipped"));
	if (json_is_string(backup))
		printf("backup: %s\n", json_string_value(backup));
}

static int run_commit(cli_ctx *ctx, const cli_args *a)
{
	ferry_commit_options o = FERRY_COMMIT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;
	int error;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	o.no_backup = cli_opt_set(ctx, a, "no-backup");
	if ((error = ferry_import_commit(&out, ctx->db, id, &o)) < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_commit);
}

/* ---- backout ------------------------------------------------------------- */

static void human_backout(json_t *doc)
{
	json_t *problems = json_object_get(doc, "problems");

	printf("backed out import %lld: %lld record(s) restored, %zu "
		"note(s)\n", num(doc, "id"), num(doc, "restored"),
		json_array_size(problems));
	print_problems(stdout, problems);
}

static int run_backout(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;
	int error;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_import_backout(&out, ctx->db, id)) < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_backout);
}

/* ---- list and show ------------------------------------------------------- */

static void human_list(json_t *doc)
{
	json_t *row;
	size_t i;

	printf("%-4s  %-10s  %-7s  %-12s  %-20s  %s\n", "id", "state", "items",
		"stamp", "loaded_at", "pack");
	json_array_foreach(doc, i, row)
		printf("%-4lld  %-10s  %-7lld  %-12.12s  %-20s  %s\n",
			num(row, "id"), str(row, "state"), num(row, "items"),
			str(row, "stamp"), str(row, "loaded_at"),
			str(json_object_get(row, "pack"), "name"));
}

static int run_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int error;

	(void)a;
	if ((error = ferry_import_list(&out, ctx->db)) < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_list);
}

static void human_show(json_t *doc)
{
	static const char *const keys[] = { "id", "state", "stamp", "mode",
		"file", "loaded_by", "loaded_at", "committed_by",
		"committed_at", "backup", "backed_out_at", NULL };
	static const char *const cols[] = { "item", "type", "name", "action",
		"resolution", "outcome", "problems", NULL };
	/* The name of a record item holds its sys_id. */
	static const char *const whole[] = { "name", NULL };
	json_t *items = json_object_get(doc, "items"), *it;
	size_t i;

	/* What each item is about: an entity's record, or a definition's
	 * name (an entity, entity.field, a declared schema's entity). */
	json_array_foreach(items, i, it) {
		const char *type = str(it, "type"), *key = str(it, "key");
		char *name = NULL;

		if (!strcmp(type, "record") || !strcmp(type, "object")) {
			size_t len = strlen(str(it, "entity")) + strlen(key) +
				2;

			if ((name = malloc(len)) != NULL)
				snprintf(name, len, "%s %s", str(it, "entity"),
					key);
		} else {
			name = strdup(!strcmp(type, "schema") ? str(it,
				"entity") : key);
		}
		if (name)
			json_object_set_new(it, "name", json_string(name));
		free(name);
	}
	cli_fields(doc, keys);
	printf("pack: %s\n", str(json_object_get(doc, "pack"), "name"));
	puts("");
	cli_table_whole(json_object_get(doc, "items"), cols, whole);
}

static int run_show(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t id;
	int error;

	if (parse_id(ctx, a->pos[0], &id) < 0)
		return CLI_EXIT_USAGE;
	if ((error = ferry_import_show(&out, ctx->db, id)) < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_show);
}

/* ---- apply --------------------------------------------------------------- */

static void human_apply(json_t *doc)
{
	json_t *msg = json_object_get(json_object_get(doc, "load"),
		"message");

	if (json_is_string(msg))
		puts(json_string_value(msg));
	if (num(doc, "resolved"))
		printf("%lld item(s) resolved automatically\n",
			num(doc, "resolved"));
	human_commit(json_object_get(doc, "commit"));
}

static int run_apply(cli_ctx *ctx, const cli_args *a)
{
	ferry_apply_options o = FERRY_APPLY_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	const char *how = cli_opt_value(ctx, a, "on-conflict");
	int error;

	if (how && !strcmp(how, "skip"))
		o.on_conflict = FERRY_CONFLICT_SKIP;
	else if (how && !strcmp(how, "accept"))
		o.on_conflict = FERRY_CONFLICT_ACCEPT;
	else if (how && strcmp(how, "fail") != 0)
		return cli_usage_error(ctx, "--on-conflict takes fail, skip or "
			"accept, not '%s'", how);
	o.no_backup = cli_opt_set(ctx, a, "no-backup");
	error = ferry_import_apply(&out, ctx->db, a->pos[0], &o);
	if (out.ptr) {
		/* The load's warnings (an unsigned package, say). */
		json_t *doc = json_loadb(out.ptr, out.size, 0, NULL);

		cli_warnings(json_object_get(doc, "load"));
		json_decref(doc);
	}
	if (error == FERRY_EUNRESOLVED && out.ptr) {
		/* The problems go with the refusal: on stderr for people,
		 * as the document on stdout with --json. */
		json_t *doc = json_loadb(out.ptr, out.size, 0, NULL);
		json_t *preview = json_object_get(doc, "preview");

		if (ctx->json)
			printf("%s\n", out.ptr);
		else
			print_problems(stderr, json_object_get(preview,
				"problems"));
		json_decref(doc);
		ferry_buf_dispose(&out);
	}
	if (error < 0)
		return cli_fail(ctx, error);
	return print_doc(ctx, &out, human_apply);
}

/* ---- the table ----------------------------------------------------------- */

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

static const cli_opt preview_opts[] = {
	{ "severity", "S", "only problems of this severity (error, warning, "
	  "info)" },
	{ "kind", "K", "only problems of this kind" },
	{ "entity", "E", "only problems of this entity's items" },
	{ "limit", "N", "list at most N problems" },
	{ "offset", "N", "skip the first N problems" },
	{ NULL, NULL, NULL }
};

static const cli_opt resolve_opts[] = {
	{ "all", NULL, "every item with an error or a warning (exit 3 if "
	  "some stay unresolved)" },
	{ "whole", NULL, "with accept: the package's whole record, not only "
	  "its conflicting fields" },
	{ NULL, NULL, NULL }
};

static const cli_opt diff_opts[] = {
	{ "full", NULL, "show long values whole" },
	{ NULL, NULL, NULL }
};

static const cli_opt commit_opts[] = {
	{ "no-backup", NULL, "do not back the instance up first" },
	{ NULL, NULL, NULL }
};

static const cli_opt apply_opts[] = {
	{ "on-conflict", "fail|skip|accept", "what to do with unresolved "
	  "problems (default: fail, exit 3)" },
	{ "no-backup", NULL, "do not back the instance up first" },
	{ NULL, NULL, NULL }
};

const cli_command cli_import_commands[] = {
	{ "import load", "FILE|DIR.cmpack", "verify a .sop package, a "
	  "ServiceNow update set or an Aptify pack folder and stage it (no "
	  "live data changes); prints its import id", no_opts, 1, 1, 1,
	  run_load },
	{ "import preview", "ID [--severity S] [--kind K] [--entity E] "
	  "[--limit N] [--offset N]", "decide what every item does and list "
	  "its problems, counted by kind first (exit 3 while some are "
	  "unresolved)", preview_opts, 1, 1, 1, run_preview },
	{ "import diff", "ID [ITEM...] [--full]", "show base, target and "
	  "package values of every field of records the import changes, and "
	  "which conflict", diff_opts, 1, -1, 1, run_diff },
	{ "import resolve", "ID (accept [--whole]|skip|clear) (ITEM... | "
	  "--all) | ID merge ITEM PATCH", "answer problems: the package wins "
	  "the conflicting fields (--whole: its whole record), keep the "
	  "target's, decide fields by hand, or back to unresolved",
	  resolve_opts, 2, -1, 1, run_resolve },
	{ "import commit", "ID [--no-backup]", "back up, then apply the "
	  "import in one transaction (exit 3 while problems are unresolved)",
	  commit_opts, 1, 1, 1, run_commit },
	{ "import backout", "ID", "restore every record a committed import "
	  "touched to its version before the import", no_opts, 1, 1, 1,
	  run_backout },
	{ "import discard", "ID", "drop a loading, loaded or previewed import "
	  "and its staged items", no_opts, 1, 1, 1, run_discard },
	{ "import list", "", "list imports", no_opts, 0, 0, 1, run_list },
	{ "import show", "ID", "show an import and what it did with each "
	  "item", no_opts, 1, 1, 1, run_show },
	{ "import apply", "FILE [--on-conflict fail|skip|accept] "
	  "[--no-backup]", "load, preview, resolve and commit in one step",
	  apply_opts, 1, 1, 1, run_apply },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
