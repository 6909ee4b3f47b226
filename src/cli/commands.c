/*
 * commands.c - the command table: every command group once, and the
 * global options.  main.c finds commands here and help.c describes them.
 */
#include "cli.h"

#include <stddef.h>

const cli_command *const cli_tables[] = {
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
	cli_backup_commands,
	NULL
};

/* Accepted anywhere on the line, before or after the command; a
 * command's own option of the same name wins after the command. */
const cli_opt cli_global_opts[] = {
	{ "db", "PATH", "the instance (or FERRY_DB)" },
	{ "user", "NAME", "who acts (or FERRY_USER; default: the first "
	  "admin)" },
	{ "json", NULL, "machine output on stdout; errors as "
	  "{\"error\":{\"code\",\"message\"}} on stderr" },
	{ "help", NULL, "this help; 'ferry COMMAND --help' for one command" },
	{ "version", NULL, "the version and the libraries ferry uses" },
	{ NULL, NULL, NULL }
};
