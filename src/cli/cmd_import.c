/*
 * cmd_import.c - the import commands.
 */
#include "cli.h"

const cli_command cli_import_commands[] = {
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
