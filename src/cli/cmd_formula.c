/*
 * cmd_formula.c - the formula commands.
 */
#include "cli.h"

const cli_command cli_formula_commands[] = {
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
