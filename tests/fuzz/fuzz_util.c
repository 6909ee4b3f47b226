/*
 * fuzz_util.c - scratch files for the harnesses (see fuzz_util.h).
 */
#include "fuzz_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[4096];
static char path[4200];

const char *fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s/ferry-fuzz-XXXXXX",
		tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	return dir;
}

const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return NULL;
	while (off < size && (n = write(fd, data + off, size - off)) > 0)
		off += (size_t)n;
	close(fd);
	return off == size ? path : NULL;
}
