/*
 * test_import_api.c - the import calls of include/ferry/import.h as a
 * caller sees them: misuse (no handle, no file, an unknown import or
 * item, a call in the wrong state, bad arguments, a non-admin), each
 * answered with its documented code and message and changing nothing;
 * load, preview and commit with each of ferry's own allocations failing
 * in turn; and the parity of the set-wise commit (imports_apply.c,
 * ferry_store__import_fast) with the write path of every other change
 * (ferry__record_write): the same package through both gives the same
 * instance, byte for byte.
 *
 * The allocation runs fail what goes through ferry_set_allocator():
 * ferry's own memory.  SQLite's, jansson's and zstd's allocations are
 * their own and are not failed here.
 *
 * "Unchanged" and "the same" compare the instance's content through a
 * second SQLite connection (test_content(): every table's rows, sorted,
 * and the schema).
 */
#include "helpers.h"
#include "store/handle.h"

#include "ferry.h"
#include "imports.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "2021-12-31T12:00:00Z"
#define LATER "2022-02-02T02:02:02Z"

static int setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	test_tmpdir_free(*state);
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	return strdup(test_path(dir, name));
}

static void copy_file(const char *from, const char *to)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static ferry_db *open_at(const char *path, const char *now)
{
	ferry_db *db;

	assert_int_equal(ferry_db_open(&db, path), 0);
	assert_int_equal(ferry_db_set_now(db, now), 0);
	return db;
}

/* Run SQL on the file through a connection of our own. */
static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *c;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(c);
}

/* The first column of the first row of a query, as an integer. */
static long long query_int(const char *path, const char *sql)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return v;
}

/* ---- the fixture: a source, two packages, a target ----------------------- */

static char id_a[64], id_b[64], id_d[64];

static void put(ferry_db *db, char *id_out, const char *json)
{
	ferry_buf id = FERRY_BUF_INIT;

	assert_int_equal(ferry_record_put(&id, db, "member", json), 0);
	if (id_out)
		snprintf(id_out, 64, "%s", id.ptr);
	ferry_buf_dispose(&id);
}

/* A record of entity from fmt with one %s, filled with a. */
static void put_fmt(ferry_db *db, const char *entity, const char *fmt,
	const char *a)
{
	char json[1024];

	snprintf(json, sizeof(json), fmt, a);
	assert_int_equal(ferry_record_put(NULL, db, entity, json), 0);
}

static void export_to(ferry_db *db, const char *pack, const char *path,
	int application)
{
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;

	eo.output = path;
	eo.uncompressed = 1;
	eo.overwrite = 1;
	eo.as_application = application;
	assert_int_equal(ferry_pack_complete(db, pack), 0);
	assert_int_equal(ferry_pack_export(&out, db, pack, &eo), 0);
	ferry_buf_dispose(&out);
}

/*
 * In dir: src.db, where entity member (a field of every type) and its
 * records A, B, D are made in pack "base" (base.sop); then pack "p2"
 * (p2.sop, and p2app.sop as an application) updates A and B, inserts C
 * (referring to A) and E, deletes D and creates entity team with two
 * records.  dst.db holds base.sop, imported, with bob (not an admin),
 * and a local change of B's name, so that p2 merges B there.
 */
static void fixture(const char *dir)
{
	ferry_apply_options ao = FERRY_APPLY_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	char *src = path_in(dir, "src.db"), *dst = path_in(dir, "dst.db");
	char *base = path_in(dir, "base.sop");
	char *p2 = path_in(dir, "p2.sop"), *p2app = path_in(dir, "p2app.sop");
	static const char *const fields[][2] = {
		{ "name", "nvarchar(20)" }, { "code", "nchar(4)" },
		{ "age", "int" }, { "big", "bigint" },
		{ "score", "decimal(8,2)" }, { "active", "bool" },
		{ "born", "date" }, { "seen", "datetime" }, { "memo", "text" },
		{ "note", "json" }, { "boss", "ref(member)" } };
	ferry_db *db;
	size_t i;

	o.now = NOW;
	o.name = "dev";
	assert_int_equal(ferry_db_create(&db, src, &o), 0);
	assert_int_equal(ferry_pack_create(db, "base", NULL, 1), 0);
	assert_int_equal(ferry_entity_create(db, "member", "Member", NULL), 0);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_int_equal(ferry_field_add(db, "member", fields[i][0],
			fields[i][1], NULL, NULL, NULL), 0);
	put(db, id_a, "{\"name\":\"ann\",\"code\":\"A1\",\"age\":30,"
		"\"big\":9007199254740993,\"score\":\"10.50\",\"active\":true,"
		"\"born\":\"1990-01-02\",\"seen\":\"2021-01-01T10:00:00Z\","
		"\"memo\":\"line\\none\",\"note\":{\"b\":[1,2],\"a\":null}}");
	put(db, id_b, "{\"name\":\"bob\",\"age\":40,\"active\":false}");
	put(db, id_d, "{\"name\":\"dan\"}");
	export_to(db, "base", base, 0);
	assert_int_equal(ferry_pack_create(db, "p2", NULL, 1), 0);
	put_fmt(db, "member", "{\"sys_id\":\"%s\",\"age\":31,\"score\":"
		"\"11.25\",\"note\":[\"x\",{\"y\":1}],\"memo\":null}", id_a);
	put_fmt(db, "member", "{\"sys_id\":\"%s\",\"age\":41}", id_b);
	put_fmt(db, "member", "{\"name\":\"cat\",\"boss\":\"%s\",\"code\":"
		"\"C\",\"active\":true}", id_a);
	put(db, NULL, "{\"name\":\"eve\",\"seen\":\"2021-06-30T23:59:59Z\"}");
	assert_int_equal(ferry_record_delete(db, "member", id_d), 0);
	assert_int_equal(ferry_entity_create(db, "team", "Team", NULL), 0);
	assert_int_equal(ferry_field_add(db, "team", "title", "nvarchar(30)",
		NULL, NULL, NULL), 0);
	assert_int_equal(ferry_field_add(db, "team", "lead", "ref(member)",
		NULL, NULL, NULL), 0);
	put_fmt(db, "team", "{\"title\":\"one\",\"lead\":\"%s\"}", id_a);
	assert_int_equal(ferry_record_put(NULL, db, "team",
		"{\"title\":\"two\"}"), 0);
	export_to(db, "p2", p2, 0);
	assert_int_equal(ferry_pack_reopen(db, "p2"), 0);
	export_to(db, "p2", p2app, 1);
	ferry_db_close(db);

	o.name = "test";
	assert_int_equal(ferry_db_create(&db, dst, &o), 0);
	ao.no_backup = 1;
	assert_int_equal(ferry_import_apply(&out, db, base, &ao), 0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_user_add(db, "bob", 0, NULL), 0);
	put_fmt(db, "member", "{\"sys_id\":\"%s\",\"name\":\"bobby\"}",
		id_b);
	ferry_db_close(db);
	free(src);
	free(dst);
	free(base);
	free(p2);
	free(p2app);
}

/* The item of record sys_id in import 2. */
static int64_t item_of(ferry_db *db, const char *sys_id)
{
	ferry_buf show = FERRY_BUF_INIT;
	char key[80];
	const char *at, *p;
	long long item = 0;

	assert_int_equal(ferry_import_show(&show, db, 2), 0);
	snprintf(key, sizeof(key), "\"sys_id\":\"%s\"", sys_id);
	assert_non_null(at = strstr(show.ptr, key));
	for (p = at; p > show.ptr && strncmp(p, "{\"item\":", 8) != 0; p--)
		;
	assert_int_equal(sscanf(p, "{\"item\":%lld", &item), 1);
	ferry_buf_dispose(&show);
	return (int64_t)item;
}

/* ---- misuse: the documented code and message, nothing changed ------------ */

static int no_cb(ferry_preview_part part, const char *json, size_t len,
	void *payload)
{
	(void)part;
	(void)json;
	(void)len;
	(void)payload;
	return 0;
}

static void test_import_api_misuse__no_handle(void **state)
{
	ferry_buf b = FERRY_BUF_INIT;
	ferry_preview_filter f = FERRY_PREVIEW_FILTER_INIT;
	int64_t item = 2;

	(void)state;
	assert_int_equal(ferry_import_load(&b, NULL, "x.sop"), FERRY_EMISUSE);
	assert_int_equal(ferry_import_preview(&b, NULL, 1), FERRY_EMISUSE);
	assert_int_equal(ferry_import_preview_each(NULL, 1, no_cb, NULL),
		FERRY_EMISUSE);
	assert_int_equal(ferry_import_preview_filtered(&b, NULL, 1, &f),
		FERRY_EMISUSE);
	assert_int_equal(ferry_import_preview_each_filtered(NULL, 1, &f, no_cb,
		NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_import_resolve(&b, NULL, 1, "skip", &item, 1),
		FERRY_EMISUSE);
	assert_int_equal(ferry_import_merge(NULL, 1, 2, "{}"), FERRY_EMISUSE);
	assert_int_equal(ferry_import_diff(&b, NULL, 1, NULL, 0),
		FERRY_EMISUSE);
	assert_int_equal(ferry_import_discard(&b, NULL, 1), FERRY_EMISUSE);
	assert_int_equal(ferry_import_commit(&b, NULL, 1, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_import_backout(&b, NULL, 1), FERRY_EMISUSE);
	assert_int_equal(ferry_import_list(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_import_show(&b, NULL, 1), FERRY_EMISUSE);
	assert_int_equal(ferry_import_apply(&b, NULL, "x.sop", NULL),
		FERRY_EMISUSE);
	assert_null(b.ptr);
}

/* CALL must return CODE with exactly MSG and leave the instance as it
 * was; out must stay empty. */
#define REFUSED(code, msg, call) do { \
		char *after_; \
		assert_int_equal((call), (code)); \
		assert_string_equal(ferry_errmsg(db), (msg)); \
		assert_null(out.ptr); \
		after_ = test_content(path); \
		if (strcmp(before, after_) != 0) \
			fail_msg("%s changed the instance", #call); \
		free(after_); \
	} while (0)

/* Take the instance as it is now as "before". */
#define NOW_BEFORE() do { \
		free(before); \
		before = test_content(path); \
	} while (0)

static void test_import_api_misuse__wrong_calls_change_nothing(void **state)
{
	const char *dir = *state;
	char *path, *p2, *before = NULL, msg[512];
	ferry_preview_filter f = FERRY_PREVIEW_FILTER_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int64_t ninety_nine = 99, two = 2;
	ferry_db *db;

	fixture(dir);
	path = path_in(dir, "dst.db");
	p2 = path_in(dir, "p2.sop");
	db = open_at(path, LATER);
	NOW_BEFORE();

	/* No file; no such file. */
	REFUSED(FERRY_EMISUSE, "no file given",
		ferry_import_load(&out, db, NULL));
	REFUSED(FERRY_EMISUSE, "no file given",
		ferry_import_apply(&out, db, NULL, NULL));

	/* An import that does not exist, whatever the call. */
#define NO_IMPORT "no import 99; see 'ferry import list'"
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_preview(&out, db, 99));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_resolve(&out, db, 99,
		"skip", &two, 1));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_merge(db, 99, 2,
		"{}"));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_diff(&out, db, 99,
		NULL, 0));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_commit(&out, db, 99,
		NULL));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_backout(&out, db, 99));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_discard(&out, db, 99));
	REFUSED(FERRY_ENOTFOUND, NO_IMPORT, ferry_import_show(&out, db, 99));
#undef NO_IMPORT

	/* Loaded, not previewed: resolve, merge and diff need a preview. */
	assert_int_equal(ferry_import_load(&out, db, p2), 0);
	assert_non_null(strstr(out.ptr, "\"id\":2,"));
	ferry_buf_dispose(&out);
	NOW_BEFORE();
	REFUSED(FERRY_ESTATE, "cannot resolve import 2 before its preview: "
		"run 'ferry import preview 2' first",
		ferry_import_resolve(&out, db, 2, "skip", &two, 1));
	REFUSED(FERRY_ESTATE, "cannot resolve import 2 before its preview: "
		"run 'ferry import preview 2' first",
		ferry_import_merge(db, 2, 2, "{\"age\":5}"));
	REFUSED(FERRY_ESTATE, "cannot diff import 2 before its preview: "
		"run 'ferry import preview 2' first",
		ferry_import_diff(&out, db, 2, NULL, 0));

	/* Bad arguments, checked before anything is read. */
	REFUSED(FERRY_EINVALID, "resolve with accept (the package wins), "
		"accept_whole (the package's whole record), skip (keep the "
		"target's) or clear (back to unresolved); merge takes a patch",
		ferry_import_resolve(&out, db, 2, "maybe", &two, 1));
	REFUSED(FERRY_EINVALID, "resolve with accept (the package wins), "
		"accept_whole (the package's whole record), skip (keep the "
		"target's) or clear (back to unresolved); merge takes a patch",
		ferry_import_resolve(&out, db, 2, NULL, &two, 1));
	REFUSED(FERRY_EMISUSE, "no items given",
		ferry_import_resolve(&out, db, 2, "skip", NULL, 1));
	REFUSED(FERRY_EMISUSE, "no items given",
		ferry_import_diff(&out, db, 2, NULL, 1));
	REFUSED(FERRY_EMISUSE, "no callback given",
		ferry_import_preview_each(db, 2, NULL, NULL));
	f.version = 99;
	REFUSED(FERRY_EMISUSE, "unknown preview filter version 99",
		ferry_import_preview_filtered(&out, db, 2, &f));
	f.version = FERRY_PREVIEW_FILTER_VERSION;
	f.severity = "fatal";
	REFUSED(FERRY_EINVALID, "no severity 'fatal': use error, warning or "
		"info", ferry_import_preview_filtered(&out, db, 2, &f));
	f.severity = NULL;
	f.limit = -1;
	REFUSED(FERRY_EINVALID, "limit and offset cannot be negative",
		ferry_import_preview_filtered(&out, db, 2, &f));
	f.limit = 0;

	/* Previewed: items and patches that do not exist or fit. */
	assert_int_equal(ferry_import_preview(&out, db, 2), 0);
	ferry_buf_dispose(&out);
	NOW_BEFORE();
	snprintf(msg, sizeof(msg), "import 2 has no item 99; see 'ferry "
		"import preview 2'");
	REFUSED(FERRY_ENOTFOUND, msg, ferry_import_resolve(&out, db, 2,
		"skip", &ninety_nine, 1));
	REFUSED(FERRY_ENOTFOUND, msg, ferry_import_merge(db, 2, 99,
		"{\"age\":5}"));
	REFUSED(FERRY_EINVALID, "the patch is not a JSON object of field "
		"values (e.g. '{\"name\":\"Ann\"}'); nothing changed",
		ferry_import_merge(db, 2, item_of(db, id_b), "[1]"));

	/* As a non-admin. */
	assert_int_equal(ferry_db_set_user(db, "bob"), 0);
	REFUSED(FERRY_EDENIED, "only admins may import packages; 'bob' is not "
		"an admin (an admin can run 'ferry user set bob --admin')", ferry_import_load(&out, db,
		p2));
	REFUSED(FERRY_EDENIED, "only admins may commit imports; 'bob' is not "
		"an admin (an admin can run 'ferry user set bob --admin')", ferry_import_commit(&out, db,
		2, NULL));
	REFUSED(FERRY_EDENIED, "only admins may back out imports; 'bob' is not "
		"an admin (an admin can run 'ferry user set bob --admin')", ferry_import_backout(&out,
		db, 2));
	assert_int_equal(ferry_db_set_user(db, NULL), 0);

	/* Committed: nothing more to plan, resolve or discard; committed
	 * twice is refused. */
	assert_int_equal(ferry_import_resolve(&out, db, 2, "accept", NULL, 0),
		0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_import_commit(&out, db, 2, NULL), 0);
	ferry_buf_dispose(&out);
	NOW_BEFORE();
#define COMMITTED(verb) "cannot " verb " import 2: it is committed (see " \
	"'ferry import show 2')"
	REFUSED(FERRY_ESTATE, COMMITTED("commit"), ferry_import_commit(&out,
		db, 2, NULL));
	REFUSED(FERRY_ESTATE, COMMITTED("preview"), ferry_import_preview(&out,
		db, 2));
	REFUSED(FERRY_ESTATE, COMMITTED("resolve"), ferry_import_resolve(&out,
		db, 2, "skip", &two, 1));
	REFUSED(FERRY_ESTATE, COMMITTED("resolve"), ferry_import_merge(db, 2,
		2, "{\"age\":5}"));
	REFUSED(FERRY_ESTATE, COMMITTED("diff"), ferry_import_diff(&out, db, 2,
		NULL, 0));
#undef COMMITTED
	REFUSED(FERRY_ESTATE, "cannot discard import 2: it is committed, and "
		"a committed import is kept as the instance's history (undo "
		"it with 'ferry import backout')", ferry_import_discard(&out,
		db, 2));

	/* Backed out: once. */
	assert_int_equal(ferry_import_backout(&out, db, 2), 0);
	ferry_buf_dispose(&out);
	NOW_BEFORE();
	REFUSED(FERRY_ESTATE, "cannot back out import 2: it is backed out "
		"(see 'ferry import show 2')", ferry_import_backout(&out, db,
		2));
	REFUSED(FERRY_ESTATE, "cannot commit import 2: it is backed out (see "
		"'ferry import show 2')", ferry_import_commit(&out, db, 2,
		NULL));

	/* And the handle still works. */
	assert_int_equal(ferry_import_show(&out, db, 2), 0);
	assert_non_null(strstr(out.ptr, "\"state\":\"backed_out\""));
	ferry_buf_dispose(&out);
	ferry_db_close(db);
	free(before);
	free(path);
	free(p2);
}

/* Back out needs a committed import: a loaded one is refused saying
 * so, not by advice (a preview) that would not help. */
static void test_import_api_misuse__backout_of_a_loaded_import(void **state)
{
	const char *dir = *state;
	ferry_buf out = FERRY_BUF_INIT;
	char *path, *p2, *before, *after, msg[512];
	ferry_db *db;
	int error;

	fixture(dir);
	path = path_in(dir, "dst.db");
	p2 = path_in(dir, "p2.sop");
	db = open_at(path, LATER);
	assert_int_equal(ferry_import_load(&out, db, p2), 0);
	ferry_buf_dispose(&out);
	before = test_content(path);
	error = ferry_import_backout(&out, db, 2);
	snprintf(msg, sizeof(msg), "%s", ferry_errmsg(db));
	ferry_db_close(db);
	after = test_content(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(path);
	free(p2);
	assert_null(out.ptr);
	assert_int_equal(error, FERRY_ESTATE);
	assert_string_equal(msg, "cannot back out import 2: it is loaded (see "
		"'ferry import show 2')");
}

#undef REFUSED
#undef NOW_BEFORE

/* A commit straight after the load plans first, as documented. */
static void test_import_api_commit__without_preview_plans_first(void **state)
{
	const char *dir = *state;
	ferry_buf out = FERRY_BUF_INIT;
	char *path, *p2;
	ferry_db *db;

	fixture(dir);
	path = path_in(dir, "dst.db");
	p2 = path_in(dir, "p2.sop");
	db = open_at(path, LATER);
	assert_int_equal(ferry_import_load(&out, db, p2), 0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_import_commit(&out, db, 2, NULL), 0);
	assert_non_null(strstr(out.ptr, "\"state\":\"committed\""));
	assert_non_null(strstr(out.ptr, "\"merged\":1"));
	ferry_buf_dispose(&out);
	ferry_db_close(db);
	free(path);
	free(p2);
}

/* ---- allocation failures: each one in turn -------------------------------- */

/* The failing allocator (oom_malloc and its switches) is helpers.h's. */

/* Print a broken rule (the first three of a step); 1. */
static int report(int *shown, const char *fmt, ...)
{
	va_list ap;

	if ((*shown)++ < 3) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	return 1;
}

enum { STEP_LOAD, STEP_PREVIEW, STEP_COMMIT, STEPS };

static const char *const step_names[STEPS] = { "load", "preview", "commit" };

/* Step k of the pipeline on import 2. */
static int step(ferry_db *db, int k, const char *sop)
{
	ferry_commit_options co = FERRY_COMMIT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int error;

	co.no_backup = 1;
	switch (k) {
	case STEP_LOAD:
		error = ferry_import_load(&out, db, sop);
		break;
	case STEP_PREVIEW:
		error = ferry_import_preview(&out, db, 2);
		break;
	default:
		error = ferry_import_commit(&out, db, 2, &co);
		break;
	}
	ferry_buf_dispose(&out);
	return error;
}

/*
 * After a commit that failed for want of memory once: the instance is as
 * before it (checked here, the connection still open), and the same
 * connection commits when asked again.  (A commit keeps its set-wise
 * marks in a temporary table, which the failed transaction may have
 * created and taken away again: the connection must make it anew.)
 * Returns 1 when a rule broke.
 */
static int commit_again(ferry_db *db, const char *path, const char *before,
	long n, int *shown)
{
	char *now = test_content(path);
	int same = strcmp(now, before) == 0, error;

	free(now);
	if (!same)
		return report(shown, "allocation %ld (transient): commit "
			"failed and changed the instance", n);
	if ((error = step(db, STEP_COMMIT, NULL)) != 0)
		return report(shown, "allocation %ld (transient): commit "
			"failed, then failed again on the same connection: "
			"%d (%s)", n, error, ferry_errmsg(db));
	return 0;
}

/*
 * Load, preview and commit p2.sop, failing the n-th allocation for n = 0,
 * 1, ... until the pipeline runs through: only that one (transient), or
 * it and every one after it (persistent).  A step that fails must return
 * FERRY_ENOMEM and leave the instance as it was before that step, or for
 * a preview as after it (with a message, when memory came back for one);
 * a step that copes must leave
 * what it leaves without failures.  (B merges one by one, the rest goes
 * set-wise: both paths are on the way.)  How many failures broke a rule.
 */
static int oom_pipeline(const char *dir, int only_one)
{
	char *path, *orig, *sop, *clean[STEPS + 1], *after;
	const char *mode = only_one ? "transient" : "persistent";
	int counts[STEPS] = { 0, 0, 0 }, bad[STEPS] = { 0, 0, 0 },
		shown[STEPS] = { 0, 0, 0 };
	ferry_db *db;
	long n;
	int k, again, error = 0;

	path = path_in(dir, "dst.db");
	orig = path_in(dir, "orig.db");
	sop = path_in(dir, "p2.sop");
	copy_file(path, orig);
	/* What a run without failures leaves after each step. */
	clean[0] = test_content(path);
	db = open_at(path, LATER);
	for (k = 0; k < STEPS; k++) {
		assert_int_equal(step(db, k, sop), 0);
		clean[k + 1] = test_content(path);
	}
	ferry_db_close(db);
	oom_transient = only_one;
	for (n = 0; n < 100000; n++) {
		copy_file(orig, path);
		db = open_at(path, LATER);
		oom_failed = 0;
		oom_fail_at = n;
		ferry_set_allocator(oom_malloc, oom_realloc, free);
		for (k = 0; k < STEPS; k++)
			if ((error = step(db, k, sop)) != 0)
				break;
		ferry_set_allocator(NULL, NULL, NULL);
		oom_fail_at = -1;
		if (error != 0 && error != FERRY_ENOMEM)
			bad[k] += report(&shown[k], "allocation %ld (%s): %s "
				"returned %d (%s), not FERRY_ENOMEM", n, mode,
				step_names[k], error, ferry_errmsg(db));
		if (error != 0 && only_one && !*ferry_errmsg(db))
			bad[k] += report(&shown[k], "allocation %ld (%s): %s "
				"returned FERRY_ENOMEM with no message", n,
				mode, step_names[k]);
		/* Failed in step k: as before it; ran through: as after.
		 * A commit that failed once is asked again (commit_again),
		 * and leaves what the pipeline does. */
		again = error == FERRY_ENOMEM && only_one && k == STEP_COMMIT;
		if (again)
			bad[k] += commit_again(db, path, clean[k], n, &shown[k]);
		ferry_db_close(db);
		after = test_content(path);
		/* A preview is the plan's transaction, then a read of
		 * what it kept: failing in the read leaves the plan made,
		 * exactly as a preview that ran through does. */
		if (strcmp(after, clean[again ? STEPS : k]) != 0 &&
		    !(k == STEP_PREVIEW && strcmp(after, clean[k + 1]) == 0))
			bad[k < STEPS ? k : STEPS - 1] += report(
				&shown[k < STEPS ? k : STEPS - 1],
				"allocation %ld (%s): %s", n, mode,
				again ? "commit failed, then committed on "
				"the same connection, and left another "
				"instance" :
				k == STEPS ? "the pipeline ran through but "
				"left another instance" : k == STEP_PREVIEW ?
				"preview failed and changed the instance" :
				k == STEP_LOAD ? "load failed and changed the "
				"instance" : "commit failed and changed the "
				"instance");
		free(after);
		if (k < STEPS)
			counts[k]++;
		if (!oom_failed)
			break;
	}
	oom_transient = 0;
	print_message("load, preview, commit: failed each of %ld allocations "
		"in turn (%s; failures in load %d, preview %d, commit %d)\n",
		n, mode, counts[STEP_LOAD], counts[STEP_PREVIEW],
		counts[STEP_COMMIT]);
	copy_file(orig, path);
	for (k = 0; k <= STEPS; k++)
		free(clean[k]);
	free(path);
	free(orig);
	free(sop);
	if (bad[0] + bad[1] + bad[2] > 0)
		print_message("%s: %d of the failures in load, %d in preview "
			"and %d in commit broke the rules (the first of each "
			"above)\n", mode, bad[0], bad[1], bad[2]);
	assert_int_equal(error, 0);
	assert_true(counts[STEP_LOAD] > 0);
	assert_true(counts[STEP_PREVIEW] > 0);
	assert_true(counts[STEP_COMMIT] > 0);
	return bad[0] + bad[1] + bad[2];
}

static void test_import_api_oom__load_preview_commit(void **state)
{
	int bad;

	fixture(*state);
	bad = oom_pipeline(*state, 1);
	bad += oom_pipeline(*state, 0);
	if (bad > 0)
		fail_msg("%d allocation failures broke the rules", bad);
}

/* ---- the set-wise commit against the write path --------------------------- */

/*
 * What the two paths must agree on, from the instance at path: every
 * table as it is (records, catalog, imports, packs...), except two kinds
 * of bookkeeping a path may keep its own way.  Versions are compared
 * without their row ids (the paths write the same versions, in another
 * order across records): each with its parent's hash and its place in
 * its record's history instead, and with their payloads, wherever they
 * keep them (a set-wise write keeps the staged one); and the staged
 * payloads by their key, which both paths keep for every item commit
 * wrote and drop for the rest (store.h).  The plan is compared without
 * the commit's scratch columns (which path an item took, the version
 * before it) and its stored outcomes, and the outcomes as the import's
 * show document gives them.
 */
static char *parity_content(const char *dir, const char *path)
{
	ferry_buf show = FERRY_BUF_INIT;
	char *cmp = path_in(dir, "cmp.db"), *c, *all;
	size_t len;
	ferry_db *db;

	copy_file(path, cmp);
	exec_sql(cmp, "CREATE TABLE parity_version AS SELECT entity, sys_id, "
		"(SELECT count(*) FROM ferry_version e WHERE e.entity = "
		"v.entity AND e.sys_id = v.sys_id AND e.id < v.id) AS place, "
		"rkey, action, hash, parent, (SELECT p.hash FROM ferry_version "
		"p WHERE p.id = v.parent_id) AS parent_id_hash, CASE WHEN "
		"v.payload_k IS NULL THEN v.payload ELSE (SELECT x.payload "
		"FROM ferry_version_payload x WHERE x.k = v.payload_k) END AS "
		"payload, policy, vendor, author, at, pack_id, source, "
		"import_id FROM ferry_version v; "
		"CREATE TABLE parity_staged AS SELECT k, payload FROM "
		"ferry_version_payload; "
		"DROP TABLE ferry_version_payload; "
		"CREATE TABLE parity_plan AS SELECT import_id, item, "
		"target_id, target_version, target_policy, conflicts, "
		"decision, act, detail, same, applied FROM ferry_import_plan; "
		"DROP TABLE ferry_version; DROP TABLE ferry_import_plan; "
		"DROP TABLE ferry_import_outcome");
	c = test_content(cmp);
	db = open_at(path, LATER);
	assert_int_equal(ferry_import_show(&show, db, 2), 0);
	ferry_db_close(db);
	len = strlen(c) + show.size + 2;
	all = malloc(len);
	snprintf(all, len, "%s\n%s", c, show.ptr);
	ferry_buf_dispose(&show);
	free(c);
	free(cmp);
	return all;
}

/* Commit sop into a copy of dst.db named name, with the set-wise path on
 * or off; *fast receives how many items took the set-wise path. */
static char *commit_copy(const char *dir, const char *name, const char *sop,
	int fast_path, long long *fast)
{
	ferry_commit_options co = FERRY_COMMIT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	char *dst = path_in(dir, "dst.db"), *path = path_in(dir, name), *c;
	ferry_db *db;

	co.no_backup = 1;
	copy_file(dst, path);
	db = open_at(path, LATER);
	ferry__import_set_fast_path(fast_path);
	assert_int_equal(ferry_import_load(&out, db, sop), 0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_import_preview(&out, db, 2), 0);
	ferry_buf_dispose(&out);
	/* The application package's open B onto the target's changed B
	 * is customized: a strong overwrite. */
	assert_int_equal(ferry_import_resolve(&out, db, 2, "accept", NULL, 0),
		0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_import_commit(&out, db, 2, &co), 0);
	ferry_buf_dispose(&out);
	ferry__import_set_fast_path(1);
	ferry_db_close(db);
	/* A version written set-wise names the payload load staged
	 * (payload_k); one written one by one holds its own. */
	*fast = query_int(path, "SELECT count(*) FROM ferry_version WHERE "
		"import_id = 2 AND payload_k IS NOT NULL");
	c = parity_content(dir, path);
	free(dst);
	free(path);
	return c;
}

static void parity(const char *dir, const char *package)
{
	char *sop = path_in(dir, package), *fast, *slow;
	long long n_fast, n_slow;

	fast = commit_copy(dir, "fast.db", sop, 1, &n_fast);
	slow = commit_copy(dir, "slow.db", sop, 0, &n_slow);
	/* Each path was really taken: p2 inserts C, E and two teams and
	 * updates A set-wise; B merges, D is deleted, one by one. */
	assert_int_equal(n_fast, 5);
	assert_int_equal(n_slow, 0);
	if (strcmp(fast, slow) != 0) {
		FILE *f = fopen(test_path(dir, "fast.txt"), "w");

		fputs(fast, f);
		fclose(f);
		f = fopen(test_path(dir, "slow.txt"), "w");
		fputs(slow, f);
		fclose(f);
		fail_msg("%s: the set-wise commit and the write path give "
			"different instances (diff %s/fast.txt %s/slow.txt)",
			package, dir, dir);
	}
	free(fast);
	free(slow);
	free(sop);
}

static void test_import_api_fast_path__same_instance_as_write_path(
	void **state)
{
	fixture(*state);
	parity(*state, "p2.sop");
}

static void test_import_api_fast_path__same_instance_as_write_path_app(
	void **state)
{
	fixture(*state);
	parity(*state, "p2app.sop");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_import_api_misuse__no_handle),
		T(test_import_api_misuse__wrong_calls_change_nothing),
		T(test_import_api_misuse__backout_of_a_loaded_import),
		T(test_import_api_commit__without_preview_plans_first),
		T(test_import_api_fast_path__same_instance_as_write_path),
		T(test_import_api_fast_path__same_instance_as_write_path_app),
		T(test_import_api_oom__load_preview_commit),
	};
#undef T

	/* Misuse is what these tests try: answered, not stopped, in
	 * every build (test_api.c checks the debug build's stop). */
	ferry__misuse_abort(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
