/*
 * floor.c - ferry-bench-floor: what the machine does at best with the
 * benchmark's rows, measured in the same run as ferry, so the benchmark
 * reports ratios that mean something on a shared, noisy machine.
 *
 *   ferry-bench-floor --data DIR --work DIR [--json FILE]
 *
 * reads every DIR/load/NN.jsonl file (the generator's records) and times:
 *
 *   insert         one transaction of prepared INSERTs of every line into
 *                  payload(sys_id TEXT PRIMARY KEY, entity, body) in a new
 *                  WAL database with ferry's own pragmas (synchronous =
 *                  NORMAL), reading the files and closing the database
 *                  (the checkpoint) included: the floor of any import,
 *                  which must at least put each record in a keyed table
 *   insert_nokey   the same into a table without the key (information)
 *   scan           SELECT body FROM payload, every row touched
 *   export         the scan again, each row and a newline fed to BLAKE2b
 *                  (libsodium crypto_generichash) and to a zstd level 1
 *                  stream with one worker thread, written to a file: the
 *                  floor of a pack export
 *
 * With --pg CONNINFO the same floors are taken on a PostgreSQL database
 * instead (make bench BENCH_STORE=postgres): insert is one COPY of every
 * line into payload(sys_id text PRIMARY KEY, ...) in one transaction,
 * insert_nokey the same without the key, scan and export read the table
 * back with COPY ... TO STDOUT: PostgreSQL's fastest way in and out.
 *
 *   ferry-bench-floor --stream FILE --work DIR
 *
 * times the export floor's hashing and compressing alone on FILE's bytes
 * (a package is decompressed first, untimed).
 *
 *   ferry-bench-floor --lines FILE --work DIR
 *
 * times the export floor itself (scan, BLAKE2b, zstd -1 with one worker)
 * on FILE's lines, put first into a table of their own, one row a line,
 * untimed: on a package's lines, the least any export of it can cost.
 * bench/export-bytes uses it to compare the lines a pack export must
 * write with the data set's.
 *
 * Wall seconds come from CLOCK_MONOTONIC.  The results go to stdout, one
 * "name seconds" line each, and as one JSON object to --json.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define MAX_FILES 1000

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ferry-bench-floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("%s: %s", what, sqlite3_errmsg(db));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The load files, in the order the generator numbered them. */
static size_t list_files(char **out, const char *data)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	snprintf(dir, sizeof(dir), "%s/load", data);
	if ((d = opendir(dir)) == NULL)
		die("cannot open %s: %s; run ferry-bench-gen first", dir,
			strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char path[8192];

		if (len < 7 || strcmp(de->d_name + len - 6, ".jsonl") != 0)
			continue;
		if (n == MAX_FILES)
			die("more than %d load files", MAX_FILES);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((out[n++] = strdup(path)) == NULL)
			die("out of memory");
	}
	closedir(d);
	qsort(out, n, sizeof(*out), cmp_names);
	return n;
}

static void remove_db(const char *path)
{
	char aux[8192];

	unlink(path);
	snprintf(aux, sizeof(aux), "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	unlink(aux);
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("cannot open %s: %s", path, sqlite3_errmsg(db));
	/* ferry's pragmas for a new instance (store/sqlite/database.c);
	 * the keyed insert takes the same time with 4 KiB pages. */
	check(db, sqlite3_exec(db, "PRAGMA page_size = 16384;"
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;", NULL, NULL, NULL), path);
	return db;
}

/*
 * Insert every line of the load files; `keyed` gives the table ferry's
 * key.  Returns the rows; *bytes gets the payload bytes.
 */
/*
 * Hand every line of the load files to row(): its sys_id (36 bytes), its
 * entity (the file's name) and the line without its newline.  Returns
 * the rows; *bytes gets the payload bytes.
 */
typedef void (*row_fn)(void *ctx, const char *id, const char *entity,
	const char *line, size_t len);

static uint64_t each_line(char **files, size_t nfiles, row_fn row,
	void *ctx, uint64_t *bytes)
{
	char *line = NULL;
	size_t cap = 0, f;
	ssize_t len;
	uint64_t rows = 0;

	*bytes = 0;
	for (f = 0; f < nfiles; f++) {
		FILE *in = fopen(files[f], "r");
		const char *base = strrchr(files[f], '/') + 1;

		if (!in)
			die("cannot open %s: %s", files[f], strerror(errno));
		while ((len = getline(&line, &cap, in)) > 0) {
			const char *id = strstr(line, "\"sys_id\":\"");

			if (line[len - 1] == '\n')
				line[--len] = '\0';
			if (!id || strlen(id) < 10 + 36)
				die("%s: a line without a sys_id", files[f]);
			row(ctx, id + 10, base, line, (size_t)len);
			rows++;
			*bytes += (uint64_t)len;
		}
		fclose(in);
	}
	free(line);
	return rows;
}

static void sqlite_row(void *ctx, const char *id, const char *entity,
	const char *line, size_t len)
{
	sqlite3_stmt *st = ctx;

	sqlite3_bind_text(st, 1, id, 36, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, line, (int)len, SQLITE_STATIC);
	check(sqlite3_db_handle(st), sqlite3_step(st), "insert");
	sqlite3_reset(st);
}

static uint64_t insert(const char *path, char **files, size_t nfiles,
	int keyed, uint64_t *bytes)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t rows;

	remove_db(path);
	db = open_db(path);
	check(db, sqlite3_exec(db, keyed ?
		"CREATE TABLE payload (sys_id TEXT PRIMARY KEY NOT NULL,"
		" entity TEXT NOT NULL, body TEXT NOT NULL)" :
		"CREATE TABLE payload (sys_id TEXT NOT NULL,"
		" entity TEXT NOT NULL, body TEXT NOT NULL)",
		NULL, NULL, NULL), "create");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO payload VALUES "
		"(?, ?, ?)", -1, &st, NULL), "prepare");
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	rows = each_line(files, nfiles, sqlite_row, st, bytes);
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	sqlite3_finalize(st);
	if (sqlite3_close(db) != SQLITE_OK)
		die("cannot close %s", path);
	return rows;
}

typedef struct {
	ZSTD_CCtx *cctx;
	FILE *out;
	char *obuf;
	size_t ocap;
	crypto_generichash_state hash;
	uint64_t zbytes;
	int workers;	/* zstd worker threads actually in use */
} sink;

static void sink_write(sink *s, const void *data, size_t len,
	ZSTD_EndDirective end)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer o = { s->obuf, s->ocap, 0 };

		left = ZSTD_compressStream2(s->cctx, &o, &in, end);
		if (ZSTD_isError(left))
			die("zstd: %s", ZSTD_getErrorName(left));
		if (o.pos && fwrite(s->obuf, 1, o.pos, s->out) != o.pos)
			die("cannot write the compressed stream");
		s->zbytes += o.pos;
	} while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
}

/* Scan the table; with `s`, hash and compress what it reads. */
static uint64_t scan(const char *path, sink *s)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t sum = 0;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		die("cannot open %s: %s", path, sqlite3_errmsg(db));
	check(db, sqlite3_prepare_v2(db, "SELECT body FROM payload", -1, &st,
		NULL), "prepare");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *body = sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		sum += len + body[0];
		if (s) {
			crypto_generichash_update(&s->hash, body, len);
			crypto_generichash_update(&s->hash,
				(const unsigned char *)"\n", 1);
			sink_write(s, body, len, ZSTD_e_continue);
			sink_write(s, "\n", 1, ZSTD_e_continue);
		}
	}
	check(db, rc, "scan");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return sum;
}

static uint64_t pg_scan(const char *conninfo, sink *s);

/* A sink for outpath: zstd level 1 with one worker thread, BLAKE2b. */
static void sink_open(sink *s, const char *outpath)
{
	size_t rc;

	memset(s, 0, sizeof(*s));
	if ((s->cctx = ZSTD_createCCtx()) == NULL)
		die("out of memory");
	rc = ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_compressionLevel, 1);
	if (ZSTD_isError(rc))
		die("zstd: %s", ZSTD_getErrorName(rc));
	/* One worker thread compresses while this one scans and hashes;
	 * a libzstd built without threads refuses, and then it is none. */
	rc = ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_nbWorkers, 1);
	s->workers = ZSTD_isError(rc) ? 0 : 1;
	s->ocap = ZSTD_CStreamOutSize();
	if ((s->obuf = malloc(s->ocap)) == NULL)
		die("out of memory");
	if ((s->out = fopen(outpath, "w")) == NULL)
		die("cannot write %s: %s", outpath, strerror(errno));
	crypto_generichash_init(&s->hash, NULL, 0, crypto_generichash_BYTES);
}

/* End the stream, the hash and the file (fsynced). */
static void sink_close(sink *s, const char *outpath)
{
	unsigned char digest[crypto_generichash_BYTES];

	sink_write(s, NULL, 0, ZSTD_e_end);
	crypto_generichash_final(&s->hash, digest, sizeof(digest));
	if (fflush(s->out) != 0 || fsync(fileno(s->out)) != 0 ||
	    fclose(s->out) != 0)
		die("cannot write %s: %s", outpath, strerror(errno));
	ZSTD_freeCCtx(s->cctx);
	free(s->obuf);
}

static void export_floor(const char *dbpath, const char *pg,
	const char *outpath, uint64_t *zbytes, int *workers)
{
	sink s;

	sink_open(&s, outpath);
	if (pg)
		pg_scan(pg, &s);
	else
		scan(dbpath, &s);
	sink_close(&s, outpath);
	*zbytes = s.zbytes;
	*workers = s.workers;
}

/*
 * Open FILE's bytes for reading: a zstd file (a package) is first
 * decompressed to `plain`, untimed, which is gone once closed.
 */
static FILE *open_plain(const char *path, const char *plain)
{
	static const unsigned char magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
	unsigned char head[4];
	size_t cap = (size_t)1 << 20, n;
	FILE *in;

	if ((in = fopen(path, "r")) == NULL)
		die("cannot read %s: %s", path, strerror(errno));
	if (fread(head, 1, 4, in) == 4 && memcmp(head, magic, 4) == 0) {
		ZSTD_DCtx *d = ZSTD_createDCtx();
		size_t ocap = ZSTD_DStreamOutSize();
		char *buf = malloc(cap), *obuf = malloc(ocap);
		FILE *out = fopen(plain, "w");

		if (!d || !buf || !obuf)
			die("out of memory");
		if (!out)
			die("cannot write %s: %s", plain, strerror(errno));
		rewind(in);
		while ((n = fread(buf, 1, cap, in)) > 0) {
			ZSTD_inBuffer zi = { buf, n, 0 };

			while (zi.pos < zi.size) {
				ZSTD_outBuffer zo = { obuf, ocap, 0 };
				size_t rc = ZSTD_decompressStream(d, &zo, &zi);

				if (ZSTD_isError(rc))
					die("%s: %s", path,
						ZSTD_getErrorName(rc));
				if (fwrite(obuf, 1, zo.pos, out) != zo.pos)
					die("cannot write %s", plain);
			}
		}
		if (fclose(out) != 0)
			die("cannot write %s: %s", plain, strerror(errno));
		ZSTD_freeDCtx(d);
		free(buf);
		free(obuf);
		fclose(in);
		if ((in = fopen(plain, "r")) == NULL)
			die("cannot read %s: %s", plain, strerror(errno));
		unlink(plain);
	}
	rewind(in);
	return in;
}

/*
 * --stream: what hashing and compressing a given stream costs at best,
 * the export floor's work on other bytes.  Returns the stream's bytes;
 * *seconds gets the time to hash and compress them from the page cache.
 */
static uint64_t stream_floor(const char *path, const char *plain,
	const char *outpath, double *seconds)
{
	size_t cap = (size_t)1 << 20, n;
	char *buf = malloc(cap);
	uint64_t total = 0;
	FILE *in = open_plain(path, plain);
	sink s;
	double t0;

	if (buf == NULL)
		die("out of memory");
	/* Read once untimed, so that both streams come from the cache. */
	while (fread(buf, 1, cap, in) > 0)
		;
	rewind(in);
	t0 = now();
	sink_open(&s, outpath);
	while ((n = fread(buf, 1, cap, in)) > 0) {
		total += n;
		crypto_generichash_update(&s.hash, (unsigned char *)buf, n);
		sink_write(&s, buf, n, ZSTD_e_continue);
	}
	sink_close(&s, outpath);
	*seconds = now() - t0;
	fclose(in);
	free(buf);
	unlink(outpath);
	return total;
}

/*
 * --lines: the export floor itself on other lines.  FILE's lines go
 * into a table of their own, untimed, one row a line in file order;
 * then the export floor's scan, hash and compression run on that table
 * as they run on the data set's.  On a package's lines this is what
 * exporting it costs at the least, whatever reads the instance: the
 * lines already made, in order, in one place.  Returns the rows;
 * *bytes gets their bytes, *seconds the export floor's time.
 */
static uint64_t lines_floor(const char *path, const char *work,
	uint64_t *bytes, double *seconds)
{
	char dbpath[4096], plain[4096], zpath[4096];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t rows = 0, zbytes;
	sqlite3 *db;
	sqlite3_stmt *st;
	FILE *in;
	double t0;
	int workers;

	snprintf(dbpath, sizeof(dbpath), "%s/lines.db", work);
	snprintf(plain, sizeof(plain), "%s/lines.plain", work);
	snprintf(zpath, sizeof(zpath), "%s/lines.zst", work);
	in = open_plain(path, plain);
	remove_db(dbpath);
	db = open_db(dbpath);
	check(db, sqlite3_exec(db, "CREATE TABLE payload (body TEXT NOT "
		"NULL)", NULL, NULL, NULL), "create");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO payload VALUES (?)",
		-1, &st, NULL), "prepare");
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	*bytes = 0;
	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		sqlite3_bind_text(st, 1, line, (int)len, SQLITE_STATIC);
		check(db, sqlite3_step(st), "insert");
		sqlite3_reset(st);
		rows++;
		*bytes += (uint64_t)len;
	}
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	sqlite3_finalize(st);
	if (sqlite3_close(db) != SQLITE_OK)
		die("cannot close %s", dbpath);
	fclose(in);
	free(line);
	t0 = now();
	export_floor(dbpath, NULL, zpath, &zbytes, &workers);
	*seconds = now() - t0;
	remove_db(dbpath);
	unlink(zpath);
	return rows;
}

/* ---- PostgreSQL ---------------------------------------------------------- */

static void pg_check(PGconn *c, PGresult *r, ExecStatusType want,
	const char *what)
{
	if (PQresultStatus(r) != want)
		die("%s: %s", what, PQerrorMessage(c));
	PQclear(r);
}

static PGconn *pg_open(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);

	if (PQstatus(c) != CONNECTION_OK)
		die("cannot reach %s: %s", conninfo, PQerrorMessage(c));
	pg_check(c, PQexec(c, "SET client_min_messages = warning"),
		PGRES_COMMAND_OK, "set");
	return c;
}

/* Append src to a COPY text row, escaped. */
static void copy_field(char **buf, size_t *len, size_t *cap,
	const char *src, size_t n)
{
	size_t i;

	if (*len + 2 * n + 2 > *cap) {
		*cap = 2 * (*len + 2 * n + 2);
		if ((*buf = realloc(*buf, *cap)) == NULL)
			die("out of memory");
	}
	for (i = 0; i < n; i++) {
		char ch = src[i];

		if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
			(*buf)[(*len)++] = '\\';
			ch = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ?
				'r' : '\\';
		}
		(*buf)[(*len)++] = ch;
	}
}

/* A COPY row: its fields escaped, tab-separated. */
typedef struct {
	PGconn *conn;
	char *row;
	size_t cap;
} copy_ctx;

static void copy_row(void *ctx, const char *id, const char *entity,
	const char *line, size_t len)
{
	copy_ctx *c = ctx;
	size_t n = 0;

	copy_field(&c->row, &n, &c->cap, id, 36);
	c->row[n++] = '\t';
	copy_field(&c->row, &n, &c->cap, entity, strlen(entity));
	c->row[n++] = '\t';
	copy_field(&c->row, &n, &c->cap, line, len);
	c->row[n++] = '\n';
	if (PQputCopyData(c->conn, c->row, (int)n) != 1)
		die("copy: %s", PQerrorMessage(c->conn));
}

static uint64_t pg_insert(const char *conninfo, char **files, size_t nfiles,
	int keyed, uint64_t *bytes)
{
	copy_ctx c = { pg_open(conninfo), NULL, 0 };
	uint64_t rows;

	pg_check(c.conn, PQexec(c.conn, "DROP TABLE IF EXISTS payload"),
		PGRES_COMMAND_OK, "drop");
	pg_check(c.conn, PQexec(c.conn, keyed ?
		"CREATE TABLE payload (sys_id text COLLATE \"C\" PRIMARY KEY"
		" NOT NULL, entity text NOT NULL, body text NOT NULL)" :
		"CREATE TABLE payload (sys_id text COLLATE \"C\" NOT NULL,"
		" entity text NOT NULL, body text NOT NULL)"),
		PGRES_COMMAND_OK, "create");
	pg_check(c.conn, PQexec(c.conn, "BEGIN"), PGRES_COMMAND_OK, "begin");
	pg_check(c.conn, PQexec(c.conn, "COPY payload FROM STDIN"),
		PGRES_COPY_IN, "copy");
	rows = each_line(files, nfiles, copy_row, &c, bytes);
	if (PQputCopyEnd(c.conn, NULL) != 1)
		die("copy: %s", PQerrorMessage(c.conn));
	pg_check(c.conn, PQgetResult(c.conn), PGRES_COMMAND_OK, "copy");
	pg_check(c.conn, PQexec(c.conn, "COMMIT"), PGRES_COMMAND_OK,
		"commit");
	PQfinish(c.conn);
	free(c.row);
	return rows;
}

static uint64_t pg_scan(const char *conninfo, sink *s)
{
	PGconn *c = pg_open(conninfo);
	uint64_t sum = 0;
	char *buf;
	int len;

	pg_check(c, PQexec(c, "COPY (SELECT body FROM payload) TO STDOUT"),
		PGRES_COPY_OUT, "copy out");
	while ((len = PQgetCopyData(c, &buf, 0)) > 0) {
		sum += (uint64_t)len + (unsigned char)buf[0];
		if (s) {
			crypto_generichash_update(&s->hash,
				(const unsigned char *)buf, (size_t)len);
			sink_write(s, buf, (size_t)len, ZSTD_e_continue);
		}
		PQfreemem(buf);
	}
	if (len != -1)
		die("copy out: %s", PQerrorMessage(c));
	pg_check(c, PQgetResult(c), PGRES_COMMAND_OK, "copy out");
	PQfinish(c);
	return sum;
}

static void pg_drop(const char *conninfo)
{
	PGconn *c = pg_open(conninfo);

	pg_check(c, PQexec(c, "DROP TABLE IF EXISTS payload"),
		PGRES_COMMAND_OK, "drop");
	PQfinish(c);
}

static void usage(void)
{
	fputs("usage: ferry-bench-floor --data DIR --work DIR [--json FILE] "
		"[--pg CONNINFO]\n"
		"       ferry-bench-floor --stream FILE --work DIR\n"
		"       ferry-bench-floor --lines FILE --work DIR\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	char *files[MAX_FILES];
	char dbpath[4096], nokey[4096], zpath[4096];
	const char *data = NULL, *work = NULL, *json = NULL, *pg = NULL;
	const char *stream = NULL, *lines = NULL;
	double t0, t_insert, t_nokey, t_scan, t_export;
	uint64_t rows, bytes, zbytes;
	size_t nfiles, i;
	int workers;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < (size_t)argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--work") && i + 1 < (size_t)argc)
			work = argv[++i];
		else if (!strcmp(argv[i], "--json") && i + 1 < (size_t)argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--pg") && i + 1 < (size_t)argc)
			pg = argv[++i];
		else if (!strcmp(argv[i], "--stream") && i + 1 < (size_t)argc)
			stream = argv[++i];
		else if (!strcmp(argv[i], "--lines") && i + 1 < (size_t)argc)
			lines = argv[++i];
		else
			usage();
	}
	if (!work || !!data + !!stream + !!lines != 1)
		usage();
	if (sodium_init() < 0)
		die("libsodium cannot start");
	if (stream) {
		double t;

		snprintf(dbpath, sizeof(dbpath), "%s/stream.jsonl", work);
		snprintf(zpath, sizeof(zpath), "%s/stream.zst", work);
		bytes = stream_floor(stream, dbpath, zpath, &t);
		printf("stream_bytes %" PRIu64 "\nstream %.3f\n", bytes, t);
		return 0;
	}
	if (lines) {
		double t;

		rows = lines_floor(lines, work, &bytes, &t);
		printf("lines_rows %" PRIu64 "\nlines_bytes %" PRIu64
			"\nlines_export %.3f\n", rows, bytes, t);
		return 0;
	}
	nfiles = list_files(files, data);
	if (nfiles == 0)
		die("no load files in %s/load", data);
	snprintf(dbpath, sizeof(dbpath), "%s/floor.db", work);
	snprintf(nokey, sizeof(nokey), "%s/floor-nokey.db", work);
	snprintf(zpath, sizeof(zpath), "%s/floor.zst", work);

	t0 = now();
	rows = pg ? pg_insert(pg, files, nfiles, 0, &bytes) :
		insert(nokey, files, nfiles, 0, &bytes);
	t_nokey = now() - t0;
	remove_db(nokey);

	t0 = now();
	rows = pg ? pg_insert(pg, files, nfiles, 1, &bytes) :
		insert(dbpath, files, nfiles, 1, &bytes);
	t_insert = now() - t0;

	t0 = now();
	if (pg)
		pg_scan(pg, NULL);
	else
		scan(dbpath, NULL);
	t_scan = now() - t0;

	t0 = now();
	export_floor(dbpath, pg, zpath, &zbytes, &workers);
	t_export = now() - t0;
	if (pg)
		pg_drop(pg);
	remove_db(dbpath);
	unlink(zpath);

	printf("rows %" PRIu64 "\nbytes %" PRIu64 "\n"
		"insert %.3f\ninsert_nokey %.3f\nscan %.3f\nexport %.3f\n",
		rows, bytes, t_insert, t_nokey, t_scan, t_export);
	if (json) {
		FILE *f = fopen(json, "w");

		if (!f)
			die("cannot write %s: %s", json, strerror(errno));
		fprintf(f, "{\"rows\":%" PRIu64 ",\"bytes\":%" PRIu64
			",\"insert_s\":%.6f,\"insert_nokey_s\":%.6f"
			",\"scan_s\":%.6f,\"export_s\":%.6f"
			",\"zstd_level\":1,\"zstd_workers\":%d"
			",\"zstd_bytes\":%" PRIu64 "}\n", rows, bytes,
			t_insert, t_nokey, t_scan, t_export, workers, zbytes);
		if (fclose(f) != 0)
			die("cannot write %s: %s", json, strerror(errno));
	}
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	return 0;
}
