/*
 * cmd_entitypack.c - the entitypack commands.
 */
#include "cli.h"

const cli_command cli_entitypack_commands[] = {
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
