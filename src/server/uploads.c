/*
 * uploads.c - request bodies that are files (.sop packages, entity packs)
 * stream to a private folder under <instance dir>/.ferry-serve, never
 * whole in memory, and are removed once their work is done.  A client's
 * file name is reduced to one safe name inside that folder, so no name
 * can reach outside it.
 */
#include "server.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void srv_safe_name(char *out, size_t size, const char *name,
	const char *suffix)
{
	const char *base = name ? name : "";
	const char *p, *end = base + strlen(base);
	size_t n = 0, sl = suffix ? strlen(suffix) : 0, k;

	/* Only the last segment, whichever separator a client used. */
	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == '.')
		base++;
	/* Control characters and bytes that are not UTF-8 become '_': the
	 * name is shown in JSON documents, which hold only UTF-8. */
	for (p = base; *p && n + sl + 1 < size; p += k) {
		k = ferry_utf8_seq(p, (size_t)(end - p));
		if (k > 1 && n + k + sl + 1 < size) {
			memcpy(out + n, p, k);
			n += k;
			continue;
		}
		k = k ? k : 1;
		out[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ||
			(unsigned char)*p >= 0x80 ? '_' : *p;
	}
	if (n == 0)
		n = (size_t)snprintf(out, size - sl, "upload");
	out[n] = '\0';
	if (sl && (n < sl || strcmp(out + n - sl, suffix) != 0))
		snprintf(out + n, size - n, "%s", suffix);
}

char *srv_make_dir(srv *s, const char *prefix)
{
	size_t len = strlen(srv_work_dir(s)) + strlen(prefix) + 9;
	char *dir = malloc(len);

	if (!dir)
		return NULL;
	snprintf(dir, len, "%s/%sXXXXXX", srv_work_dir(s), prefix);
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

void srv_remove_tree(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char path[4096];

	if (!dir || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int srv_upload_begin(srv_req *r)
{
	const char *name = srv_query(r, "name");
	char safe[256];
	size_t len;

	if (!name)
		name = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
			"X-File-Name");
	srv_safe_name(safe, sizeof(safe), name ? name : "upload.sop", ".sop");
	if ((r->upload_dir = srv_make_dir(r->s, "upload-")) == NULL)
		goto fail;
	len = strlen(r->upload_dir) + strlen(safe) + 2;
	if ((r->upload_path = malloc(len)) == NULL)
		goto fail;
	snprintf(r->upload_path, len, "%s/%s", r->upload_dir, safe);
	r->upload_fd = open(r->upload_path, O_WRONLY | O_CREAT | O_EXCL |
		O_CLOEXEC, 0600);
	if (r->upload_fd < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "ferry serve: cannot store an upload under %s: %s\n",
		srv_work_dir(r->s), strerror(errno));
	srv_upload_remove(r);
	return srv_reply_error(r, 500, "internal", "internal error");
}

int srv_upload_write(srv_req *r, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(r->upload_fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "ferry serve: writing an upload: %s\n",
				strerror(errno));
			return -1;
		}
		data += n;
		len -= (size_t)n;
		r->upload_size += (uint64_t)n;
	}
	return 0;
}

void srv_upload_finish(srv_req *r)
{
	if (r->upload_fd >= 0) {
		close(r->upload_fd);
		r->upload_fd = -1;
	}
}

void srv_upload_remove(srv_req *r)
{
	srv_upload_finish(r);
	if (r->upload_path)
		unlink(r->upload_path);
	if (r->upload_dir)
		srv_remove_tree(r->upload_dir);
	free(r->upload_path);
	free(r->upload_dir);
	r->upload_path = r->upload_dir = NULL;
}
