/*
 * cmd_inspect.c - ferry inspect FILE: a package's header, counts, stamp
 * and integrity, without an instance.
 */
#include "cli.h"

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
			cli_text(json_object_get(pack, "name")),
			cli_text(json_object_get(pack, "id")),
			cli_text(json_object_get(pack, "completed_at")));
	if (source)
		printf("source: %s (id %s)\n",
			cli_text(json_object_get(source, "name")),
			cli_text(json_object_get(source, "id")));
	if (json_array_size(json_object_get(doc, "counts"))) {
		puts("");
		cli_table(json_object_get(doc, "counts"), cols);
	}
}

static int run_inspect(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT, err = FERRY_BUF_INIT;
	int error = ferry_inspect(&out, &err, a->pos[0]);

	if (out.ptr)
		cli_print_doc(ctx, &out, human_inspect);
	if (error < 0)
		fprintf(stderr, "ferry: %s\n", err.ptr ? err.ptr :
			ferry_strerror(error));
	ferry_buf_dispose(&out);
	ferry_buf_dispose(&err);
	return error < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_inspect_commands[] = {
	{ "inspect", "FILE", "show a package's header, counts, stamp and "
	  "whether it is intact (no instance needed)", no_opts, 1, 1, 0,
	  run_inspect },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
