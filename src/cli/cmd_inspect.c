/*
 * cmd_inspect.c - ferry inspect FILE: a package's header, counts, stamp,
 * signature and integrity, without an instance (with one, whether the
 * signer is trusted there).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* A header member as text; a package from elsewhere may lack it. */
static const char *shown(json_t *v)
{
	const char *t = cli_text(v);

	return t ? t : "-";
}

/* "signature: ..." in a line: signed or not, by whom, valid, trusted. */
static void human_signature(json_t *sig)
{
	json_t *trusted = json_object_get(sig, "trusted");

	if (!json_is_object(sig))
		return;
	if (!json_is_true(json_object_get(sig, "signed"))) {
		puts("signature: none (unsigned)");
		return;
	}
	printf("signature: key %s, %s, %s\n", shown(json_object_get(sig,
		"fingerprint")), json_is_true(json_object_get(sig, "valid")) ?
		"valid" : "INVALID", json_is_true(trusted) ? "trusted here" :
		json_is_null(trusted) ? "trust unknown (no instance)" :
		"not trusted here");
	if (json_is_string(json_object_get(sig, "signer")))
		printf("signer: %s\n", cli_text(json_object_get(sig,
			"signer")));
}

static void human_inspect(json_t *doc)
{
	static const char *const keys[] = { "path", "format",
		"format_version", "kind", "mode", "compressed", "exported_by",
		"exported_at", "stamp", "items", "valid", NULL };
	static const char *const cols[] = { "type", "entity", "action",
		"items", NULL };
	json_t *pack = json_object_get(doc, "pack");
	json_t *source = json_object_get(doc, "source");

	cli_fields(doc, keys);
	if (pack)
		printf("pack: %s (id %s, completed %s)\n",
			shown(json_object_get(pack, "name")),
			shown(json_object_get(pack, "id")),
			shown(json_object_get(pack, "completed_at")));
	if (source)
		printf("source: %s (id %s)\n",
			shown(json_object_get(source, "name")),
			shown(json_object_get(source, "id")));
	human_signature(json_object_get(doc, "signature"));
	if (json_array_size(json_object_get(doc, "counts"))) {
		puts("");
		cli_table(json_object_get(doc, "counts"), cols);
	}
}

/*
 * Whether the signer is trusted needs an instance: with --db or FERRY_DB
 * the instance's trust list is read; without one, or if it cannot be
 * opened, inspect still describes the file (trusted is then null).
 */
static int run_inspect(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT, err = FERRY_BUF_INIT;
	char *why = NULL;
	json_t *doc, *sig;
	int error;

	if (ctx->db_path && *ctx->db_path &&
	    ferry_db_open(&ctx->db, ctx->db_path) < 0) {
		why = strdup(ferry_errmsg(ctx->db));
		ferry_db_close(ctx->db);
		ctx->db = NULL;
	}
	error = ferry_inspect_in(&out, &err, ctx->db, a->pos[0]);
	doc = out.ptr ? json_loadb(out.ptr, out.size, 0, NULL) : NULL;
	sig = json_object_get(doc, "signature");
	if (why && json_is_null(json_object_get(sig, "trusted")) &&
	    json_is_true(json_object_get(sig, "signed")))
		cli_warn("cannot tell whether the signer is trusted: %s", why);
	json_decref(doc);
	free(why);
	if (out.ptr)
		cli_print_doc(ctx, &out, human_inspect);
	if (error < 0) {
		char *safe = err.ptr ? cli_escape(err.ptr) : NULL;

		fprintf(stderr, "ferry: %s\n", safe ? safe :
			ferry_strerror(error));
		free(safe);
	}
	ferry_buf_dispose(&out);
	ferry_buf_dispose(&err);
	return error < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_inspect_commands[] = {
	{ "inspect", "FILE", "show a package's header, counts, stamp, "
	  "signature and whether it is intact (no instance needed; with one, "
	  "whether its signer is trusted)", no_opts, 1, 1, 0,
	  run_inspect },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
