/*
 * cmd_entitypack.c - ferry entity pack|unpack: entity packs (seed 002),
 * one .sop file per entity with its fields and associated objects,
 * unpacked into another instance with the safe merge rules.
 * Reference: docs/cli/entity-pack.md.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* "a, b" from a JSON array of strings ("-" when empty); caller frees. */
static char *joined(json_t *arr)
{
	size_t i, len = 2, at = 0;
	json_t *v;
	char *s;

	json_array_foreach(arr, i, v)
		len += json_string_length(v) + 2;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	json_array_foreach(arr, i, v) {
		size_t n = json_string_length(v);

		if (i) {
			memcpy(s + at, ", ", 2);
			at += 2;
		}
		if (n)
			memcpy(s + at, json_string_value(v), n);
		at += n;
	}
	if (!at)
		s[at++] = '-';
	s[at] = '\0';
	return s;
}

static void human_pack(json_t *doc)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(doc, "packs"), i, p) {
		json_t *deps = json_object_get(p, "depends");
		json_int_t nf = json_integer_value(json_object_get(p,
			"fields"));
		json_int_t no = json_integer_value(json_object_get(p,
			"objects"));
		char *d = joined(deps);

		printf("%s  (%" JSON_INTEGER_FORMAT " field%s, %"
			JSON_INTEGER_FORMAT " object%s",
			cli_text(json_object_get(p, "path")), nf,
			nf == 1 ? "" : "s", no, no == 1 ? "" : "s");
		if (json_array_size(deps))
			printf(", depends on %s", d ? d : "");
		puts(")");
		free(d);
	}
}

static int run_pack(cli_ctx *ctx, const cli_args *a)
{
	ferry_entity_pack_options o = FERRY_ENTITY_PACK_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	const char *dir = cli_opt_value(ctx, a, "dir");

	if (!dir)
		return cli_usage_error(ctx, "name the folder for the pack "
			"files with --dir DIR");
	o.sign = cli_opt_set(ctx, a, "sign");
	return cli_show(ctx, ferry_entity_pack_v2(&out, ctx->db, a->pos,
		(size_t)a->npos, dir, &o), &out, human_pack);
}

static void human_list(json_t *doc)
{
	static const char *const cols[] = { "file", "entity", "fields",
		"objects", "depends", "exists", "valid", "signed", NULL };
	json_t *packs = json_object_get(doc, "packs"), *p;
	size_t i;

	if (!json_array_size(packs)) {
		printf("no entity packs in %s\n",
			cli_text(json_object_get(doc, "dir")));
		return;
	}
	json_array_foreach(packs, i, p) {
		char *d = joined(json_object_get(p, "depends"));
		json_t *sig = json_object_get(p, "signature");

		json_object_set_new(p, "depends", json_string(d ? d : ""));
		free(d);
		/* signed: - (unknown), no, or the key's fingerprint and
		 * whether it is trusted here. */
		json_object_set_new(p, "signed", json_is_null(sig) ?
			json_null() : !json_is_true(json_object_get(sig,
			"signed")) ? json_false() : json_sprintf("%s%s",
			cli_text(json_object_get(sig, "fingerprint")),
			json_is_true(json_object_get(sig, "trusted")) ?
			" (trusted)" : " (untrusted)"));
	}
	cli_table(packs, cols);
	json_array_foreach(packs, i, p)
		if (json_is_string(json_object_get(p, "problem")))
			printf("\n%s", cli_text(json_object_get(p, "problem")));
	json_array_foreach(packs, i, p)
		if (json_is_string(json_object_get(p, "problem"))) {
			puts("");
			break;
		}
}

static void human_unpack(json_t *doc)
{
	json_t *e, *f, *backup = json_object_get(doc, "backup");
	size_t i, j;

	if (json_is_string(backup))
		printf("backup: %s\n", json_string_value(backup));
	else
		puts("backup: none (--no-backup)");
	json_array_foreach(json_object_get(doc, "entities"), i, e) {
		printf("\n%s: %s (%s)\n", cli_text(json_object_get(e,
			"entity")), cli_text(json_object_get(e, "action")),
			cli_text(json_object_get(e, "reason")));
		json_array_foreach(json_object_get(e, "fields"), j, f)
			printf("  field %s: %s: %s\n",
				cli_text(json_object_get(f, "field")),
				cli_text(json_object_get(f, "action")),
				cli_text(json_object_get(f, "reason")));
		json_array_foreach(json_object_get(e, "objects"), j, f)
			printf("  %s \"%s\": %s: %s\n",
				cli_text(json_object_get(f, "entity_object")),
				cli_text(json_object_get(f, "name")),
				cli_text(json_object_get(f, "action")),
				cli_text(json_object_get(f, "reason")));
	}
}

static int run_unpack(cli_ctx *ctx, const cli_args *a)
{
	ferry_unpack_options o = FERRY_UNPACK_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int error;

	o.list_only = cli_opt_set(ctx, a, "list");
	o.select = cli_opt_value(ctx, a, "select");
	o.no_upgrade = cli_opt_set(ctx, a, "no-upgrade");
	o.no_backup = cli_opt_set(ctx, a, "no-backup");
	if (o.list_only && (o.no_upgrade || o.no_backup))
		return cli_usage_error(ctx, "--list only lists; --no-upgrade "
			"and --no-backup go with unpacking");
	error = ferry_entity_unpack(&out, ctx->db, a->pos[0], &o);
	if (error == 0)
		cli_warnings_text(&out);
	return cli_show(ctx, error, &out, o.list_only ? human_list :
		human_unpack);
}

static const cli_opt pack_opts[] = {
	{ "dir", "DIR", "folder for the <entity>.sop files (required; "
	  "existing files are never overwritten)" },
	{ "sign", NULL, "sign each pack with this instance's key ('ferry key "
	  "create')" },
	{ NULL, NULL, NULL }
};

static const cli_opt unpack_opts[] = {
	{ "list", NULL, "only list the packs in DIR (anyone may list)" },
	{ "select", "NAME[,NAME...]", "unpack only these entities "
	  "(default: all packs in DIR)" },
	{ "no-upgrade", NULL, "skip entities that exist already instead of "
	  "merging them" },
	{ "no-backup", NULL, "do not back the instance up first" },
	{ NULL, NULL, NULL }
};

const cli_command cli_entitypack_commands[] = {
	{ "entity pack", "NAME... --dir DIR [--sign]", "write one entity pack "
	  "per "
	  "entity: definition, fields, associated objects", pack_opts, 1, -1,
	  1, run_pack },
	{ "entity unpack", "DIR [--list] [--select NAME[,NAME...]] "
	  "[--no-upgrade] [--no-backup]", "unpack the entity packs of a "
	  "folder, merging existing entities safely (admins)", unpack_opts, 1,
	  1, 1, run_unpack },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
