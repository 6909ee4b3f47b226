/*
 * backups.c - the PostgreSQL store's backups: a backup is pg_dump's
 * custom-format archive of the instance's schema "ferry", written beside
 * the path the library names; reading one without changing anything
 * (pg_restore reads it whole, then the instance's id, name and schema
 * version from its data); restoring one over the instance in one
 * transaction (docs/postgresql.md).
 */
#include "tools.h"

#include "../errors.h"
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first bytes of a pg_dump archive and of an SQLite database. */
#define PG_ARCHIVE_MAGIC "PGDMP"
#define SQLITE_MAGIC "SQLite format 3"

/*
 * The backup is written by pg_dump under a temporary name, private
 * (it holds password hashes), and moved into place only when complete,
 * so a kill never leaves a partial backup.  pg_dump reads one snapshot
 * of the instance while it stays open for others.
 */
int ferry_pg__backup(ferry_db *db, const char *path)
{
	ferry_str why = FERRY_STR_INIT;
	const char *args[] = { "--format=custom", "--schema=" PG_SCHEMA,
		NULL };
	ferry_pg_tool t;
	struct stat sb;
	char *tmp = NULL;
	int fd, rc, error;

	if (stat(path, &sb) == 0)
		return ferry_store__backup_exists(db, path);
	if ((fd = ferry_tmpfile_create(path, 0600, &tmp)) < 0) {
		ferry_str_puts(&why, strerror(-fd));
		goto fail;
	}
	/* The archive goes to pg_dump's standard output, the file: no path
	 * on its command line (a location's may hold a password). */
	error = ferry_pg__tool_start(db, &t, "pg_dump", args, -1, fd, 1);
	if (error < 0) {
		close(fd);
		goto done;
	}
	rc = ferry_pg__tool_wait(&t, &why);
	if (rc == 0 && fsync(fd) < 0)
		ferry_str_puts(&why, strerror(errno)), rc = -1;
	close(fd);
	if (rc < 0)
		goto fail;
	if ((rc = ferry_tmpfile_publish(&tmp, path, 0)) < 0) {
		ferry_str_puts(&why, strerror(-rc));
		goto fail;
	}
	error = 0;
	goto done;
fail:
	error = ferry_store__backup_unwritable(db, path,
		ferry_str_failed(&why) ? "out of memory" :
		ferry_str_cstr(&why));
done:
	ferry_tmpfile_discard(&tmp);
	ferry_str_dispose(&why);
	return error;
}

/* ---- reading a backup --------------------------------------------------- */

/* The kind of file at path by its first bytes: 1 a pg_dump archive, 0
 * an empty file, -1 anything else; an SQLite file is refused here. */
static int archive_kind(ferry_db *db, const char *path, int *archive)
{
	char head[16] = { 0 };
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ferry__error(db, FERRY_EIO, "cannot open %s: %s", path,
			strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return ferry__error(db, FERRY_EIO, "cannot read %s: %s", path,
			strerror(errno));
	if (!memcmp(head, SQLITE_MAGIC, sizeof(SQLITE_MAGIC)))
		return ferry__error(db, FERRY_EFORMAT, "%s is a backup of an "
			"instance on SQLite; an instance on PostgreSQL restores "
			"its own backups (pg_dump archives): restore a file "
			"that 'ferry backup list' shows", path);
	*archive = !memcmp(head, PG_ARCHIVE_MAGIC, 5) ? 1 : n == 0 ? 0 : -1;
	return 0;
}

static int not_instance(ferry_db *db, const char *path)
{
	return ferry_store__not_backup(db, path);
}

/* A pipe whose ends children do not inherit (but as the descriptor
 * they are given). */
static int cloexec_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Run pg_restore with args; its standard output into out (NULL: none).
 * -1 with why set when it fails. */
static int run_restore(ferry_db *db, const char *const *args, ferry_str *out,
	ferry_str *why, int *failed)
{
	ferry_pg_tool t;
	char buf[8192];
	int fds[2] = { -1, -1 }, error;
	ssize_t n;

	*failed = 0;
	if (out && cloexec_pipe(fds) < 0)
		return ferry__error(db, FERRY_EIO, "cannot run pg_restore: %s",
			strerror(errno));
	error = ferry_pg__tool_start(db, &t, "pg_restore", args, -1, fds[1],
		0);
	if (fds[1] >= 0)
		close(fds[1]);
	if (error < 0)
		goto done;
	while (out && (n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		ferry_str_put(out, buf, (size_t)n);
	}
	if (fds[0] >= 0)
		close(fds[0]), fds[0] = -1;
	*failed = ferry_pg__tool_wait(&t, why) < 0;
	if (out && ferry_str_failed(out))
		error = ferry__oom(db);
done:
	if (fds[0] >= 0)
		close(fds[0]);
	return error;
}

/*
 * The first data row of table in pg_restore's script, copied into line:
 * its tab-separated fields, unescaped, in fields[0..n-1].  0, or -1
 * when the script has no such row.
 */
static int copy_row(const char *script, const char *table, ferry_str *line,
	char **fields, int n)
{
	ferry_str head = FERRY_STR_INIT;
	const char *p, *end;
	char *f;
	int i, rc = -1;

	ferry_str_printf(&head, "\nCOPY " PG_SCHEMA ".%s ", table);
	if (ferry_str_failed(&head))
		goto done;
	if ((p = strstr(script, head.ptr)) == NULL ||
	    (p = strchr(p + 1, '\n')) == NULL)
		goto done;
	p++;
	if ((end = strchr(p, '\n')) == NULL || !strncmp(p, "\\.\n", 3))
		goto done;
	ferry_str_put(line, p, (size_t)(end - p));
	if (ferry_str_failed(line))
		goto done;
	for (i = 0, f = line->ptr; i < n; i++) {
		fields[i] = f;
		if ((f = strchr(f, '\t')) != NULL)
			*f++ = '\0';
		else if (i < n - 1)
			goto done;
		(void)ferry_pg__copy_unescape(fields[i]);
	}
	rc = 0;
done:
	ferry_str_dispose(&head);
	return rc;
}

/*
 * Is path a whole pg_dump archive?  As on SQLite, an empty file is no
 * instance and other bytes are a damaged backup; pg_restore then reads
 * every part of the archive, which finds a cut-off or damaged copy
 * (SQLite's quick check).
 */
static int whole_archive(ferry_db *db, const char *path)
{
	const char *args[] = { "--file=/dev/null", path, NULL };
	ferry_str why = FERRY_STR_INIT;
	int error, archive = 0, failed = 0;

	if ((error = archive_kind(db, path, &archive)) < 0)
		return error;
	if (archive == 0)
		return not_instance(db, path);
	if (archive < 0)
		ferry_str_puts(&why, "not a pg_dump archive");
	else if ((error = run_restore(db, args, NULL, &why, &failed)) < 0)
		goto done;
	if (archive < 0 || failed)
		error = ferry_store__backup_damaged(db, path,
			ferry_str_cstr(&why));
done:
	ferry_str_dispose(&why);
	return error;
}

int ferry_pg__backup_inspect(ferry_db *db, const char *path,
	ferry_backup_info *out)
{
	const char *data[] = { "--file=-", "--data-only", "--schema="
		PG_SCHEMA, "--table=ferry_instance", "--table=ferry_schema",
		path, NULL };
	ferry_str why = FERRY_STR_INIT, script = FERRY_STR_INIT,
		row1 = FERRY_STR_INIT, row2 = FERRY_STR_INIT;
	char *instance[3], *version[1];
	int error, failed;

	memset(out, 0, sizeof(*out));
	if ((error = whole_archive(db, path)) < 0)
		goto done;
	ferry_str_init(&script, (size_t)1 << 20);
	if ((error = run_restore(db, data, &script, &why, &failed)) < 0)
		goto done;
	if (failed || !script.ptr ||
	    copy_row(script.ptr, "ferry_instance", &row1, instance, 3) < 0 ||
	    copy_row(script.ptr, "ferry_schema", &row2, version, 1) < 0) {
		error = not_instance(db, path);
		goto done;
	}
	snprintf(out->id, sizeof(out->id), "%.39s", instance[0]);
	snprintf(out->name, sizeof(out->name), "%.207s", instance[1]);
	out->schema_version = (int)strtol(version[0], NULL, 10);
done:
	ferry_str_dispose(&why);
	ferry_str_dispose(&script);
	ferry_str_dispose(&row1);
	ferry_str_dispose(&row2);
	return error;
}

/* ---- restoring ---------------------------------------------------------- */

/*
 * What psql runs around the archive's script.  The old change count is
 * kept so that the restored instance counts on from the higher of the
 * two: other connections then see a change (data_version).  COMMIT is
 * sent only once pg_restore has written its whole script: if it fails,
 * or ferry dies, psql meets the end of its input inside the transaction
 * and the server rolls it back.
 */
#define RESTORE_BEFORE \
	"\\set ON_ERROR_STOP 1\n" \
	"BEGIN;\n" \
	"SET LOCAL client_min_messages = warning;\n" \
	"CREATE TEMP TABLE ferry_restore_change AS SELECT n FROM " \
	PG_SCHEMA ".ferry_change;\n" \
	"DROP SCHEMA " PG_SCHEMA " CASCADE;\n"
#define RESTORE_AFTER \
	"UPDATE " PG_SCHEMA ".ferry_change SET n = GREATEST(n, (SELECT n " \
	"FROM pg_temp.ferry_restore_change)) + 1;\n" \
	"COMMIT;\n"

/* Write all of buf to a socket; no SIGPIPE when psql has gone. */
static int send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Feed pg_restore's script (from) to psql (to) between the statements
 * above.  1 when all of it went through, 0 when pg_restore failed (why
 * says why), -1 when psql stopped taking it.
 */
static int pump(int from, int to, ferry_pg_tool *restore, ferry_str *why)
{
	char buf[65536];
	ssize_t n;
	int sent = send_all(to, RESTORE_BEFORE, strlen(RESTORE_BEFORE)) == 0;
	int failed;

	while (sent && (n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sent = send_all(to, buf, (size_t)n) == 0;
	}
	close(from);
	failed = ferry_pg__tool_wait(restore, why) < 0;
	if (!sent)
		return -1;
	if (failed)
		return 0;
	return send_all(to, RESTORE_AFTER, strlen(RESTORE_AFTER)) == 0 ? 1 :
		-1;
}

/*
 * Replace the schema "ferry" with the archive's in one transaction of
 * psql's, while this connection holds the writer's lock (so ferry's
 * writers wait) and touches no table (so psql's DROP waits for no one
 * here).  Then bring the restored schema up to date, as on SQLite.
 */
int ferry_pg__restore(ferry_db *db, const char *path)
{
	const char *restore_args[] = { "--file=-", "--no-owner", path, NULL };
	const char *psql_args[] = { "--no-psqlrc", "--quiet", "--file=-",
		NULL };
	ferry_str why = FERRY_STR_INIT, psql_why = FERRY_STR_INIT;
	ferry_pg_tool restore = { 0 }, psql = { 0 };
	int script[2] = { -1, -1 }, feed[2] = { -1, -1 };
	int error, pumped, psql_failed;

	if ((error = ferry_pg__begin(db)) < 0)
		return error;
	if (cloexec_pipe(script) < 0 || socketpair(AF_UNIX, SOCK_STREAM |
	    SOCK_CLOEXEC, 0, feed) < 0) {
		error = ferry__error(db, FERRY_EIO, "cannot restore %s: %s",
			path, strerror(errno));
		goto done;
	}
	if ((error = ferry_pg__tool_start(db, &psql, "psql", psql_args,
	    feed[1], -1, 1)) < 0)
		goto done;
	close(feed[1]), feed[1] = -1;
	if ((error = ferry_pg__tool_start(db, &restore, "pg_restore",
	    restore_args, -1, script[1], 0)) < 0) {
		close(feed[0]), feed[0] = -1;
		ferry_pg__tool_wait(&psql, NULL);
		goto done;
	}
	close(script[1]), script[1] = -1;
	pumped = pump(script[0], feed[0], &restore, &why);
	script[0] = -1;
	close(feed[0]), feed[0] = -1;
	psql_failed = ferry_pg__tool_wait(&psql, &psql_why) < 0;
	/* The first to fail says why: a pg_restore that stopped leaves psql
	 * a cut script, a psql that stopped leaves pg_restore no reader. */
	if (pumped == 0)
		error = ferry__error(db, FERRY_EFORMAT, "cannot restore %s: %s; "
			"the instance is unchanged", path, ferry_str_cstr(&why));
	else if (psql_failed || pumped < 0)
		error = ferry__error(db, FERRY_ERROR, "cannot restore %s: %s; "
			"the instance is unchanged", path, psql_why.size ?
			ferry_str_cstr(&psql_why) : "psql stopped reading it");
	else
		/* A backup made by an older ferry is brought up to date. */
		error = ferry_pg__bring_up_to_date(db);
done:
	if (script[0] >= 0)
		close(script[0]);
	if (script[1] >= 0)
		close(script[1]);
	if (feed[0] >= 0)
		close(feed[0]);
	if (feed[1] >= 0)
		close(feed[1]);
	ferry_str_dispose(&why);
	ferry_str_dispose(&psql_why);
	return ferry_pg__end(db, error);
}
