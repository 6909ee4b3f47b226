/*
 * fuzz_util.c - scratch files for the harnesses (see fuzz_util.h).
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include "fuzz_util.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[4096];
static char path[4200];

static int remove_one(const char *p, const struct stat *sb, int flag,
	struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

/* At a normal exit (the run's time is up), the scratch folder goes; a
 * crash leaves it for a look. */
static void remove_dir(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s/ferry-fuzz-XXXXXX",
		tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
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
