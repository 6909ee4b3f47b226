/*
 * driver.c - ferry-bench-run: times the ferry binary through one
 * promotion, step by step, on the generator's data set.
 *
 *   ferry-bench-run --ferry PATH --floor PATH --data DIR --work DIR
 *                   --out FILE [--target-catalog] [--keep]
 *                   [--psql PATH]
 *
 * With --psql (make bench BENCH_STORE=postgres) the instances live in the
 * PostgreSQL server that the environment names (PGHOST, PGUSER...):
 * databases bench_source and bench_target, dropped and sized with psql,
 * and the floors are taken there too (ferry-bench-floor --pg).
 *
 * The floors (--floor names the ferry-bench-floor program) are measured
 * just before and just after ferry's steps, on the same rows; the ratios
 * use their mean, and both are kept, so a machine that got busier or
 * quieter during the run shows as a spread between the two.
 *
 * Every step is one or more fork/exec of ferry (stdout to a file of the
 * work directory, stderr to work/ferry.log), timed from before the fork
 * to the end of wait4() on CLOCK_MONOTONIC, with the child's peak RSS from
 * wait4's rusage.  The steps:
 *
 *   source     init, `pack create bench --use`, the catalog script; then
 *              timed: `record load` of every entity, `pack complete`,
 *              `pack export`; then the source changes every record again
 *              (`status`, `rev`) in a second pack `bench2`, exported too
 *   empty      a new instance: `import load`, `import preview`,
 *              `import commit --no-backup` of the first package (with
 *              --target-catalog the catalog script runs there first)
 *   populated  the same instance, now at the first package, changes 10% of
 *              the records locally (half a field the second package does
 *              not change: clean merges; half `status`, which it does:
 *              conflicts), then `import load`, `preview`, `resolve accept
 *              --all`, `commit --no-backup` of the second package, and
 *              `import backout`
 *
 * An import command the binary does not have yet (`ferry import X --help`
 * fails) makes its steps "not available"; a step that fails stops the
 * steps that need it.  After each commit and the backout a few records
 * are read back and compared with the generator's files, so a benchmark of
 * an import that silently did nothing cannot pass for a fast one.
 *
 * Unless --keep, the source instance is removed once both packages are
 * written and the target before the closing floors, so the run needs the
 * disk of one instance at a time.  The work directory's size is sampled
 * every 100 ms during every step (WALs come and go within a step).
 * Results, with the floors, go to --out as JSON for ferry-bench-report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define FIXED_NOW "2024-03-01T12:00:00Z"
#define MAX_ARGS 32

enum { ST_NOT_RUN, ST_OK, ST_FAILED, ST_SKIPPED };
static const char *const state_names[] = {
	"not_run", "ok", "failed", "skipped"
};

typedef struct {
	const char *key;	/* stable name in the results */
	const char *label;	/* what the table shows */
	const char *group;	/* source, empty or populated */
	int state;
	double wall;		/* seconds, summed over its runs */
	long rss_kb;		/* the largest peak RSS of its runs */
	uint64_t disk_peak;	/* work directory bytes, sampled */
	uint64_t records;	/* records the step handles */
	int runs;		/* ferry processes */
	int exit_code;		/* of the last run */
	char note[256];
} step;

#define STEP(key, label, group) { key, label, group, ST_NOT_RUN, 0, 0, 0, \
	0, 0, 0, "" }

static step steps[] = {
	STEP("catalog", "catalog script", "source"),
	STEP("record_load", "record load", "source"),
	STEP("pack_complete", "pack complete", "source"),
	STEP("pack_export", "pack export", "source"),
	STEP("record_update", "record load (2nd pack)", "source"),
	STEP("pack_export_2", "pack export (2nd pack)", "source"),
	STEP("empty_load", "import load", "empty"),
	STEP("empty_preview", "import preview", "empty"),
	STEP("empty_commit", "import commit", "empty"),
	STEP("local_changes", "record load (10% local)", "populated"),
	STEP("pop_load", "import load", "populated"),
	STEP("pop_preview", "import preview", "populated"),
	STEP("pop_resolve", "import resolve accept --all", "populated"),
	STEP("pop_commit", "import commit", "populated"),
	STEP("pop_backout", "import backout", "populated"),
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static struct {
	const char *ferry;
	const char *data;
	const char *work;
	int target_catalog;
	int keep;		/* keep the source instance after its exports */
	const char *psql;	/* PostgreSQL store: the psql client */
	json_t *manifest;
	json_t *checks;		/* [{after, ok, detail}] */
	json_t *problems;	/* {empty: {kind: n}, populated: ...} */
	json_t *disk;		/* file sizes in bytes */
	int mismatches;		/* read-back checks that failed */
	uint64_t disk_peak;	/* the work directory's largest size */
	sigset_t old_mask;	/* the mask children get back */
	long own_rss_kb;	/* the driver's largest RSS at a fork */
	char log[4096];
	char errfile[4096];
} g;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ferry-bench-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static step *get_step(const char *key)
{
	size_t i;

	for (i = 0; i < NSTEPS; i++)
		if (!strcmp(steps[i].key, key))
			return &steps[i];
	die("internal: no step %s", key);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void path_in(char *out, size_t n, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
		die("path too long: %s/%s", dir, name);
}

/* Append a file's text to the log; with `show`, also to our stderr. */
static void append_log(const char *path, int show)
{
	FILE *in = fopen(path, "r"), *log = fopen(g.log, "a");
	char buf[4096];
	size_t n;

	while (in && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (log)
			fwrite(buf, 1, n, log);
		if (show)
			fwrite(buf, 1, n, stderr);
	}
	if (in)
		fclose(in);
	if (log)
		fclose(log);
}

static void log_line(const char *fmt, ...)
{
	FILE *log = fopen(g.log, "a");
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
	fclose(log);
}

/* Bytes of the regular files in `dir` and below. */
static uint64_t dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	uint64_t sum = 0;

	while (d && (de = readdir(d)) != NULL) {
		char path[4600];
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			sum += dir_bytes(path);
		else if (S_ISREG(sb.st_mode))
			sum += (uint64_t)sb.st_blocks * 512;
	}
	if (d)
		closedir(d);
	return sum;
}

/*
 * Wait for the child; meanwhile, every 100 ms, note the work directory's
 * size, so the run knows its peak disk use (an instance's WAL grows during
 * a commit and is gone once the process ends).  SIGCHLD is blocked, so
 * its arrival ends the sleep at once and the wall time stays exact.
 */
static void wait_child(pid_t pid, int *status, struct rusage *ru, step *st)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		pid_t r = wait4(pid, status, WNOHANG, ru);
		uint64_t used;

		if (r == pid)
			return;
		if (r < 0 && errno != EINTR)
			die("wait4: %s", strerror(errno));
		used = dir_bytes(g.work);
		if (used > g.disk_peak)
			g.disk_peak = used;
		if (st && used > st->disk_peak)
			st->disk_peak = used;
		if (sigtimedwait(&chld, NULL, &tick) < 0 && errno != EAGAIN &&
		    errno != EINTR)
			die("sigtimedwait: %s", strerror(errno));
	}
}

/*
 * A forked child's peak RSS (ru_maxrss) starts at its parent's RSS: note
 * the driver's own at every fork, so the results show how much of a
 * step's peak could be the driver's.
 */
static void note_own_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, resident;

	if (f && fscanf(f, "%lu %lu", &size, &resident) == 2) {
		long kb = (long)(resident * (unsigned long)sysconf(
			_SC_PAGESIZE) / 1024);

		if (kb > g.own_rss_kb)
			g.own_rss_kb = kb;
	}
	if (f)
		fclose(f);
}

/*
 * Run argv with stdout to `out` (or /dev/null); add its wall time and
 * peak RSS to `st` when given.  Returns its exit code (128 + signal).
 */
static int spawn(step *st, const char *out, char *const argv[])
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int status, i;

	{
		FILE *log = fopen(g.log, "a");

		if (log) {
			fputs("$", log);
			for (i = 0; argv[i]; i++)
				fprintf(log, " %s", argv[i]);
			fputc('\n', log);
			fclose(log);
		}
	}
	fflush(NULL);
	note_own_rss();
	/* Each step, and the floors, start with what ran before them on
	 * disk: the kernel writes a step's dirty pages back for up to 30 s
	 * after it ends, on the next step's time (an empty load of the 1M
	 * package took 21.6 s right after 2.4 GB were written, 18.2 s
	 * after a sync; docs/performance.md, "The fifteenth run").  Not
	 * between the runs of one step: their own write-back is theirs. */
	if (!st || st->runs == 0)
		sync();
	t0 = now();
	if ((pid = fork()) < 0)
		die("cannot fork: %s", strerror(errno));
	if (pid == 0) {
		int fo = open(out ? out : "/dev/null",
			O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int fe = open(g.errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		sigprocmask(SIG_SETMASK, &g.old_mask, NULL);
		if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
			_exit(126);
		close(fo);
		close(fe);
		execv(argv[0], argv);
		_exit(127);
	}
	wait_child(pid, &status, &ru, st);
	t1 = now();
	if (st) {
		st->wall += t1 - t0;
		if (ru.ru_maxrss > st->rss_kb)
			st->rss_kb = ru.ru_maxrss;
		st->runs++;
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
	append_log(g.errfile, 0);
	if (st)
		st->exit_code = status;
	return status;
}

/* Run argv (ferry, --db, DB, --json, then the command); the exit codes
 * that count as success are the bits of ok.  Returns the code, or -1. */
static int run_ferry(step *st, const char *out, unsigned ok, char **argv)
{
	int rc = spawn(st, out, argv);

	if (rc < 32 && (ok & (1u << rc)))
		return rc;
	fprintf(stderr, "ferry-bench-run: '%s' exited %d:\n", argv[4], rc);
	append_log(g.errfile, 1);
	if (st) {
		st->state = ST_FAILED;
		snprintf(st->note, sizeof(st->note), "ferry %s exited %d; "
			"see ferry.log in the work directory", argv[4], rc);
	}
	return -1;
}

/*
 * Run ferry --db DB --json ARGS... (NULL-terminated); stdout to `out`.
 * Exit codes in `ok` (a bit per code) count as success; otherwise the
 * step fails and ferry's stderr is shown.  Returns the exit code, or -1.
 */
static int ferry(step *st, const char *db, const char *out, unsigned ok,
	...)
{
	char *argv[MAX_ARGS];
	va_list ap;
	int n = 0;
	char *a;

	argv[n++] = (char *)g.ferry;
	argv[n++] = "--db";
	argv[n++] = (char *)db;
	argv[n++] = "--json";
	va_start(ap, ok);
	while ((a = va_arg(ap, char *)) != NULL && n < MAX_ARGS - 1)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_ferry(st, out, ok, argv);
}

#define OK0 1u
#define OK03 (1u | (1u << 3))

/* Does this ferry have `import VERB`?  Its --help says so. */
static int has_import(const char *verb)
{
	char *argv[] = { (char *)g.ferry, "import", (char *)verb, "--help",
		NULL };

	return spawn(NULL, NULL, argv) == 0;
}

static json_t *load_json(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, JSON_DECODE_ANY, &err);

	if (!j)
		die("%s: line %d: %s", path, err.line, err.text);
	return j;
}

static void data_path(char *out, size_t n, const char *rel)
{
	path_in(out, n, g.data, rel);
}

static void work_path(char *out, size_t n, const char *name)
{
	path_in(out, n, g.work, name);
}

static uint64_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* The database of a PostgreSQL instance's location. */
static const char *pg_database(const char *location)
{
	return strrchr(location, '/') + 1;
}

/* Run psql -d postgres -Atc SQL (output to out, or nowhere). */
static int psql(const char *sql, const char *out)
{
	char *argv[] = { (char *)g.psql, "-d", "postgres", "-X", "-q", "-At",
		"-v", "ON_ERROR_STOP=1", "-c", (char *)sql, NULL };

	return spawn(NULL, out, argv);
}

static void remove_db(const char *path)
{
	char aux[4200];

	if (strstr(path, "://")) {
		snprintf(aux, sizeof(aux), "DROP DATABASE IF EXISTS \"%s\"",
			pg_database(path));
		if (psql(aux, NULL) != 0)
			die("cannot drop the database of %s", path);
		return;
	}
	unlink(path);
	snprintf(aux, sizeof(aux), "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	unlink(aux);
}

/* An instance's size on disk: the file and its WAL; on PostgreSQL,
 * its database's. */
static uint64_t db_size(const char *path)
{
	char wal[4200];

	if (strstr(path, "://")) {
		char sql[256], out[4200];
		unsigned long long bytes = 0;
		FILE *f;

		snprintf(sql, sizeof(sql), "SELECT pg_database_size('%s')",
			pg_database(path));
		work_path(out, sizeof(out), "dbsize.txt");
		if (psql(sql, out) == 0 && (f = fopen(out, "r")) != NULL) {
			if (fscanf(f, "%llu", &bytes) != 1)
				bytes = 0;
			fclose(f);
		}
		unlink(out);
		return bytes;
	}
	snprintf(wal, sizeof(wal), "%s-wal", path);
	return file_size(path) + file_size(wal);
}

static void note_disk(const char *key, uint64_t bytes)
{
	json_t *old = json_object_get(g.disk, key);

	if (!old || json_integer_value(old) < (json_int_t)bytes)
		json_object_set_new(g.disk, key,
			json_integer((json_int_t)bytes));
}

/* A package's content uncompressed: its JSON Lines (docs/format.md 2.2),
 * 0 if it cannot be read. */
static uint64_t sop_json_bytes(const char *path)
{
	static char in[1 << 17], out[1 << 17];
	ZSTD_DStream *z = ZSTD_createDStream();
	FILE *f = fopen(path, "rb");
	uint64_t total = 0;
	size_t n, rc = 0;

	if (!f || !z)
		goto done;
	while ((n = fread(in, 1, sizeof(in), f)) > 0) {
		ZSTD_inBuffer ib = { in, n, 0 };

		if (total == 0 && n >= 4 && memcmp(in, "\x28\xb5\x2f\xfd",
		    4) != 0) {
			/* plain: the file is its content */
			total = file_size(path);
			goto done;
		}
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, sizeof(out), 0 };

			rc = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(rc)) {
				total = 0;
				goto done;
			}
			total += ob.pos;
		}
	}
done:
	if (f)
		fclose(f);
	ZSTD_freeDStream(z);
	return total;
}

/* The target's size by part (`ferry info --sizes`, when the binary has
 * it) into the run's disk figures as "<prefix>_<part>". */
static void note_sizes(const char *db, const char *prefix)
{
	char out[4096], key[128];
	json_t *doc, *p;
	size_t i;

	work_path(out, sizeof(out), "out-sizes.json");
	if (ferry(NULL, db, out, OK0 | 6u, "info", "--sizes",
	    NULL) != 0 || (doc = json_load_file(out, 0, NULL)) == NULL)
		return;
	json_array_foreach(json_object_get(doc, "parts"), i, p) {
		snprintf(key, sizeof(key), "%s_%s", prefix, json_string_value(
			json_object_get(p, "part")));
		note_disk(key, (uint64_t)json_integer_value(
			json_object_get(p, "bytes")));
	}
	json_decref(doc);
}

static uint64_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1 << 16];
	size_t n, i;
	uint64_t lines = 0;

	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	fclose(f);
	return lines;
}

/* Does this ferry's `record load` take several ENTITY FILE pairs?  Its
 * --help says so. */
static int loads_pairs(void)
{
	char *argv[] = { (char *)g.ferry, "record", "load", "--help", NULL };
	char out[4096], line[512];
	FILE *f;
	int yes = 0;

	work_path(out, sizeof(out), "out-help.txt");
	if (spawn(NULL, out, argv) != 0 || (f = fopen(out, "r")) == NULL)
		return 0;
	while (!yes && fgets(line, sizeof(line), f))
		yes = strstr(line, "[ENTITY FILE]...") != NULL;
	fclose(f);
	return yes;
}

/*
 * `record load` of one file per entity, in the manifest's order: all of
 * them in one run, one transaction, as the insert floor writes them;
 * with a ferry that loads one file a run, one run per file.
 */
static int load_all(step *st, const char *db, const char *which)
{
	json_t *ents = json_object_get(g.manifest, "entities"), *e;
	size_t i, n = json_array_size(ents), argc = 0;
	char **argv, (*paths)[4096], out[4096];
	int rc = 0, pairs = loads_pairs();

	argv = calloc(2 * n + 8, sizeof(*argv));
	paths = calloc(n ? n : 1, sizeof(*paths));
	if (!argv || !paths)
		die("out of memory");
	argv[argc++] = (char *)g.ferry;
	argv[argc++] = "--db";
	argv[argc++] = (char *)db;
	argv[argc++] = "--json";
	argv[argc++] = "record";
	argv[argc++] = "load";
	work_path(out, sizeof(out), "out-load.json");
	json_array_foreach(ents, i, e) {
		data_path(paths[i], sizeof(paths[i]), json_string_value(
			json_object_get(e, which)));
		st->records += count_lines(paths[i]);
		argv[argc++] = (char *)json_string_value(json_object_get(e,
			"name"));
		argv[argc++] = paths[i];
		if (!pairs) {
			argv[argc] = NULL;
			if ((rc = run_ferry(st, out, OK0, argv)) < 0)
				break;
			argc -= 2;
		}
	}
	if (pairs && rc == 0) {
		argv[argc] = NULL;
		rc = run_ferry(st, out, OK0, argv);
	}
	free(paths);
	free(argv);
	if (rc < 0)
		return -1;
	st->state = ST_OK;
	return 0;
}

static int run_catalog(step *st, const char *db)
{
	char script[4096];
	char *argv[] = { "/bin/sh", script, NULL };

	data_path(script, sizeof(script), "schema.sh");
	setenv("FERRY", g.ferry, 1);
	setenv("FERRY_DB", db, 1);
	if (spawn(st, NULL, argv) != 0) {
		fprintf(stderr, "ferry-bench-run: the catalog script "
			"failed:\n");
		append_log(g.errfile, 1);
		st->state = ST_FAILED;
		snprintf(st->note, sizeof(st->note), "the catalog script "
			"failed; see ferry.log in the work directory");
		unsetenv("FERRY_DB");
		return -1;
	}
	unsetenv("FERRY_DB");
	st->state = ST_OK;
	return 0;
}

/* The first line of a JSON Lines file whose sys_id is `id` (or any,
 * for NULL), parsed; NULL when there is none. */
static json_t *find_line(const char *rel, const char *id)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	json_t *found = NULL;
	FILE *f;

	data_path(path, sizeof(path), rel);
	if ((f = fopen(path, "r")) == NULL)
		die("cannot open %s: %s", path, strerror(errno));
	while (!found && (len = getline(&line, &cap, f)) > 0) {
		if (id && !strstr(line, id))
			continue;
		found = json_loadb(line, (size_t)len, 0, NULL);
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * Read a record back with `ferry record get` and compare the fields of
 * `expect`; the result goes to the checks list.
 */
static void check_record(const char *after, const char *db,
	const char *entity, const char *sys_id, json_t *expect)
{
	char out[4096], detail[1024] = "";
	json_t *got = NULL, *v;
	const char *key;
	int ok = 1;

	work_path(out, sizeof(out), "out-check.json");
	if (ferry(NULL, db, out, OK0, "record", "get", entity, sys_id,
	    NULL) < 0 || (got = json_load_file(out, 0, NULL)) == NULL) {
		ok = 0;
		snprintf(detail, sizeof(detail), "cannot read %s %s back",
			entity, sys_id);
	}
	json_object_foreach(got ? expect : NULL, key, v) {
		json_t *have = json_object_get(got, key);

		if (have && json_equal(have, v))
			continue;
		ok = 0;
		{
			char *w = json_dumps(v, JSON_ENCODE_ANY);
			char *h = have ? json_dumps(have, JSON_ENCODE_ANY) :
				NULL;

			snprintf(detail, sizeof(detail), "%s %s: %s is %s, "
				"expected %s", entity, sys_id, key,
				h ? h : "missing", w ? w : "?");
			free(w);
			free(h);
		}
		break;
	}
	if (ok)
		snprintf(detail, sizeof(detail), "%s %s: %zu fields as "
			"expected", entity, sys_id, json_object_size(expect));
	printf("  check after %s: %s (%s)\n", after, ok ? "ok" : "MISMATCH",
		detail);
	g.mismatches += !ok;
	json_array_append_new(g.checks, json_pack("{s:s, s:b, s:s}", "after",
		after, "ok", ok, "detail", detail));
	json_decref(got);
}

/* Keep only `keys` of a generator line (NULL-terminated). */
static json_t *pick(json_t *line, const char *const *keys)
{
	json_t *o = json_object();

	for (; *keys; keys++) {
		json_t *v = json_object_get(line, *keys);

		if (v)
			json_object_set(o, *keys, v);
	}
	return o;
}

/* The id an `import load --json` printed. */
static int import_id(char *id, size_t n, const char *out)
{
	json_t *j = json_load_file(out, 0, NULL), *v;
	int rc = -1;

	v = json_object_get(j, "id");
	if (json_is_integer(v)) {
		snprintf(id, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		rc = 0;
	} else if (json_is_string(v)) {
		snprintf(id, n, "%s", json_string_value(v));
		rc = 0;
	}
	json_decref(j);
	return rc;
}

/*
 * Count a preview's problems by kind and severity into g.problems.  The
 * document grows with the problems (tens of MB at 1M), so a child parses
 * it: a child's peak RSS starts at its parent's RSS at fork, and the
 * driver's must stay small and flat for the steps after this one.
 */
static void count_problems(const char *group, const char *out, step *st)
{
	char cpath[4096];
	json_t *counts;
	pid_t pid;
	int status;

	work_path(cpath, sizeof(cpath), "problem-counts.json");
	fflush(NULL);
	if ((pid = fork()) < 0)
		die("cannot fork: %s", strerror(errno));
	if (pid == 0) {
		json_t *doc = json_load_file(out, 0, NULL), *p;
		size_t i;

		counts = json_object();
		json_array_foreach(json_object_get(doc, "problems"), i, p) {
			const char *kind = json_string_value(
				json_object_get(p, "kind"));
			const char *sev = json_string_value(
				json_object_get(p, "severity"));
			char key[128];
			json_t *c;

			snprintf(key, sizeof(key), "%s/%s", kind ? kind : "?",
				sev ? sev : "?");
			c = json_object_get(counts, key);
			json_object_set_new(counts, key, json_integer(c ?
				json_integer_value(c) + 1 : 1));
		}
		_exit(json_dump_file(counts, cpath, 0) < 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("cannot count the problems of %s", out);
	counts = load_json(cpath);
	{
		const char *k;
		json_t *v;
		size_t len = 0;

		json_object_foreach(counts, k, v) {
			int w = snprintf(st->note + len, sizeof(st->note) - len,
				"%s%s %" JSON_INTEGER_FORMAT, len ? ", " : "",
				k, json_integer_value(v));

			if (w < 0 || (size_t)w >= sizeof(st->note) - len)
				break;
			len += (size_t)w;
		}
		if (!len)
			snprintf(st->note, sizeof(st->note), "no problems");
	}
	json_object_set_new(g.problems, group, counts);
}

static void print_step(const step *st)
{
	if (st->state == ST_OK)
		printf("  %-10s %-28s %9.3f s  %8.1f MB RSS\n", st->group,
			st->label, st->wall, (double)st->rss_kb / 1024.0);
	else
		printf("  %-10s %-28s %s\n", st->group, st->label,
			*st->note ? st->note : state_names[st->state]);
	fflush(stdout);
}

/*
 * This ferry lacks `import VERB`: that step and every later step of the
 * targets are skipped, and say why.
 */
static int unavailable(const char *verb)
{
	size_t i, vlen = strlen(verb);

	for (i = 0; i < NSTEPS; i++) {
		step *st = &steps[i];
		size_t klen = strlen(st->key);

		if (!strcmp(st->group, "source") || st->state != ST_NOT_RUN)
			continue;
		st->state = ST_SKIPPED;
		if (klen > vlen && st->key[klen - vlen - 1] == '_' &&
		    !strcmp(st->key + klen - vlen, verb))
			snprintf(st->note, sizeof(st->note), "not available: "
				"this ferry has no 'import %s'", verb);
		else
			snprintf(st->note, sizeof(st->note), "skipped: needs "
				"'import %s', not available", verb);
		print_step(st);
	}
	return -1;
}

static const char *const check_base[] = { "name", "description",
	"script", "status", "attrs", "parent", NULL };

/* The source: catalog, records, both packs. */
static int run_source(const char *src, const char *pack1, const char *pack2)
{
	char out[4096];
	step *st;

	work_path(out, sizeof(out), "out-source.json");
	if (ferry(NULL, src, out, OK0, "init", "--name", "bench-source",
	    "--admin", "bench", "--tz", "UTC", NULL) < 0 ||
	    ferry(NULL, src, out, OK0, "pack", "create", "bench",
	    "--description", "benchmark: every record", "--use", NULL) < 0)
		return -1;
	if (run_catalog(get_step("catalog"), src) < 0)
		return -1;
	print_step(get_step("catalog"));
	if (load_all(st = get_step("record_load"), src, "load") < 0)
		return -1;
	print_step(st);
	st = get_step("pack_complete");
	st->records = get_step("record_load")->records;
	if (ferry(st, src, out, OK0, "pack", "complete", "bench", NULL) < 0)
		return -1;
	st->state = ST_OK;
	print_step(st);
	st = get_step("pack_export");
	st->records = get_step("record_load")->records;
	if (ferry(st, src, out, OK0, "pack", "export", "bench", "--output",
	    pack1, NULL) < 0)
		return -1;
	st->state = ST_OK;
	print_step(st);
	note_disk("source_db_after_first_pack", db_size(src));
	note_disk("pack", file_size(pack1));
	note_disk("pack_json", sop_json_bytes(pack1));

	/* The second pack: every record changed again in the source. */
	if (ferry(NULL, src, out, OK0, "pack", "create", "bench2",
	    "--description", "benchmark: status and rev of every record",
	    "--use", NULL) < 0)
		return -1;
	if (load_all(st = get_step("record_update"), src, "update") < 0)
		return -1;
	print_step(st);
	if (ferry(NULL, src, out, OK0, "pack", "complete", "bench2",
	    NULL) < 0)
		return -1;
	st = get_step("pack_export_2");
	st->records = get_step("record_update")->records;
	if (ferry(st, src, out, OK0, "pack", "export", "bench2", "--output",
	    pack2, NULL) < 0)
		return -1;
	st->state = ST_OK;
	print_step(st);
	note_disk("source_db", db_size(src));
	note_disk("pack2", file_size(pack2));
	return 0;
}

/* load + preview (+ resolve) + commit of one package into `db`. */
static int run_import(const char *group, const char *db, const char *pack,
	char *id, size_t idlen)
{
	char out[4096], k_load[32], k_preview[32], k_commit[32];
	const char *pfx = !strcmp(group, "empty") ? "empty" : "pop";
	uint64_t n = get_step("record_load")->records;
	step *st;
	int rc;

	snprintf(k_load, sizeof(k_load), "%s_load", pfx);
	snprintf(k_preview, sizeof(k_preview), "%s_preview", pfx);
	snprintf(k_commit, sizeof(k_commit), "%s_commit", pfx);
	work_path(out, sizeof(out), "out-import.json");

	st = get_step(k_load);
	st->records = n;
	if (ferry(st, db, out, OK0, "import", "load", pack, NULL) < 0)
		return -1;
	if (import_id(id, idlen, out) < 0) {
		st->state = ST_FAILED;
		snprintf(st->note, sizeof(st->note), "no \"id\" in the output "
			"of import load --json");
		print_step(st);
		return -1;
	}
	st->state = ST_OK;
	print_step(st);

	st = get_step(k_preview);
	st->records = n;
	if (!has_import("preview"))
		return unavailable("preview");
	work_path(out, sizeof(out), "out-preview.json");
	if ((rc = ferry(st, db, out, OK03, "import", "preview", id,
	    NULL)) < 0)
		return -1;
	st->state = ST_OK;
	count_problems(group, out, st);
	print_step(st);

	if (!strcmp(pfx, "pop")) {
		st = get_step("pop_resolve");
		st->records = (uint64_t)json_integer_value(json_object_get(
			g.manifest, "local_conflict"));
		if (!has_import("resolve"))
			return unavailable("resolve");
		work_path(out, sizeof(out), "out-resolve.json");
		if (ferry(st, db, out, OK0, "import", "resolve", id, "accept",
		    "--all", NULL) < 0)
			return -1;
		st->state = ST_OK;
		print_step(st);
	} else if (rc == 3) {
		snprintf(st->note + strlen(st->note), sizeof(st->note) -
			strlen(st->note), " (exit 3 on an empty target)");
	}

	st = get_step(k_commit);
	st->records = n;
	if (!has_import("commit"))
		return unavailable("commit");
	work_path(out, sizeof(out), "out-commit.json");
	if (ferry(st, db, out, OK0, "import", "commit", id, "--no-backup",
	    NULL) < 0)
		return -1;
	st->state = ST_OK;
	print_step(st);
	return 0;
}

static int run_targets(const char *tgt, const char *pack1,
	const char *pack2)
{
	json_t *ents = json_object_get(g.manifest, "entities");
	json_t *ent = json_array_get(ents, json_array_size(ents) > 1 ? 1 : 0);
	const char *entity = json_string_value(json_object_get(ent, "name"));
	const char *load = json_string_value(json_object_get(ent, "load"));
	const char *update = json_string_value(json_object_get(ent,
		"update"));
	const char *changes = json_string_value(json_object_get(ent,
		"changes"));
	json_t *base = find_line(load, NULL), *clean = NULL, *conflict = NULL;
	json_t *exp = NULL, *line;
	char out[4096], id[128], cid[40] = "", xid[40] = "";
	const char *status_only[] = { "status", NULL };
	step *st;
	int rc = -1;

	work_path(out, sizeof(out), "out-target.json");
	if (!base)
		die("%s is empty; regenerate the data", load);
	if (ferry(NULL, tgt, out, OK0, "init", "--name", "bench-target",
	    "--admin", "bench", "--tz", "UTC", NULL) < 0)
		goto done;
	if (g.target_catalog) {
		step cat = STEP("target_catalog", "catalog script", "empty");

		if (run_catalog(&cat, tgt) < 0)
			goto done;
	}
	if (!has_import("load")) {
		unavailable("load");
		goto done;
	}
	if (run_import("empty", tgt, pack1, id, sizeof(id)) < 0)
		goto done;
	check_record("empty_commit", tgt, entity, json_string_value(
		json_object_get(base, "sys_id")), exp = pick(base,
		check_base));
	json_decref(exp);
	exp = NULL;
	note_disk("target_db_after_first_import", db_size(tgt));
	note_sizes(tgt, "target_after_first_import");

	/* 10% local changes: the first two lines are a clean one and a
	 * conflicting one (see gen.c). */
	clean = find_line(changes, NULL);
	if (clean)
		snprintf(cid, sizeof(cid), "%s", json_string_value(
			json_object_get(clean, "sys_id")));
	{
		char path[4096], *l = NULL;
		size_t cap = 0;
		FILE *f;

		data_path(path, sizeof(path), changes);
		if ((f = fopen(path, "r")) != NULL) {
			if (getline(&l, &cap, f) > 0 && getline(&l, &cap,
			    f) > 0)
				conflict = json_loads(l, 0, NULL);
			fclose(f);
		}
		free(l);
	}
	if (conflict)
		snprintf(xid, sizeof(xid), "%s", json_string_value(
			json_object_get(conflict, "sys_id")));
	if (load_all(st = get_step("local_changes"), tgt, "changes") < 0)
		goto done;
	print_step(st);

	if (run_import("populated", tgt, pack2, id, sizeof(id)) < 0)
		goto done;
	note_disk("target_db", db_size(tgt));
	if (*cid && (line = find_line(update, cid)) != NULL) {
		exp = pick(line, status_only);
		json_object_set(exp, "note", json_object_get(clean, "note"));
		check_record("pop_commit (clean merge)", tgt, entity, cid,
			exp);
		json_decref(exp);
		json_decref(line);
		exp = NULL;
	}
	if (*xid && (line = find_line(update, xid)) != NULL) {
		exp = pick(line, status_only);
		check_record("pop_commit (conflict accepted)", tgt, entity,
			xid, exp);
		json_decref(exp);
		json_decref(line);
		exp = NULL;
	}

	st = get_step("pop_backout");
	st->records = get_step("record_load")->records;
	if (!has_import("backout")) {
		unavailable("backout");
		goto done;
	}
	work_path(out, sizeof(out), "out-backout.json");
	if (ferry(st, tgt, out, OK0, "import", "backout", id, NULL) < 0)
		goto done;
	st->state = ST_OK;
	print_step(st);
	if (*cid && (line = find_line(load, cid)) != NULL) {
		exp = pick(line, status_only);
		json_object_set(exp, "note", json_object_get(clean, "note"));
		check_record("pop_backout (clean merge)", tgt, entity, cid,
			exp);
		json_decref(exp);
		json_decref(line);
		exp = NULL;
	}
	if (*xid) {
		exp = pick(conflict, status_only);
		check_record("pop_backout (conflict)", tgt, entity, xid, exp);
		json_decref(exp);
		exp = NULL;
	}
	rc = 0;
done:
	note_disk("target_db", db_size(tgt));
	json_decref(base);
	json_decref(clean);
	json_decref(conflict);
	return rc;
}

/* Run ferry-bench-floor on the data set; its results. */
static json_t *measure_floor(const char *bin, const char *name)
{
	char json[4096];
	char *argv[] = { (char *)bin, "--data", (char *)g.data, "--work",
		(char *)g.work, "--json", json, NULL, NULL, NULL };

	work_path(json, sizeof(json), name);
	if (g.psql) {
		psql("DROP DATABASE IF EXISTS bench_floor", NULL);
		if (psql("CREATE DATABASE bench_floor", NULL) != 0)
			die("cannot create the floor's database");
		argv[7] = "--pg";
		argv[8] = "dbname=bench_floor";
	}
	printf("  floors (%s)\n", name);
	fflush(stdout);
	if (spawn(NULL, NULL, argv) != 0) {
		append_log(g.errfile, 1);
		die("the floors could not be measured");
	}
	return load_json(json);
}

/* The floors the ratios use: the mean of before and after. */
static json_t *floor_mean(json_t *before, json_t *after)
{
	json_t *m = json_deep_copy(before), *v;
	const char *key;

	json_object_foreach(before, key, v) {
		size_t len = strlen(key);

		if (len > 2 && !strcmp(key + len - 2, "_s"))
			json_object_set_new(m, key, json_real((
				json_number_value(v) + json_number_value(
				json_object_get(after, key))) / 2));
	}
	return m;
}

static json_t *step_json(const step *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:f, s:I, s:I, s:I, s:i, s:i, "
		"s:s}", "key", st->key, "label", st->label, "group", st->group,
		"state", state_names[st->state], "wall_s", st->wall,
		"rss_kb", (json_int_t)st->rss_kb,
		"disk_peak", (json_int_t)st->disk_peak,
		"records", (json_int_t)st->records, "runs", st->runs,
		"exit", st->exit_code, "note", st->note);
}

static void usage(void)
{
	fputs("usage: ferry-bench-run --ferry PATH --data DIR --work DIR "
		"--floor PATH --out FILE\n"
		"                       [--target-catalog] [--keep] "
		"[--psql PATH]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *floor_bin = NULL, *outfile = NULL;
	json_t *before, *after;
	char src[4096], tgt[4096], pack1[4096], pack2[4096], mpath[4096];
	char loadavg[128] = "";
	json_t *result, *arr;
	size_t i;
	int a;
	FILE *f;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--ferry") && a + 1 < argc)
			g.ferry = argv[++a];
		else if (!strcmp(argv[a], "--data") && a + 1 < argc)
			g.data = argv[++a];
		else if (!strcmp(argv[a], "--work") && a + 1 < argc)
			g.work = argv[++a];
		else if (!strcmp(argv[a], "--floor") && a + 1 < argc)
			floor_bin = argv[++a];
		else if (!strcmp(argv[a], "--out") && a + 1 < argc)
			outfile = argv[++a];
		else if (!strcmp(argv[a], "--target-catalog"))
			g.target_catalog = 1;
		else if (!strcmp(argv[a], "--keep"))
			g.keep = 1;
		else if (!strcmp(argv[a], "--psql") && a + 1 < argc)
			g.psql = argv[++a];
		else
			usage();
	}
	if (!g.ferry || !g.data || !g.work || !floor_bin ||
	    !outfile)
		usage();
	if (access(g.ferry, X_OK) != 0)
		die("%s is not an executable; build ferry first", g.ferry);
	data_path(mpath, sizeof(mpath), "manifest.json");
	g.manifest = load_json(mpath);
	g.checks = json_array();
	g.problems = json_object();
	g.disk = json_object();
	work_path(g.log, sizeof(g.log), "ferry.log");
	work_path(g.errfile, sizeof(g.errfile), "stderr.txt");
	if (g.psql) {
		snprintf(src, sizeof(src), "postgresql:///bench_source");
		snprintf(tgt, sizeof(tgt), "postgresql:///bench_target");
	} else {
		work_path(src, sizeof(src), "source.db");
		work_path(tgt, sizeof(tgt), "target.db");
	}
	work_path(pack1, sizeof(pack1), "bench.sop");
	work_path(pack2, sizeof(pack2), "bench2.sop");
	unlink(g.log);
	remove_db(src);
	remove_db(tgt);
	unlink(pack1);
	unlink(pack2);
	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		double l1, l5, l15;

		if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
			snprintf(loadavg, sizeof(loadavg), "%.2f %.2f %.2f",
				l1, l5, l15);
		fclose(f);
	}
	/* The same clock for every step: the packages come out the same
	 * bytes from the same seed. */
	setenv("FERRY_NOW", FIXED_NOW, 1);
	{
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, &g.old_mask);
	}
	unsetenv("FERRY_USER");
	unsetenv("FERRY_DB");
	log_line("# ferry-bench-run: %s, data %s", g.ferry, g.data);

	before = measure_floor(floor_bin, "floor-before.json");
	if (run_source(src, pack1, pack2) == 0) {
		/* The packages hold all the targets need: the source's disk
		 * space goes back before the target takes its own. */
		if (!g.keep)
			remove_db(src);
		run_targets(tgt, pack1, pack2);
	}
	/* The instances are measured: their space goes back before the
	 * floors take theirs again. */
	if (!g.keep) {
		remove_db(src);
		remove_db(tgt);
		unlink(pack1);
		unlink(pack2);
	}
	after = measure_floor(floor_bin, "floor-after.json");
	for (i = 0; i < NSTEPS; i++)
		if (steps[i].state == ST_NOT_RUN)
			snprintf(steps[i].note, sizeof(steps[i].note),
				"not run: an earlier step failed");

	arr = json_array();
	for (i = 0; i < NSTEPS; i++)
		json_array_append_new(arr, step_json(&steps[i]));
	result = json_pack("{s:O, s:O, s:O, s:s, s:b, s:s, s:o, s:o, s:o, "
		"s:o, s:o}",
		"n", json_object_get(g.manifest, "records"),
		"seed", json_object_get(g.manifest, "seed"),
		"bytes", json_object_get(g.manifest, "bytes"),
		"loadavg", loadavg, "target_catalog", g.target_catalog,
		"ferry", g.ferry,
		"entities", json_integer((json_int_t)json_array_size(
			json_object_get(g.manifest, "entities"))),
		"floor", floor_mean(before, after), "steps", arr,
		"checks", g.checks,
		"problems", g.problems);
	json_object_set_new(g.disk, "data", json_integer((json_int_t)
		dir_bytes(g.data)));
	json_object_set_new(g.disk, "work_peak", json_integer((json_int_t)
		g.disk_peak));
	json_object_set_new(result, "disk", g.disk);
	json_object_set_new(result, "driver_rss_kb", json_integer(
		g.own_rss_kb));
	json_object_set_new(result, "floor_before", before);
	json_object_set_new(result, "floor_after", after);
	if (json_dump_file(result, outfile, JSON_INDENT(1)) < 0)
		die("cannot write %s", outfile);
	json_decref(result);
	json_decref(g.manifest);
	for (i = 0; i < NSTEPS; i++)
		if (steps[i].state == ST_FAILED)
			return 1;
	return g.mismatches ? 1 : 0;
}
