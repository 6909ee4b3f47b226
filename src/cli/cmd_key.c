/*
 * cmd_key.c - ferry key create|show and trust add|list|remove: the
 * instance's signing key and the public keys it trusts
 * (docs/cli/key.md, docs/security.md).
 */
#include "cli.h"

static void human_key(json_t *doc)
{
	static const char *const keys[] = { "public_key", "fingerprint",
		"key_file", "created_by", "created_at", NULL };

	cli_fields(doc, keys);
}

static void human_key_created(json_t *doc)
{
	json_t *old = json_object_get(doc, "replaced");

	human_key(doc);
	if (json_is_string(old))
		printf("replaced key %s: instances that trusted it must now "
			"trust the new public key\n", json_string_value(old));
}

static int run_key_create(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_key_create(&out, ctx->db,
		cli_opt_set(ctx, a, "replace")), &out, human_key_created);
}

static int run_key_show(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_key_show(&out, ctx->db), &out, human_key);
}

static void human_trusted(json_t *doc)
{
	printf("trusted %s (key %s)\n", cli_text(json_object_get(doc,
		"name")), cli_text(json_object_get(doc, "fingerprint")));
}

static int run_trust_add(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	return cli_show(ctx, ferry_trust_add(&out, ctx->db, a->pos[0],
		a->pos[1]), &out, human_trusted);
}

static void human_trust_list(json_t *doc)
{
	static const char *const cols[] = { "name", "fingerprint",
		"public_key", "added_by", "added_at", NULL };

	if (!json_array_size(doc)) {
		puts("the trust list is empty");
		return;
	}
	cli_table(doc, cols);
}

static int run_trust_list(cli_ctx *ctx, const cli_args *a)
{
	ferry_buf out = FERRY_BUF_INIT;

	(void)a;
	return cli_show(ctx, ferry_trust_list(&out, ctx->db), &out,
		human_trust_list);
}

static int run_trust_remove(cli_ctx *ctx, const cli_args *a)
{
	int error = ferry_trust_remove(ctx->db, a->pos[0]);

	if (error < 0)
		return cli_fail(ctx, error);
	return cli_done(ctx, "removed %s from the trust list", a->pos[0]);
}

static const cli_opt create_opts[] = {
	{ "replace", NULL, "replace the existing key (rotation): its secret "
	  "key file is overwritten" },
	{ NULL, NULL, NULL }
};

static const cli_opt no_opts[] = { { NULL, NULL, NULL } };

const cli_command cli_key_commands[] = {
	{ "key create", "[--replace]", "create the instance's signing key "
	  "pair; the secret key goes to a private file beside the instance "
	  "(admins)", create_opts, 0, 0, 1, run_key_create },
	{ "key show", "", "show the instance's public key and fingerprint",
	  no_opts, 0, 0, 1, run_key_show },
	{ "trust add", "NAME PUBKEY", "trust packages signed by this public "
	  "key (admins)", no_opts, 2, 2, 1, run_trust_add },
	{ "trust list", "", "list the trusted public keys", no_opts, 0, 0, 1,
	  run_trust_list },
	{ "trust remove", "NAME", "stop trusting a key (admins)", no_opts, 1,
	  1, 1, run_trust_remove },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
