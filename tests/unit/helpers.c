/*
 * helpers.c - shared fixtures for the cmocka unit tests (see helpers.h).
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/ferry-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

void test_tmpdir_free(char *dir)
{
	char cmd[600];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

const char *test_path(const char *dir, const char *name)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}
