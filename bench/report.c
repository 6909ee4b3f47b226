/*
 * report.c - ferry-bench-report: one aligned table from the runs of
 * ferry-bench-run, and bench-out/results.json.
 *
 *   ferry-bench-report --out results.json RUN.json [RUN.json...]
 *
 * For each run (one data set size) it prints every step with its wall
 * time, records per second and peak RSS, and the ratios the targets are
 * about, each against a floor measured in the same run:
 *
 *   pack export                          / (scan + zstd -1 + BLAKE2b)  <= 1.5
 *   empty target: load+preview+commit    / keyed insert                <= 2.5
 *   populated: load+preview+commit       / keyed insert                <= 3.0
 *   back out of the populated import     / keyed insert                <= 3.0
 *   source record load (all its runs)    / keyed insert                <= 1.5
 *   target instance after the first import / the package's JSON        <= 2.5
 *   peak RSS of every step, largest N / smallest N                     <= 1.2
 *
 * The ratio targets are set at N = 1,000,000 and judged at the largest N
 * given; the RSS targets need two sizes.  Each target reads PASS or MISS,
 * or n/a when a step it needs did not run.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 8
#define TARGET_N 1000000
#define RSS_LIMIT 1.2

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ferry-bench-report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static json_t *find_step(json_t *run, const char *key)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(run, "steps"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "key")), key))
			return s;
	return NULL;
}

static int step_ok(json_t *s)
{
	return s && !strcmp(json_string_value(json_object_get(s, "state")),
		"ok");
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* The wall time of a sum of steps; < 0 when one did not run. */
static double sum_wall(json_t *run, const char *const *keys)
{
	double t = 0;

	for (; *keys; keys++) {
		json_t *s = find_step(run, *keys);

		if (!step_ok(s))
			return -1;
		t += num(s, "wall_s");
	}
	return t;
}

static const char *const empty_keys[] = { "empty_load", "empty_preview",
	"empty_commit", NULL };
static const char *const pop_keys[] = { "pop_load", "pop_preview",
	"pop_commit", NULL };

/* "1,234,567" */
static const char *grouped(char *buf, size_t n, double v)
{
	char digits[32];
	size_t len, i, o = 0;

	snprintf(digits, sizeof(digits), "%.0f", v);
	len = strlen(digits);
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void row(const char *group, const char *label, double wall,
	double records, double rss_kb, const char *vs)
{
	char rate[32] = "", rss[32] = "-", name[80];

	snprintf(name, sizeof(name), "%s %s", group, label);
	if (records > 0 && wall > 0)
		grouped(rate, sizeof(rate), records / wall);
	if (rss_kb > 0)
		snprintf(rss, sizeof(rss), "%.1f", rss_kb / 1024.0);
	printf("%-44s %9.3f %11s %8s%s%s\n", name, wall, rate, rss,
		*vs ? "  " : "", vs);
}

/* A floor: the mean of before and after, and the two. */
static void floor_row(json_t *run, const char *label, const char *key)
{
	double b = num(json_object_get(run, "floor_before"), key);
	double a = num(json_object_get(run, "floor_after"), key);
	char spread[64];

	snprintf(spread, sizeof(spread), "mean of %.3f before, %.3f after",
		b, a);
	row("floor", label, num(json_object_get(run, "floor"), key),
		num(run, "n"), 0, spread);
}

static void composite(json_t *run, const char *group,
	const char *const *keys, double floor_s, double records)
{
	double t = sum_wall(run, keys);
	char vs[64];

	if (t < 0) {
		printf("%-44s %9s\n", group, "n/a");
		return;
	}
	snprintf(vs, sizeof(vs), "%.2fx insert floor", t / floor_s);
	row(group, "= load + preview + commit", t, records, 0, vs);
}

static void print_run(json_t *run)
{
	json_t *floor = json_object_get(run, "floor"), *s, *c;
	double n = num(run, "n"), ins = num(floor, "insert_s");
	double exp = num(floor, "export_s");
	size_t i, ok = 0, bad = 0;
	char nbuf[32];

	printf("\nN = %s records in %d entities (%.1f MB of JSON Lines, "
		"%.0f bytes a record); load average at start: %s%s\n",
		grouped(nbuf, sizeof(nbuf), n),
		(int)json_integer_value(json_object_get(run, "entities")),
		num(run, "bytes") / 1e6, num(run, "bytes") / n,
		json_string_value(json_object_get(run, "loadavg")),
		json_is_true(json_object_get(run, "target_catalog")) ?
		"; catalog created in the target first" : "");
	printf("%-44s %9s %11s %8s  %s\n", "step", "wall s", "records/s",
		"RSS MB", "ratio");
	floor_row(run, "insert (keyed, 1 txn, WAL)", "insert_s");
	floor_row(run, "insert (no key)", "insert_nokey_s");
	floor_row(run, "scan", "scan_s");
	floor_row(run, "scan + zstd -1 + BLAKE2b", "export_s");
	json_array_foreach(json_object_get(run, "steps"), i, s) {
		const char *key = json_string_value(json_object_get(s, "key"));
		const char *group = json_string_value(json_object_get(s,
			"group"));
		char label[96], vs[300] = "";

		snprintf(label, sizeof(label), "%s",
			json_string_value(json_object_get(s, "label")));
		if (num(s, "runs") > 1)
			snprintf(label + strlen(label), sizeof(label) -
				strlen(label), " (%d runs)", (int)num(s,
				"runs"));
		if (!step_ok(s)) {
			char name[128];

			snprintf(name, sizeof(name), "%s %s", group, label);
			printf("%-44s %9s  %s\n", name, "-",
				json_string_value(json_object_get(s, "note")));
			continue;
		}
		if (!strncmp(key, "pack_export", 11))
			snprintf(vs, sizeof(vs), "%.2fx export floor",
				num(s, "wall_s") / exp);
		else if ((!strncmp(key, "empty_", 6) ||
		    !strncmp(key, "pop_", 4)) && !strstr(key, "resolve"))
			/* Each import step against the insert floor: where
			 * the composite's time goes. */
			snprintf(vs, sizeof(vs), "(%.1fx)%s%s",
				num(s, "wall_s") / ins, strstr(key,
				"preview") ? " " : "", strstr(key, "preview") ?
				json_string_value(json_object_get(s, "note")) :
				"");
		row(group, label, num(s, "wall_s"), num(s, "records"),
			num(s, "rss_kb"), vs);
		if (!strcmp(key, "empty_commit"))
			composite(run, "empty", empty_keys, ins, n);
		if (!strcmp(key, "pop_commit"))
			composite(run, "populated", pop_keys, ins, n);
	}
	json_array_foreach(json_object_get(run, "checks"), i, c) {
		if (json_is_true(json_object_get(c, "ok")))
			ok++;
		else
			bad++;
	}
	printf("(N.Nx): an import step alone against the insert floor.  "
		"A peak RSS includes\nthe driver's at fork, at most %.1f MB "
		"here.\n", num(run, "driver_rss_kb") / 1024.0);
	printf("read-back checks: %zu ok, %zu mismatched\n", ok, bad);
	{
		json_t *d = json_object_get(run, "disk");

		printf("disk: peak %.0f MB (the work directory at its "
			"largest, sampled every 100 ms, + %.0f MB of data);\n"
			"      source instance %.0f MB, target instance %.0f "
			"MB, packages %.0f + %.0f MB\n", (num(d, "work_peak") +
			num(d, "data")) / 1e6, num(d, "data") / 1e6,
			num(d, "source_db") / 1e6, num(d, "target_db") / 1e6,
			num(d, "pack") / 1e6, num(d, "pack2") / 1e6);
		if (num(d, "pack_json") > 0)
			printf("size: target instance after the first import "
				"%.0f MB (file and WAL) = %.2fx the package's "
				"JSON (%.0f MB uncompressed)\n",
				num(d, "target_db_after_first_import") / 1e6,
				num(d, "target_db_after_first_import") /
				num(d, "pack_json"), num(d, "pack_json") / 1e6);
		if (json_object_get(d, "target_after_first_import_free"))
			printf("      of which (ferry info --sizes): records "
				"%.0f MB, versions %.0f MB, import staging %.0f "
				"MB, packs %.0f MB, free %.0f MB\n",
				num(d, "target_after_first_import_records") /
				1e6, num(d, "target_after_first_import_versions")
				/ 1e6, num(d,
				"target_after_first_import_import_staging") /
				1e6, num(d, "target_after_first_import_packs") /
				1e6, num(d, "target_after_first_import_free") /
				1e6);
	}
	json_array_foreach(json_object_get(run, "checks"), i, c)
		if (!json_is_true(json_object_get(c, "ok")))
			printf("  MISMATCH after %s: %s\n", json_string_value(
				json_object_get(c, "after")), json_string_value(
				json_object_get(c, "detail")));
}

/* Did every read-back check after steps starting with `prefix` pass? */
static int checks_ok(json_t *run, const char *prefix)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(run, "checks"), i, c)
		if (!strncmp(json_string_value(json_object_get(c, "after")),
		    prefix, strlen(prefix)) &&
		    !json_is_true(json_object_get(c, "ok")))
			return 0;
	return 1;
}

/*
 * A ratio target over the runs; judged at the last (largest) one.  An
 * import whose records did not read back as expected is INVALID, however
 * fast it was.
 */
static json_t *ratio_target(json_t **runs, size_t nruns, const char *name,
	double limit, int which)
{
	const char *result;
	json_t *values = json_object(), *t;
	double v = -1;
	size_t r;
	char key[32];

	for (r = 0; r < nruns; r++) {
		json_t *floor = json_object_get(runs[r], "floor");

		json_t *d = json_object_get(runs[r], "disk");

		if (which == 0)
			v = step_ok(find_step(runs[r], "pack_export")) ?
				num(find_step(runs[r], "pack_export"),
				"wall_s") / num(floor, "export_s") : -1;
		else if (which == 3)
			v = step_ok(find_step(runs[r], "record_load")) ?
				num(find_step(runs[r], "record_load"),
				"wall_s") : -1;
		else if (which == 5)
			v = step_ok(find_step(runs[r], "pop_backout")) ?
				num(find_step(runs[r], "pop_backout"),
				"wall_s") : -1;
		else if (which == 4)
			v = num(d, "pack_json") > 0 ? num(d,
				"target_db_after_first_import") /
				num(d, "pack_json") : -1;
		else
			v = sum_wall(runs[r], which == 1 ? empty_keys :
				pop_keys);
		if (which != 0 && which != 4 && v >= 0)
			v /= num(floor, "insert_s");
		snprintf(key, sizeof(key), "%.0f", num(runs[r], "n"));
		json_object_set_new(values, key, v >= 0 ? json_real(v) :
			json_null());
	}
	result = v < 0 ? "n/a" : v <= limit ? "PASS" : "MISS";
	if (v >= 0 && (which == 1 || which == 2 || which == 4 || which == 5) &&
	    !checks_ok(runs[nruns - 1], which == 2 ? "pop" : which == 5 ?
	    "pop_backout" : "empty"))
		result = "INVALID";
	t = json_pack("{s:s, s:s, s:f, s:o, s:s}", "name", name, "kind",
		"ratio", "limit", limit, "values", values, "result", result);
	return t;
}

static json_t *rss_target(json_t *small, json_t *big, const char *key)
{
	json_t *a = find_step(small, key), *b = find_step(big, key);
	double ra = num(a, "rss_kb"), rb = num(b, "rss_kb"), v;
	char name[128], ks[32], kb[32];

	snprintf(name, sizeof(name), "peak RSS %s %s",
		json_string_value(json_object_get(a ? a : b, "group")),
		json_string_value(json_object_get(a ? a : b, "label")));
	snprintf(ks, sizeof(ks), "%.0f", num(small, "n"));
	snprintf(kb, sizeof(kb), "%.0f", num(big, "n"));
	if (!step_ok(a) || !step_ok(b) || ra <= 0)
		return json_pack("{s:s, s:s, s:s, s:f, s:{s:n, s:n}, s:n, "
			"s:s}", "name", name, "step", key, "kind", "rss",
			"limit", RSS_LIMIT, "values", ks, kb, "ratio",
			"result", "n/a");
	v = rb / ra;
	return json_pack("{s:s, s:s, s:s, s:f, s:{s:f, s:f}, s:f, s:s}",
		"name", name, "step", key, "kind", "rss", "limit", RSS_LIMIT,
		"values", ks, ra / 1024.0, kb, rb / 1024.0, "ratio", v,
		"result", v <= RSS_LIMIT ? "PASS" : "MISS");
}

static void print_targets(json_t *targets, json_t **runs, size_t nruns)
{
	json_t *t;
	size_t i, r;
	char key[32];

	printf("\ntargets (set at N = %d; ratios judged at the largest N "
		"run, peak RSS\nas largest N / smallest N)\n%-50s %6s",
		TARGET_N, "target", "limit");
	for (r = 0; r < nruns; r++) {
		snprintf(key, sizeof(key), "N=%.0f", num(runs[r], "n"));
		printf(" %11s", key);
	}
	printf("  %s\n", "result");
	json_array_foreach(targets, i, t) {
		const char *kind = json_string_value(json_object_get(t,
			"kind"));
		json_t *vals = json_object_get(t, "values");

		printf("%-50s %5.1fx", json_string_value(json_object_get(t,
			"name")), num(t, "limit"));
		for (r = 0; r < nruns; r++) {
			json_t *v;
			char cell[32] = "-";

			snprintf(key, sizeof(key), "%.0f", num(runs[r], "n"));
			v = json_object_get(vals, key);
			if (json_is_number(v))
				snprintf(cell, sizeof(cell), !strcmp(kind,
					"rss") ? "%.1f MB" : "%.2fx",
					json_number_value(v));
			printf(" %11s", cell);
		}
		if (!strcmp(kind, "rss") && json_is_number(json_object_get(t,
		    "ratio")))
			printf("  %.2fx %s\n", num(t, "ratio"),
				json_string_value(json_object_get(t,
				"result")));
		else
			printf("  %s\n", json_string_value(json_object_get(t,
				"result")));
	}
}

/* nproc, memory and the CPU model, for the record. */
static json_t *machine(void)
{
	char line[512], model[256] = "unknown";
	long long mem_kb = 0;
	struct utsname u;
	FILE *f;

	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "model name", 10) &&
			    strchr(line, ':')) {
				snprintf(model, sizeof(model), "%s",
					strchr(line, ':') + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		fclose(f);
	}
	if ((f = fopen("/proc/meminfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "MemTotal: %lld kB", &mem_kb) == 1)
				break;
		fclose(f);
	}
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	return json_pack("{s:i, s:I, s:s, s:s}", "nproc",
		(int)sysconf(_SC_NPROCESSORS_ONLN), "mem_kb",
		(json_int_t)mem_kb, "cpu", model, "kernel", u.release);
}

static int by_n(const void *a, const void *b)
{
	double x = num(*(json_t *const *)a, "n");
	double y = num(*(json_t *const *)b, "n");

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	json_t *runs[MAX_RUNS], *targets, *out, *m, *arr, *steps;
	const char *outfile = NULL;
	size_t nruns = 0, r, i;
	int a;

	for (a = 1; a < argc; a++) {
		json_error_t err;

		if (!strcmp(argv[a], "--out") && a + 1 < argc) {
			outfile = argv[++a];
			continue;
		}
		if (nruns == MAX_RUNS)
			die("at most %d runs", MAX_RUNS);
		if ((runs[nruns] = json_load_file(argv[a], 0, &err)) == NULL)
			die("%s: %s", argv[a], err.text);
		nruns++;
	}
	if (!outfile || nruns == 0) {
		fputs("usage: ferry-bench-report --out FILE RUN.json...\n",
			stderr);
		return 2;
	}
	qsort(runs, nruns, sizeof(*runs), by_n);
	m = machine();
	printf("ferry benchmark, seed %.0f: %s, %d CPUs, %.1f GiB\n",
		num(runs[0], "seed"), json_string_value(json_object_get(m,
		"cpu")), (int)json_integer_value(json_object_get(m, "nproc")),
		(double)json_integer_value(json_object_get(m, "mem_kb")) /
		1048576.0);
	for (r = 0; r < nruns; r++)
		print_run(runs[r]);

	targets = json_array();
	json_array_append_new(targets, ratio_target(runs, nruns,
		"pack export / export floor", 1.5, 0));
	json_array_append_new(targets, ratio_target(runs, nruns,
		"empty target load+preview+commit / insert floor", 2.5, 1));
	json_array_append_new(targets, ratio_target(runs, nruns,
		"populated load+preview+commit / insert floor", 3.0, 2));
	json_array_append_new(targets, ratio_target(runs, nruns,
		"back out of the populated import / insert floor", 3.0, 5));
	json_array_append_new(targets, ratio_target(runs, nruns,
		"source record load / insert floor", 1.5, 3));
	json_array_append_new(targets, ratio_target(runs, nruns,
		"target after first import / package JSON", 2.5, 4));
	/* Every step the largest run made, in the driver's order. */
	steps = json_object_get(runs[nruns - 1], "steps");
	if (nruns > 1)
		for (i = 0; i < json_array_size(steps); i++)
			json_array_append_new(targets, rss_target(runs[0],
				runs[nruns - 1], json_string_value(
				json_object_get(json_array_get(steps, i),
				"key"))));
	print_targets(targets, runs, nruns);
	if (nruns == 1)
		puts("(peak RSS targets need two sizes: "
			"make bench BENCH_N=\"100000 1000000\")");

	arr = json_array();
	for (r = 0; r < nruns; r++)
		json_array_append_new(arr, runs[r]);
	out = json_pack("{s:o, s:o, s:o}", "machine", m, "runs", arr,
		"targets", targets);
	if (json_dump_file(out, outfile, JSON_INDENT(1)) < 0)
		die("cannot write %s: %s", outfile, strerror(errno));
	json_decref(out);
	printf("\nresults: %s\n", outfile);
	return 0;
}
