/*
 * tmpfile.c - temporary files moved into place (see tmpfile.h).
 *
 * The registry is a fixed array of slots, so that the signal handler
 * reads only memory that is never freed under it: a name is put in a
 * slot before the file exists and taken out after the file is gone or
 * renamed.  A process holds a handful at a time (one export, one
 * backup); beyond the slots a file is simply not remembered.
 */
#include "tmpfile.h"

#include "alloc.h"
#include "str.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 16

static char *volatile slots[SLOTS];

static void remember(char *name)
{
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (!slots[i]) {
			slots[i] = name;
			return;
		}
}

static void forget(const char *name)
{
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i] == name)
			slots[i] = NULL;
}

void ferry_tmpfile_cleanup(void)
{
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i])
			unlink(slots[i]);
}

int ferry_tmpfile_create(const char *path, mode_t mode, char **tmp)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789";
	ferry_str name = FERRY_STR_INIT;
	unsigned char rnd[6];
	int attempt, fd = -EEXIST;
	size_t i;
	char *copy;

	*tmp = NULL;
	if (sodium_init() < 0)
		return -ENOMEM;
	for (attempt = 0; attempt < 100 && fd == -EEXIST; attempt++) {
		randombytes_buf(rnd, sizeof(rnd));
		ferry_str_clear(&name);
		ferry_str_printf(&name, "%s.tmp-", path);
		for (i = 0; i < sizeof(rnd); i++)
			ferry_str_putc(&name, set[rnd[i] % (sizeof(set) - 1)]);
		if (ferry_str_failed(&name) ||
		    (copy = ferry__strdup(name.ptr)) == NULL) {
			fd = -ENOMEM;
			break;
		}
		remember(copy);
		fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0) {
			*tmp = copy;
		} else {
			fd = -errno;
			forget(copy);
			ferry__free(copy);
		}
	}
	ferry_str_dispose(&name);
	return fd;
}

void ferry_tmpfile_discard(char **tmp)
{
	if (!*tmp)
		return;
	unlink(*tmp);
	forget(*tmp);
	ferry__free(*tmp);
	*tmp = NULL;
}

void ferry_tmpfile_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = ferry__strdup(".");
	else
		dir = ferry__strndup(path,
			slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	ferry__free(dir);
}

int ferry_tmpfile_publish(char **tmp, const char *path, int overwrite)
{
	struct stat st;

	if (overwrite) {
		if (rename(*tmp, path) < 0)
			return -errno;
	} else if (link(*tmp, path) == 0) {
		unlink(*tmp);
	} else if (errno == EPERM || errno == ENOTSUP ||
		   errno == EOPNOTSUPP || errno == ENOSYS) {
		if (lstat(path, &st) == 0)
			return -EEXIST;
		if (rename(*tmp, path) < 0)
			return -errno;
	} else {
		return -errno;
	}
	forget(*tmp);
	ferry__free(*tmp);
	*tmp = NULL;
	ferry_tmpfile_sync_dir(path);
	return 0;
}
