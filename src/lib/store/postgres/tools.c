/*
 * tools.c - running PostgreSQL's client programs for the backups.
 *
 * Debian installs the real programs in /usr/lib/postgresql/<major>/bin
 * and puts on PATH wrappers that choose among them; a program not on
 * PATH is taken from the newest of those folders (a newer pg_dump reads
 * older servers, never the reverse).
 */
#include "tools.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Connection options a child must not inherit: secrets, and settings
 * the programs choose themselves. */
static int skipped_option(const char *keyword)
{
	static const char *const skip[] = { "password", "sslpassword",
		"client_encoding", "application_name",
		"fallback_application_name", "replication", NULL };
	size_t i;

	for (i = 0; skip[i]; i++)
		if (!strcmp(keyword, skip[i]))
			return 1;
	return 0;
}

/* "--dbname=key='value' ..." of the open connection, password left
 * out.  -1 when out of memory. */
static int dbname_arg(ferry_db *db, ferry_str *s)
{
	PQconninfoOption *opts = PQconninfo(PG(db)->conn), *o;
	const char *v;

	ferry_str_puts(s, "--dbname=application_name=ferry");
	for (o = opts; o && o->keyword; o++) {
		if (!o->val || !o->val[0] || skipped_option(o->keyword))
			continue;
		ferry_str_printf(s, " %s='", o->keyword);
		for (v = o->val; *v; v++) {
			if (*v == '\'' || *v == '\\')
				ferry_str_putc(s, '\\');
			ferry_str_putc(s, *v);
		}
		ferry_str_putc(s, '\'');
	}
	PQconninfoFree(opts);
	return opts && !ferry_str_failed(s) ? 0 : -1;
}

/* The environment, with the connection's password as PGPASSWORD when
 * it used one (libpq in the child reads it; ps does not show it). */
static char **child_env(ferry_db *db, int connect, ferry_str *password)
{
	const char *pass = connect &&
		PQconnectionUsedPassword(PG(db)->conn) ?
		PQpass(PG(db)->conn) : NULL;
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n])
		n++;
	if ((env = ferry__calloc(n + 2, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (!(pass && !strncmp(environ[i], "PGPASSWORD=", 11)))
			env[k++] = environ[i];
	if (pass && pass[0]) {
		ferry_str_printf(password, "PGPASSWORD=%s", pass);
		if (ferry_str_failed(password)) {
			ferry__free(env);
			return NULL;
		}
		env[k++] = password->ptr;
	}
	env[k] = NULL;
	return env;
}

/* The newest /usr/lib/postgresql/<major>/bin/name, or NULL. */
static char *versioned(const char *name)
{
	ferry_str pattern = FERRY_STR_INIT;
	const char *best = NULL;
	long best_v = -1;
	glob_t g;
	size_t i;
	char *out = NULL;

	ferry_str_printf(&pattern, "/usr/lib/postgresql/*/bin/%s", name);
	if (ferry_str_failed(&pattern) ||
	    glob(pattern.ptr, 0, NULL, &g) != 0) {
		ferry_str_dispose(&pattern);
		return NULL;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		long v = strtol(g.gl_pathv[i] + 20, NULL, 10);

		if (v > best_v && access(g.gl_pathv[i], X_OK) == 0) {
			best_v = v;
			best = g.gl_pathv[i];
		}
	}
	if (best)
		out = ferry__strdup(best);
	globfree(&g);
	ferry_str_dispose(&pattern);
	return out;
}

/* Route child descriptor `to` from fd, or /dev/null when fd < 0. */
static int route(posix_spawn_file_actions_t *fa, int fd, int to)
{
	if (fd >= 0)
		return posix_spawn_file_actions_adddup2(fa, fd, to);
	return posix_spawn_file_actions_addopen(fa, to, "/dev/null",
		to ? O_WRONLY : O_RDONLY, 0);
}

static int spawn(pid_t *pid, const char *name, char **argv, char **env,
	int in, int out, int err)
{
	posix_spawn_file_actions_t fa;
	char *path;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = route(&fa, in, 0)) == 0 && (rc = route(&fa, out, 1)) == 0)
		rc = route(&fa, err, 2);
	if (rc == 0)
		rc = posix_spawnp(pid, name, &fa, NULL, argv, env);
	if (rc == ENOENT && (path = versioned(name)) != NULL) {
		rc = posix_spawn(pid, path, &fa, NULL, argv, env);
		ferry__free(path);
	}
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

int ferry_pg__tool_start(ferry_db *db, ferry_pg_tool *t, const char *name,
	const char *const *args, int in, int out, int connect)
{
	ferry_str dbname = FERRY_STR_INIT, password = FERRY_STR_INIT;
	char **argv = NULL, **env = NULL;
	size_t n = 0, i;
	int rc, error = 0;

	t->name = name;
	t->pid = -1;
	if ((t->err = tmpfile()) == NULL)
		return ferry__error(db, FERRY_EIO, "cannot run %s: no "
			"temporary file (%s)", name, strerror(errno));
	while (args[n])
		n++;
	if ((connect && dbname_arg(db, &dbname) < 0) ||
	    (argv = ferry__calloc(n + 3, sizeof(*argv))) == NULL ||
	    (env = child_env(db, connect, &password)) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	argv[0] = (char *)name;
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	if (connect)
		argv[n + 1] = dbname.ptr;
	rc = spawn(&t->pid, name, argv, env, in, out, fileno(t->err));
	if (rc == ENOENT)
		error = ferry__error(db, FERRY_ENOTFOUND, "cannot run %s: it "
			"is not installed (install the PostgreSQL client, "
			"e.g. the package postgresql-client)", name);
	else if (rc != 0)
		error = ferry__error(db, FERRY_EIO, "cannot run %s: %s", name,
			strerror(rc));
done:
	if (error < 0) {
		fclose(t->err);
		t->err = NULL;
		t->pid = -1;
	}
	ferry__free(argv);
	ferry__free(env);
	if (password.ptr)
		explicit_bzero(password.ptr, password.size);
	ferry_str_dispose(&password);
	ferry_str_dispose(&dbname);
	return error;
}

/* Where the reason starts in a line of the program's stderr: after its
 * "error: " or the server's "ERROR:  " / "FATAL:  ", else NULL. */
static const char *error_text(const char *line)
{
	static const char *const marks[] = { "error: ", "ERROR:  ",
		"FATAL:  ", NULL };
	const char *p;
	size_t i;

	for (i = 0; marks[i]; i++)
		if ((p = strstr(line, marks[i])) != NULL)
			return p + strlen(marks[i]);
	return NULL;
}

/* The program's own reason: its first error line, else its first line
 * that is not a notice or a warning. */
static void reason(ferry_pg_tool *t, ferry_str *why)
{
	char line[1024];
	const char *text;
	int have = 0;

	rewind(t->err);
	while (fgets(line, sizeof(line), t->err)) {
		line[strcspn(line, "\n")] = '\0';
		if ((text = error_text(line)) != NULL) {
			ferry_str_clear(why);
			ferry_str_puts(why, text);
			return;
		}
		if (!have && line[0] && !strstr(line, "NOTICE:  ") &&
		    !strstr(line, "WARNING:  ")) {
			ferry_str_puts(why, line);
			have = 1;
		}
	}
}

int ferry_pg__tool_wait(ferry_pg_tool *t, ferry_str *why)
{
	int status = 0, ok;
	pid_t r;

	if (t->pid < 0)
		return -1;
	while ((r = waitpid(t->pid, &status, 0)) < 0 && errno == EINTR)
		;
	ok = r == t->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok && why) {
		ferry_str_clear(why);
		reason(t, why);
		if (!why->size && r == t->pid && WIFSIGNALED(status))
			ferry_str_printf(why, "%s was killed by signal %d",
				t->name, WTERMSIG(status));
		else if (!why->size)
			ferry_str_printf(why, "%s exited with status %d",
				t->name, WIFEXITED(status) ?
				WEXITSTATUS(status) : -1);
	}
	fclose(t->err);
	t->err = NULL;
	t->pid = -1;
	return ok ? 0 : -1;
}
