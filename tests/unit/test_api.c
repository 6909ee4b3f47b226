/*
 * test_api.c - the library as a caller sees it: creating and opening
 * instances and their errors, ferry_strerror() and ferry_errmsg(), misuse,
 * and the promise that a failing call leaves the instance as it was -
 * also when memory runs out at any allocation.
 *
 * The instance's content is compared through a second SQLite connection
 * (every table's rows, sorted, plus the schema), so "unchanged" means
 * unchanged on disk, not as the handle remembers it.
 */
#include "helpers.h"
#include "store/handle.h"

#include "ferry.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOW "2021-12-31T12:00:00Z"
#define SYS_ID "0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
#define OTHER_ID "6fa459ea-ee8a-4ca4-894e-db77e160355e"

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

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ---- the instance's content, through a connection of our own ---------- */

/* An instance with entity member (name nvarchar(10), age int), one
 * record SYS_ID, a pack "P" completed, and a user bob (not an admin). */
static char *fixture(const char *dir)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	char *path = path_in(dir, "i.db");
	FILE *in;
	ferry_db *db;

	o.now = NOW;
	assert_int_equal(ferry_db_create(&db, path, &o), 0);
	assert_int_equal(ferry_entity_create(db, "member", "Member", NULL), 0);
	assert_int_equal(ferry_field_add(db, "member", "name", "nvarchar(10)",
		NULL, NULL, NULL), 0);
	assert_int_equal(ferry_field_add(db, "member", "age", "int", NULL,
		NULL, NULL), 0);
	in = fmemopen((void *)"{\"sys_id\":\"" SYS_ID "\",\"name\":\"Ann\"}\n",
		strlen("{\"sys_id\":\"" SYS_ID "\",\"name\":\"Ann\"}\n"), "r");
	assert_int_equal(ferry_record_load(NULL, db, "member", in), 0);
	fclose(in);
	assert_int_equal(ferry_pack_create(db, "P", NULL, 1), 0);
	assert_int_equal(ferry_record_put(NULL, db, "member",
		"{\"name\":\"Bob\"}"), 0);
	assert_int_equal(ferry_pack_complete(db, "P"), 0);
	assert_int_equal(ferry_user_add(db, "bob", 0, "Europe/Moscow"), 0);
	ferry_db_close(db);
	return path;
}

static ferry_db *open_at(const char *path)
{
	ferry_db *db;

	assert_int_equal(ferry_db_open(&db, path), 0);
	assert_int_equal(ferry_db_set_now(db, "2022-02-02T02:02:02Z"), 0);
	return db;
}

/* ---- create and open ------------------------------------------------------ */

static void test_api_create__makes_an_instance(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_buf info = FERRY_BUF_INIT, users = FERRY_BUF_INIT;
	char *path = path_in(*state, "new.db");
	ferry_db *db = NULL;

	o.name = "dev";
	o.admin = "alice";
	o.tz = "Europe/Moscow";
	o.now = NOW;
	assert_int_equal(ferry_db_create(&db, path, &o), 0);
	assert_non_null(db);
	assert_int_equal(ferry_instance_info(&info, db), 0);
	assert_non_null(strstr(info.ptr, "\"name\":\"dev\""));
	assert_non_null(strstr(info.ptr, "\"schema_version\":20"));
	assert_int_equal(ferry_user_list(&users, db), 0);
	assert_string_equal(users.ptr, "[{\"name\":\"alice\",\"admin\":true,"
		"\"tz\":\"Europe/Moscow\",\"current_pack\":\"Default\"}]");
	ferry_buf_dispose(&info);
	ferry_buf_dispose(&users);
	ferry_db_close(db);
	/* The defaults: named after the file, admin "admin" in UTC. */
	free(path);
	path = path_in(*state, "plain.db");
	assert_int_equal(ferry_db_create(&db, path, NULL), 0);
	assert_int_equal(ferry_instance_info(&info, db), 0);
	assert_non_null(strstr(info.ptr, "\"name\":\"plain.db\""));
	assert_int_equal(ferry_user_list(&users, db), 0);
	assert_non_null(strstr(users.ptr, "\"name\":\"admin\""));
	assert_non_null(strstr(users.ptr, "\"tz\":\"UTC\""));
	ferry_buf_dispose(&info);
	ferry_buf_dispose(&users);
	ferry_db_close(db);
	free(path);
}

static void test_api_create__refuses_an_existing_file(void **state)
{
	char *path = path_in(*state, "x.db"), buf[16] = { 0 };
	ferry_db *db = NULL;
	FILE *f = fopen(path, "w");

	fputs("precious", f);
	fclose(f);
	assert_int_equal(ferry_db_create(&db, path, NULL), FERRY_EEXISTS);
	assert_non_null(db);	/* returned even on failure, for the message */
	assert_non_null(strstr(ferry_errmsg(db), "already exists"));
	ferry_db_close(db);
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious");
	free(path);
}

static void test_api_create__bad_options_leave_no_file(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	char *path = path_in(*state, "n.db");
	ferry_db *db = NULL;

	o.tz = "Mars/Olympus";
	assert_int_equal(ferry_db_create(&db, path, &o), FERRY_EINVALID);
	assert_non_null(strstr(ferry_errmsg(db), "unknown time zone "
		"'Mars/Olympus'"));
	ferry_db_close(db);
	o.tz = NULL;
	o.admin = "";
	assert_int_equal(ferry_db_create(&db, path, &o), FERRY_EINVALID);
	ferry_db_close(db);
	o.admin = NULL;
	o.name = "";
	assert_int_equal(ferry_db_create(&db, path, &o), FERRY_EINVALID);
	ferry_db_close(db);
	o.name = NULL;
	o.now = "noon";
	assert_int_equal(ferry_db_create(&db, path, &o), FERRY_EINVALID);
	assert_non_null(strstr(ferry_errmsg(db), "cannot read the time"));
	ferry_db_close(db);
	assert_false(file_exists(path));
	assert_int_equal(ferry_db_create(&db, NULL, NULL), FERRY_EMISUSE);
	assert_non_null(db);
	assert_string_not_equal(ferry_errmsg(db), "");
	ferry_db_close(db);
	free(path);
}

static void test_api_create__fixed_clock_stamps_the_instance(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_buf packs = FERRY_BUF_INIT;
	char *path = path_in(*state, "c.db");
	ferry_db *db;

	o.now = NOW;
	assert_int_equal(ferry_db_create(&db, path, &o), 0);
	assert_int_equal(ferry_pack_list(&packs, db), 0);
	assert_non_null(strstr(packs.ptr, "\"created_at\":\"" NOW "\""));
	ferry_buf_dispose(&packs);
	ferry_db_close(db);
	free(path);
}

static void test_api_open__errors(void **state)
{
	char *missing = path_in(*state, "missing.db");
	char *text = path_in(*state, "text.db");
	char *other = path_in(*state, "other.db");
	ferry_db *db = NULL;
	sqlite3 *c;
	FILE *f;

	assert_int_equal(ferry_db_open(&db, missing), FERRY_ENOTFOUND);
	assert_non_null(strstr(ferry_errmsg(db), "no instance at"));
	ferry_db_close(db);
	assert_false(file_exists(missing));

	f = fopen(text, "w");
	fputs("this is not a database, just text that is long enough to "
		"cover a header of one hundred bytes ...........................",
		f);
	fclose(f);
	assert_int_equal(ferry_db_open(&db, text), FERRY_EFORMAT);
	assert_string_not_equal(ferry_errmsg(db), "");
	ferry_db_close(db);

	assert_int_equal(sqlite3_open(other, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "CREATE TABLE t (x)", NULL, NULL,
		NULL), SQLITE_OK);
	sqlite3_close(c);
	assert_int_equal(ferry_db_open(&db, other), FERRY_EFORMAT);
	assert_non_null(strstr(ferry_errmsg(db), "is not a ferry instance"));
	ferry_db_close(db);

	assert_int_equal(ferry_db_open(&db, NULL), FERRY_EMISUSE);
	ferry_db_close(db);
	free(missing);
	free(text);
	free(other);
}

static void test_api_open__newer_schema_is_refused(void **state)
{
	char *path = fixture(*state);
	ferry_db *db;
	sqlite3 *c;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "PRAGMA user_version = 99", NULL,
		NULL, NULL), SQLITE_OK);
	sqlite3_close(c);
	assert_int_equal(ferry_db_open(&db, path), FERRY_EFORMAT);
	assert_non_null(strstr(ferry_errmsg(db), "made by a newer ferry"));
	ferry_db_close(db);
	free(path);
}

/* ---- error texts ------------------------------------------------------------ */

static void test_api_strerror__every_code_has_text(void **state)
{
	const char *seen[16];
	int code, k;

	(void)state;
	for (code = FERRY_OK; code >= FERRY_EAUTH; code--) {
		const char *t = ferry_strerror(code);

		assert_non_null(t);
		assert_true(strlen(t) > 2);
		assert_string_not_equal(t, "unknown error");
		for (k = 0; k < -code; k++)
			assert_string_not_equal(seen[k], t);
		seen[-code] = t;
	}
	assert_string_equal(ferry_strerror(FERRY_ENOTFOUND), "not found");
	assert_string_equal(ferry_strerror(FERRY_EAUTH - 1),
		"unknown error");
	assert_string_equal(ferry_strerror(1), "unknown error");
	assert_string_equal(ferry_strerror(INT_MIN), "unknown error");
	assert_string_equal(ferry_strerror(INT_MAX), "unknown error");
}

static void test_api_errmsg__one_line_that_says_what_to_do(void **state)
{
	char *path = fixture(*state);
	ferry_db *db = open_at(path);
	const char *m;

	assert_non_null(ferry_errmsg(NULL));
	assert_int_equal(ferry_record_put(NULL, db, "member",
		"{\"age\":\"x\"}"), FERRY_EINVALID);
	m = ferry_errmsg(db);
	assert_string_equal(m, "member.age: int takes an integer; got a "
		"string");
	assert_int_equal(ferry_entity_show(NULL, db, "ghost"), FERRY_ENOTFOUND);
	m = ferry_errmsg(db);
	assert_string_equal(m, "no entity 'ghost'; see 'ferry entity list'");
	assert_null(strchr(m, '\n'));
	assert_null(strstr(m, "failed to"));
	ferry_db_close(db);
	free(path);
}

/* ---- misuse ------------------------------------------------------------------ */

static void test_api_misuse__null_handle(void **state)
{
	ferry_buf b = FERRY_BUF_INIT;
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	uint64_t n = 7;
	/* The answers themselves: debug builds would stop at the first. */
	int was = ferry__misuse_abort(0);

	(void)state;
	assert_int_equal(ferry_db_set_now(NULL, NOW), FERRY_EMISUSE);
	assert_int_equal(ferry_db_set_user(NULL, "x"), FERRY_EMISUSE);
	assert_int_equal(ferry_instance_info(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_user_add(NULL, "x", 0, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_user_set(NULL, "x", NULL, 1), FERRY_EMISUSE);
	assert_int_equal(ferry_user_list(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_property_set(NULL, "k", "v"), FERRY_EMISUSE);
	assert_int_equal(ferry_property_get(&b, NULL, "k"), FERRY_EMISUSE);
	assert_int_equal(ferry_property_list(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_entity_create(NULL, "e", NULL, NULL),
		FERRY_EMISUSE);
	assert_int_equal(ferry_entity_list(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_entity_show(&b, NULL, "e"), FERRY_EMISUSE);
	assert_int_equal(ferry_field_add(NULL, "e", "f", "int", NULL, NULL,
		NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_field_set(NULL, "e", "f", "int", NULL, NULL,
		NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_field_drop(NULL, "e", "f"), FERRY_EMISUSE);
	assert_int_equal(ferry_record_put(&b, NULL, "e", "{}"), FERRY_EMISUSE);
	assert_int_equal(ferry_record_get(&b, NULL, "e", SYS_ID),
		FERRY_EMISUSE);
	assert_int_equal(ferry_record_list(NULL, "e", NULL, NULL),
		FERRY_EMISUSE);
	assert_int_equal(ferry_record_load(&n, NULL, "e", stdin),
		FERRY_EMISUSE);
	assert_int_equal(ferry_record_delete(NULL, "e", SYS_ID), FERRY_EMISUSE);
	assert_int_equal(ferry_record_history(&b, NULL, "e", SYS_ID),
		FERRY_EMISUSE);
	assert_int_equal(ferry_record_restore(NULL, "e", SYS_ID, "abcd"),
		FERRY_EMISUSE);
	assert_int_equal(ferry_pack_create(NULL, "p", NULL, 0), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_use(NULL, "p"), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_current(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_list(&b, NULL), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_show(&b, NULL, "p"), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_add_record(NULL, "p", "e", SYS_ID),
		FERRY_EMISUSE);
	assert_int_equal(ferry_pack_add_definition(NULL, "p", "formula", "f",
		1), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_complete(NULL, "p"), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_reopen(NULL, "p"), FERRY_EMISUSE);
	assert_int_equal(ferry_pack_export(&b, NULL, "p", &eo), FERRY_EMISUSE);
	assert_null(b.ptr);
	ferry_db_close(NULL);
	ferry_db_set_progress(NULL, NULL, NULL);
	ferry_buf_dispose(NULL);
	ferry_buf_dispose(&b);
	ferry_buf_dispose(&b);
	ferry__misuse_abort(was);
}

/*
 * Misuse stops a debug build at once, naming the function, so a face's
 * mistake is loud in every test; a release build answers FERRY_EMISUSE.
 */
static void test_api_misuse__debug_build_stops(void **state)
{
	int def = ferry__misuse_abort(1), status;
	pid_t pid;

	(void)state;
#ifdef NDEBUG
	assert_int_equal(def, 0);
#else
	assert_int_equal(def, 1);
#endif
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ferry_buf b = FERRY_BUF_INIT;

		/* Not reached: the check stops the process. */
		_exit(ferry_record_get(&b, NULL, "e", SYS_ID) ==
			FERRY_EMISUSE ? 3 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	ferry__misuse_abort(0);
	assert_int_equal(ferry_record_get(NULL, NULL, "e", SYS_ID),
		FERRY_EMISUSE);
	ferry__misuse_abort(def);
}

static void test_api_misuse__null_json(void **state)
{
	char *path = fixture(*state);
	ferry_db *db = open_at(path);
	int was = ferry__misuse_abort(0);

	assert_int_equal(ferry_record_put(NULL, db, "member", NULL),
		FERRY_EMISUSE);
	ferry__misuse_abort(was);
	ferry_db_close(db);
	free(path);
}

/* ---- a failing call leaves the instance unchanged ------------------------------- */

static int load_text(ferry_db *db, const char *entity, const char *text,
	uint64_t *count)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int error;

	assert_non_null(in);
	error = ferry_record_load(count, db, entity, in);
	fclose(in);
	return error;
}

static void test_api_unchanged__after_each_failing_call(void **state)
{
	char *path = fixture(*state), *before, *after;
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf b = FERRY_BUF_INIT;
	ferry_db *db = open_at(path);
	uint64_t count = 99;
	sqlite3 *c;
	int i;

	eo.output = test_path(*state, "never.sop");
	before = test_content(path);
#define FAILS(code, call) do { \
		assert_int_equal((call), (code)); \
		assert_string_not_equal(ferry_errmsg(db), ""); \
		after = test_content(path); \
		if (strcmp(before, after) != 0) \
			fail_msg("%s changed the instance", #call); \
		free(after); \
	} while (0)
	FAILS(FERRY_EINVALID, ferry_record_put(&b, db, "member",
		"{\"name\":\"far too long a name\"}"));
	FAILS(FERRY_ENOTFOUND, ferry_record_put(&b, db, "member",
		"{\"nick\":\"x\"}"));
	FAILS(FERRY_EINVALID, ferry_record_put(&b, db, "member", "{\"name\":"));
	FAILS(FERRY_ENOTFOUND, ferry_record_put(&b, db, "ghost", "{}"));
	FAILS(FERRY_EINVALID, load_text(db, "member", "{\"name\":\"a\"}\n"
		"{\"name\":\"b\"}\n{\"age\":1.5}\n{\"name\":\"d\"}\n", &count));
	assert_int_equal(count, 0);
	assert_non_null(strstr(ferry_errmsg(db), "line 3: "));
	FAILS(FERRY_EINVALID, load_text(db, "member", "{\"name\":\"a\"}\n{",
		&count));
	assert_non_null(strstr(ferry_errmsg(db), "line 2: "));
	FAILS(FERRY_EEXISTS, ferry_entity_create(db, "member", NULL, NULL));
	FAILS(FERRY_EINVALID, ferry_entity_create(db, "x; DROP TABLE member",
		NULL, NULL));
	FAILS(FERRY_EEXISTS, ferry_field_add(db, "member", "name", "int",
		NULL, NULL, NULL));
	FAILS(FERRY_EINVALID, ferry_field_add(db, "member", "x", "int(3)",
		NULL, NULL, NULL));
	FAILS(FERRY_ECONFLICT, ferry_field_set(db, "member", "name",
		"nvarchar(2)", NULL, NULL, NULL));
	FAILS(FERRY_ENOTFOUND, ferry_field_drop(db, "member", "ghost"));
	FAILS(FERRY_EINVALID, ferry_user_add(db, "carol", 0, "Nowhere"));
	FAILS(FERRY_EEXISTS, ferry_user_add(db, "bob", 1, NULL));
	FAILS(FERRY_ESTATE, ferry_user_set(db, "admin", NULL, 0));
	FAILS(FERRY_EINVALID, ferry_property_set(db, "a key", "v"));
	FAILS(FERRY_ESTATE, ferry_pack_complete(db, "Default"));
	FAILS(FERRY_ESTATE, ferry_pack_complete(db, "P"));
	FAILS(FERRY_ESTATE, ferry_pack_use(db, "P"));
	FAILS(FERRY_ESTATE, ferry_pack_add_record(db, "P", "member", SYS_ID));
	FAILS(FERRY_EEXISTS, ferry_pack_create(db, "P", NULL, 1));
	FAILS(FERRY_ENOTFOUND, ferry_record_restore(db, "member", SYS_ID,
		"ffff"));
	FAILS(FERRY_ENOTFOUND, ferry_record_delete(db, "member",
		"00000000-0000-4000-8000-000000000000"));
	FAILS(FERRY_ESTATE, ferry_pack_export(&b, db, "Default", &eo));
	assert_null(b.ptr);
	/* As a non-admin. */
	assert_int_equal(ferry_db_set_user(db, "bob"), 0);
	FAILS(FERRY_EDENIED, ferry_entity_create(db, "other", NULL, NULL));
	FAILS(FERRY_EDENIED, ferry_field_add(db, "member", "x", "int", NULL,
		NULL, NULL));
	FAILS(FERRY_EDENIED, ferry_user_add(db, "carol", 0, NULL));
	FAILS(FERRY_EDENIED, ferry_property_set(db, "k", "v"));
	FAILS(FERRY_EDENIED, ferry_pack_reopen(db, "P"));
	/* As nobody. */
	assert_int_equal(ferry_db_set_user(db, "ghost"), 0);
	FAILS(FERRY_ENOTFOUND, ferry_record_put(&b, db, "member", "{}"));
	FAILS(FERRY_ENOTFOUND, ferry_user_list(&b, db));
	/* A protected record (as an application import would leave it). */
	assert_int_equal(ferry_db_set_user(db, NULL), 0);
	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "UPDATE member SET sys_policy = "
		"'protected' WHERE sys_id = '" SYS_ID "'", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(c);
	free(before);
	before = test_content(path);
	FAILS(FERRY_EPROTECTED, ferry_record_put(&b, db, "member",
		"{\"sys_id\":\"" SYS_ID "\",\"age\":1}"));
	FAILS(FERRY_EPROTECTED, ferry_record_delete(db, "member", SYS_ID));
	FAILS(FERRY_EPROTECTED, load_text(db, "member", "{\"name\":\"new\"}\n"
		"{\"sys_id\":\"" SYS_ID "\",\"age\":2}\n", &count));
#undef FAILS
	/* And the handle still works after all that. */
	for (i = 0; i < 2; i++)
		assert_int_equal(ferry_record_put(&b, db, "member",
			"{\"name\":\"ok\"}"), 0);
	ferry_buf_dispose(&b);
	free(before);
	ferry_db_close(db);
	free(path);
}

/* ---- out of memory at each allocation ------------------------------------------ */

/* The failing allocator (oom_malloc and its switches) is helpers.h's. */

typedef int (*oom_call)(ferry_db *db, const char *dir);

static char first_version[65];	/* SYS_ID's first version, for restore */
static char result[1024];	/* what a call returned, beyond the database */

static int oom_put(ferry_db *db, const char *dir)
{
	ferry_buf id = FERRY_BUF_INIT;
	int error;

	(void)dir;
	error = ferry_record_put(&id, db, "member",
		"{\"sys_id\":\"" SYS_ID "\",\"name\":\"Zoe\",\"age\":3}");
	ferry_buf_dispose(&id);
	return error;
}

static int oom_load(ferry_db *db, const char *dir)
{
	(void)dir;
	/* Fixed ids: a record's hash covers its sys_id. */
	return load_text(db, "member", "{\"sys_id\":\"" OTHER_ID "\","
		"\"name\":\"a\",\"age\":1}\n"
		"{\"sys_id\":\"" SYS_ID "\",\"name\":\"b\"}\n", NULL);
}

static int oom_field_add(ferry_db *db, const char *dir)
{
	(void)dir;
	return ferry_field_add(db, "member", "born", "date", "Born", "d",
		"\"2000-01-01\"");
}

static int oom_export(ferry_db *db, const char *dir)
{
	ferry_export_options eo = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	int error;

	eo.dir = dir;
	eo.overwrite = 1;
	error = ferry_pack_export(&out, db, "P", &eo);
	snprintf(result, sizeof(result), "%s", error == 0 ? out.ptr : "");
	ferry_buf_dispose(&out);
	return error;
}

static int oom_restore(ferry_db *db, const char *dir)
{
	(void)dir;
	return ferry_record_restore(db, "member", SYS_ID, first_version);
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

/*
 * Run call once for every allocation it makes, failing that allocation
 * (transient: that one only; else every one from there on).  Each run
 * either fails and leaves the instance as it was, or copes and gives
 * the same instance and result as a run without failures.  The last run,
 * with no failure, must succeed.
 */
static void oom_each(const char *top, oom_call call, const char *what,
	int only_one)
{
	char *dir = path_in(top, only_one ? "transient" : "persistent");
	char *path = (mkdir(dir, 0777), fixture(dir));
	char *orig = path_in(dir, "orig.db");
	char *before, *after, *clean, clean_result[sizeof(result)];
	ferry_db *db = open_at(path);
	long n;
	int error = -1, coped = 0;
	sqlite3 *c;
	sqlite3_stmt *st;

	/* A change beforehand, so restore has an older version to use. */
	assert_int_equal(ferry_record_put(NULL, db, "member",
		"{\"sys_id\":\"" SYS_ID "\",\"age\":9}"), 0);
	ferry_db_close(db);
	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT hash FROM ferry_version "
		"WHERE sys_id = '" SYS_ID "' ORDER BY id LIMIT 1", -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(first_version, sizeof(first_version), "%s",
		(const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(c);
	copy_file(path, orig);
	before = test_content(path);
	/* What a run without failures does. */
	db = open_at(path);
	result[0] = '\0';
	assert_int_equal(call(db, dir), 0);
	ferry_db_close(db);
	clean = test_content(path);
	snprintf(clean_result, sizeof(clean_result), "%s", result);
	copy_file(orig, path);
	oom_transient = only_one;
	for (n = 0; n < 5000; n++) {
		db = open_at(path);
		oom_failed = 0;
		oom_fail_at = n;
		result[0] = '\0';
		ferry_set_allocator(oom_malloc, oom_realloc, free);
		error = call(db, dir);
		ferry_set_allocator(NULL, NULL, NULL);
		oom_fail_at = -1;
		ferry_db_close(db);
		if (!oom_failed)
			break;
		after = test_content(path);
		if (error == 0) {
			/* It coped: the outcome must be the clean one. */
			if (strcmp(clean, after) != 0 ||
			    strcmp(clean_result, result) != 0)
				fail_msg("%s: failing allocation %ld returned 0 "
					"but did not do the work right", what,
					n);
			coped++;
			copy_file(orig, path);
		} else if (strcmp(before, after) != 0) {
			fail_msg("%s: failing allocation %ld returned %d and "
				"changed the instance", what, n, error);
		}
		free(after);
	}
	oom_transient = 0;
	print_message("%s: failed each of %ld allocations in turn (%s), "
		"coped with %d\n", what, n, only_one ? "transient" :
		"persistent", coped);
	assert_true(n > 0);
	assert_true(n < 5000);
	if (error != 0)
		fail_msg("%s: returned %d with no allocation failing", what,
			error);
	free(before);
	free(clean);
	free(orig);
	free(path);
	free(dir);
}

static void test_api_oom__record_put(void **state)
{
	oom_each(*state, oom_put, "record put", 0);
	oom_each(*state, oom_put, "record put", 1);
}

static void test_api_oom__record_load(void **state)
{
	oom_each(*state, oom_load, "record load", 0);
	oom_each(*state, oom_load, "record load", 1);
}

static void test_api_oom__field_add(void **state)
{
	oom_each(*state, oom_field_add, "field add", 0);
	oom_each(*state, oom_field_add, "field add", 1);
}

static void test_api_oom__record_restore(void **state)
{
	oom_each(*state, oom_restore, "record restore", 0);
	oom_each(*state, oom_restore, "record restore", 1);
}

static void test_api_oom__pack_export(void **state)
{
	oom_each(*state, oom_export, "pack export", 0);
	oom_each(*state, oom_export, "pack export", 1);
}

/* ---- callbacks and counts ------------------------------------------------------ */

static int count_and_stop(const char *json, size_t len, void *payload)
{
	int *n = payload;

	assert_true(len > 0);
	assert_int_equal(json[0], '{');
	assert_int_equal(json[len - 1], '}');
	return ++*n == 2;
}

static void test_api_record_list__a_callback_can_stop(void **state)
{
	char *path = fixture(*state);
	ferry_db *db = open_at(path);
	int n = 0;

	assert_int_equal(ferry_record_put(NULL, db, "member",
		"{\"name\":\"Cy\"}"), 0);
	assert_int_equal(ferry_record_list(db, "member", count_and_stop, &n),
		0);
	assert_int_equal(n, 2);
	ferry_db_close(db);
	free(path);
}

typedef struct {
	int calls;
	uint64_t done, total;
} progress_seen;

static void on_progress(const char *what, uint64_t done, uint64_t total,
	void *payload)
{
	progress_seen *p = payload;

	assert_non_null(what);
	p->calls++;
	p->done = done;
	p->total = total;
}

static void test_api_record_load__count_and_progress(void **state)
{
	char *path = fixture(*state);
	ferry_db *db = open_at(path);
	progress_seen seen = { 0, 0, 0 };
	uint64_t count = 0;

	ferry_db_set_progress(db, on_progress, &seen);
	assert_int_equal(load_text(db, "member", "{\"name\":\"a\"}\n\n"
		"{\"name\":\"b\"}\n{\"name\":\"c\"}", &count), 0);
	assert_int_equal(count, 3);
	assert_true(seen.calls >= 1);
	assert_int_equal(seen.done, 3);
	assert_int_equal(seen.total, 3);
	ferry_db_close(db);
	free(path);
}

static void test_api_user__unknown_actor_is_refused_on_use(void **state)
{
	char *path = fixture(*state);
	ferry_db *db = open_at(path);
	ferry_buf b = FERRY_BUF_INIT;

	assert_int_equal(ferry_db_set_user(db, "ghost"), 0);
	assert_int_equal(ferry_pack_current(&b, db), FERRY_ENOTFOUND);
	assert_string_equal(ferry_errmsg(db), "no user 'ghost' in this "
		"instance; see 'ferry user list', or ask an admin to add you");
	assert_int_equal(ferry_db_set_user(db, "bob"), 0);
	assert_int_equal(ferry_pack_current(&b, db), 0);
	assert_string_equal(b.ptr, "{\"user\":\"bob\",\"name\":\"Default\","
		"\"state\":\"in_progress\"}");
	ferry_buf_dispose(&b);
	assert_int_equal(ferry_db_set_now(db, "2021-12-31"), FERRY_EINVALID);
	ferry_db_close(db);
	free(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_api_create__makes_an_instance),
		T(test_api_create__refuses_an_existing_file),
		T(test_api_create__bad_options_leave_no_file),
		T(test_api_create__fixed_clock_stamps_the_instance),
		T(test_api_open__errors),
		T(test_api_open__newer_schema_is_refused),
		T(test_api_strerror__every_code_has_text),
		T(test_api_errmsg__one_line_that_says_what_to_do),
		T(test_api_misuse__null_handle),
		T(test_api_misuse__debug_build_stops),
		T(test_api_misuse__null_json),
		T(test_api_unchanged__after_each_failing_call),
		T(test_api_oom__record_put),
		T(test_api_oom__record_load),
		T(test_api_oom__field_add),
		T(test_api_oom__record_restore),
		T(test_api_oom__pack_export),
		T(test_api_record_list__a_callback_can_stop),
		T(test_api_record_load__count_and_progress),
		T(test_api_user__unknown_actor_is_refused_on_use),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
