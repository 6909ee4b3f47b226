/*
 * ferry-on-postgres - ferry, with every instance file moved to PostgreSQL:
 * the CLI scenarios (the .bats files of tests/cli) run on the PostgreSQL
 * store with this program as FERRY_BIN (tests/pg/run-suite;
 * docs/testing.md).
 *
 *   FERRY_PG_REAL_BIN=build/ferry ferry-on-postgres ARGS...
 *   ferry-on-postgres --database PATH   the database of PATH
 *
 * It runs the real binary after replacing each instance location that is
 * a file path -- `--db PATH`, `--db=PATH` and FERRY_DB -- by
 * postgresql:///ferry_<hash of the absolute path>: one database per
 * instance file, made by `ferry init`, on the server libpq finds through
 * PGHOST/PGPORT/PGUSER.  What a file gives for free is given back, so
 * that a scenario sees the same bytes as on SQLite and fails only where
 * the stores differ:
 *  - the output names the location as the scenario wrote it: each
 *    database's address is written back as the path on stdout when it is
 *    a pipe and on stderr when it is a pipe or a file (what a scenario
 *    reads: `run --separate-stderr` keeps stderr in a file); otherwise
 *    (stdout to a file, a terminal, /dev/null, /dev/full) ferry's own
 *    bytes go straight out, so that ferry itself meets a full disk or a
 *    terminal;
 *  - `init` without --name names the instance after the file's base name,
 *    as on SQLite;
 *  - the signing key file is "<path>.key" unless FERRY_KEY_FILE says;
 *  - the backups are "<path>.backup-<time>.db" beside the path unless
 *    FERRY_BACKUP_PREFIX says (a PostgreSQL instance's are otherwise
 *    named after its database, in the current folder).
 * Each database it names is listed in $BATS_TEST_TMPDIR/.ferry-pg-databases
 * (or FERRY_PG_DATABASES) so that the test's teardown can drop it.
 * TERM, INT, HUP and QUIT are passed on to ferry; ferry's exit status, or
 * the signal that ended it, is this program's.
 *
 * It is C, not a script, because the suite runs ferry some 15,000 times
 * a pass: a script's start and its relay cost about 40 ms a run.  It is
 * built without the sanitizers for the same reason (tests/CMakeLists.txt).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MOVED 8

static const char *real;
/* address -> the path as the scenario wrote it */
static struct {
	char uri[64];
	const char *path;
} moved_to[MAX_MOVED];
static int n_moved;

static void die(const char *what)
{
	fprintf(stderr, "ferry-on-postgres: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* The absolute path of a file that may not exist yet: its folder
 * resolved (symbolic links, ..), its name as given. */
static char *absolute(const char *p)
{
	char cwd[PATH_MAX], dir[PATH_MAX], res[PATH_MAX], *out, *slash;
	const char *base;
	size_t n;

	if (p[0] == '/') {
		out = strdup(p);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			die("getcwd");
		if (asprintf(&out, "%s/%s", cwd, p) < 0)
			die("out of memory");
	}
	if (!out)
		die("out of memory");
	slash = strrchr(out, '/');
	base = slash + 1;
	n = (size_t)(slash - out);
	if (n >= sizeof(dir))
		return out;
	memcpy(dir, out, n);
	dir[n] = '\0';
	if (n == 0)
		strcpy(dir, "/");
	if (!realpath(dir, res))
		return out;
	{
		char *r;

		if (asprintf(&r, "%s/%s", strcmp(res, "/") ? res : "",
		    base) < 0)
			die("out of memory");
		free(out);
		return r;
	}
}

/* ferry_ and 16 hex digits of a 64-bit FNV-1a hash of the absolute
 * path: names a test's instance apart from every other's. */
static void database(char out[24], const char *path)
{
	char *abs = absolute(path);
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *c;

	for (c = (const unsigned char *)abs; *c; c++) {
		h ^= *c;
		h *= 0x100000001b3ULL;
	}
	free(abs);
	snprintf(out, 24, "ferry_%016llx", (unsigned long long)h);
}

static void note_database(const char *name)
{
	const char *list = getenv("FERRY_PG_DATABASES");
	char *owned = NULL;
	FILE *f;

	if (!list || !*list) {
		const char *tmp = getenv("BATS_TEST_TMPDIR");

		if (!tmp || asprintf(&owned, "%s/.ferry-pg-databases",
		    tmp) < 0)
			return;
		list = owned;
	}
	if ((f = fopen(list, "a")) != NULL) {
		fprintf(f, "%s\n", name);
		fclose(f);
	}
	free(owned);
}

/* A scheme such as postgresql:// or another that ferry refuses. */
static int is_address(const char *p)
{
	const char *c = p;

	if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
		return 0;
	while (*c && (strchr("+.-", *c) || (*c >= '0' && *c <= '9') ||
	    (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
		c++;
	return strncmp(c, "://", 3) == 0;
}

/* The address of path's database, in uri (64 bytes). */
static void address_of(char *uri, const char *path)
{
	char name[24];

	database(name, path);
	snprintf(uri, 64, "postgresql:///%s", name);
}

/* The moved path's entry, or -1. */
static int moved_index(const char *uri)
{
	int i;

	for (i = 0; i < n_moved; i++)
		if (strcmp(moved_to[i].uri, uri) == 0)
			return i;
	return -1;
}

/* The location to hand ferry for path: its database's address, noted
 * for the output and the teardown. */
static const char *moved(const char *path)
{
	char uri[64];
	int i;

	if (*path == '\0' || is_address(path))
		return path;
	address_of(uri, path);
	if ((i = moved_index(uri)) < 0) {
		if (n_moved == MAX_MOVED) {
			fprintf(stderr, "ferry-on-postgres: too many "
				"instances\n");
			exit(125);
		}
		note_database(uri + strlen("postgresql:///"));
		strcpy(moved_to[n_moved].uri, uri);
		i = n_moved++;
	}
	moved_to[i].path = path;
	return moved_to[i].uri;
}

static int is_moved(const char *path)
{
	char uri[64];

	if (*path == '\0' || is_address(path))
		return 0;
	address_of(uri, path);
	return moved_index(uri) >= 0;
}

/* ---- the output, addresses written back as paths ---- */

typedef struct {
	int in, out;
	char *buf;
	size_t len, cap;
	int dead;
} stream;

static const char *write_failed;

static void put(stream *s, const char *p, size_t n)
{
	while (n && !s->dead) {
		ssize_t w = write(s->out, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed = strerror(errno);
			s->dead = 1;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Write n bytes of text with every address replaced by its path. */
static void emit(stream *s, const char *text, size_t n)
{
	size_t i = 0, from = 0;
	int k;

	while (i < n) {
		for (k = 0; k < n_moved; k++) {
			size_t l = strlen(moved_to[k].uri);

			if (l <= n - i && memcmp(text + i, moved_to[k].uri,
			    l) == 0)
				break;
		}
		if (k == n_moved) {
			i++;
			continue;
		}
		put(s, text + from, i - from);
		put(s, moved_to[k].path, strlen(moved_to[k].path));
		i += strlen(moved_to[k].uri);
		from = i;
	}
	put(s, text + from, n - from);
}

/* The longest tail of the buffer that may begin an address: kept back
 * until more comes. */
static size_t held(const stream *s)
{
	size_t best = 0, l, max;
	int k;

	for (k = 0; k < n_moved; k++) {
		max = strlen(moved_to[k].uri) - 1;
		if (max > s->len)
			max = s->len;
		for (l = max; l > best; l--)
			if (memcmp(s->buf + s->len - l, moved_to[k].uri,
			    l) == 0) {
				best = l;
				break;
			}
	}
	return best;
}

/* Read what is there; 0 at the end. */
static int relay(stream *s)
{
	char chunk[65536];
	ssize_t r;
	size_t keep;

	do
		r = read(s->in, chunk, sizeof(chunk));
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		emit(s, s->buf, s->len);
		s->len = 0;
		return 0;
	}
	if (s->len + (size_t)r > s->cap) {
		s->cap = s->len + (size_t)r;
		if ((s->buf = realloc(s->buf, s->cap)) == NULL)
			die("out of memory");
	}
	memcpy(s->buf + s->len, chunk, (size_t)r);
	s->len += (size_t)r;
	keep = held(s);
	emit(s, s->buf, s->len - keep);
	memmove(s->buf, s->buf + s->len - keep, keep);
	s->len = keep;
	return 1;
}

/* stdout only when a pipe; stderr when a pipe or a file. */
static int rewritable(int fd, int files, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return 0;
	return S_ISFIFO(st->st_mode) || (files && S_ISREG(st->st_mode));
}

static volatile pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
	const char *db_arg = NULL, *env_db, *first, *command = NULL;
	char **args, name_opt[] = "--name";
	struct stat so, se;
	int out_rw, err_rw, same, po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	int i, n = 0, ended = 0, has_name = 0, status, dashes = -1;
	stream streams[2];
	int n_streams = 0;
	pid_t got;

	if (argc == 3 && strcmp(argv[1], "--database") == 0) {
		char name[24];

		database(name, argv[2]);
		printf("%s\n", name);
		return 0;
	}
	real = getenv("FERRY_PG_REAL_BIN");
	if (!real || access(real, X_OK) != 0) {
		fprintf(stderr, "ferry-on-postgres: set FERRY_PG_REAL_BIN "
			"to the ferry binary\n");
		return 125;
	}
	if ((args = calloc((size_t)argc + 4, sizeof(*args))) == NULL)
		die("out of memory");
	args[n++] = (char *)real;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (ended) {
			args[n++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			ended = 1;
			dashes = n;
			args[n++] = argv[i];
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			db_arg = argv[++i];
			args[n++] = argv[i - 1];
			args[n++] = (char *)moved(db_arg);
		} else if (strncmp(a, "--db=", 5) == 0) {
			char *opt;

			db_arg = a + 5;
			if (asprintf(&opt, "--db=%s", moved(db_arg)) < 0)
				die("out of memory");
			args[n++] = opt;
		} else if (strcmp(a, "--user") == 0 && i + 1 < argc) {
			args[n++] = argv[i];
			args[n++] = argv[++i];
		} else {
			if (strcmp(a, "--name") == 0 ||
			    strncmp(a, "--name=", 7) == 0)
				has_name = 1;
			if (!command && a[0] != '-')
				command = a;
			args[n++] = argv[i];
		}
	}
	env_db = getenv("FERRY_DB");
	if (env_db && *env_db)
		setenv("FERRY_DB", moved(env_db), 1);
	else
		env_db = NULL;
	first = db_arg ? db_arg : env_db;

	if (n_moved == 0) {
		argv[0] = (char *)real;
		execv(real, argv);
		die(real);
	}
	if (first && is_moved(first)) {
		const char *key = getenv("FERRY_KEY_FILE");
		const char *prefix = getenv("FERRY_BACKUP_PREFIX");

		if (command && strcmp(command, "init") == 0 && !has_name) {
			const char *base = strrchr(first, '/');
			int at = dashes >= 0 ? dashes : n;

			base = base ? base + 1 : first;
			memmove(&args[at + 2], &args[at],
				(size_t)(n - at) * sizeof(*args));
			args[at] = name_opt;
			args[at + 1] = (char *)base;
			n += 2;
		}
		if (!key || !*key) {
			char *k;

			if (asprintf(&k, "%s.key", first) < 0)
				die("out of memory");
			setenv("FERRY_KEY_FILE", k, 1);
			free(k);
		}
		if (!prefix || !*prefix)
			setenv("FERRY_BACKUP_PREFIX", first, 1);
	}
	args[n] = NULL;

	out_rw = rewritable(1, 0, &so);
	err_rw = rewritable(2, 1, &se);
	same = out_rw && err_rw && so.st_dev == se.st_dev &&
		so.st_ino == se.st_ino;
	if (!out_rw && !err_rw) {
		execv(real, args);
		die(real);
	}
	if (out_rw && pipe(po) < 0)
		die("pipe");
	if (err_rw && !same && pipe(pe) < 0)
		die("pipe");
	for (i = 0; i < 4; i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = pass_on;
		sigaction(sigs[i], &sa, NULL);
	}
	/* (a caught signal is reset to its default by exec) */
	if ((child = fork()) < 0)
		die("fork");
	if (child == 0) {
		if (out_rw) {
			dup2(po[1], 1);
			if (same)
				dup2(po[1], 2);
		}
		if (err_rw && !same)
			dup2(pe[1], 2);
		for (i = 0; i < 2; i++) {
			if (po[i] >= 0)
				close(po[i]);
			if (pe[i] >= 0)
				close(pe[i]);
		}
		execv(real, args);
		die(real);
	}
	if (out_rw) {
		close(po[1]);
		streams[n_streams++] = (stream){ po[0], 1, NULL, 0, 0, 0 };
	}
	if (err_rw && !same) {
		close(pe[1]);
		streams[n_streams++] = (stream){ pe[0], 2, NULL, 0, 0, 0 };
	}
	while (n_streams > 0) {
		struct pollfd pf[2];

		for (i = 0; i < n_streams; i++)
			pf[i] = (struct pollfd){ streams[i].in, POLLIN, 0 };
		if (poll(pf, (nfds_t)n_streams, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (i = n_streams - 1; i >= 0; i--) {
			if (!pf[i].revents)
				continue;
			if (!relay(&streams[i])) {
				close(streams[i].in);
				free(streams[i].buf);
				streams[i] = streams[--n_streams];
			}
		}
	}
	do
		got = waitpid(child, &status, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		die("waitpid");
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		signal(sig, SIG_DFL);
		for (i = 0; i < 4; i++)
			signal(sigs[i], SIG_DFL);
		kill(getpid(), sig);
		return 128 + sig;
	}
	if (write_failed && WEXITSTATUS(status) == 0) {
		fprintf(stderr, "ferry: cannot write the output: %s\n",
			write_failed);
		return 1;
	}
	return WEXITSTATUS(status);
}
