/*
 * db.c - the handle: errors, the clock, the acting user, output buffers.
 */
#include "db.h"

#include "alloc.h"
#include "tmpfile.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * Every status code once: its fixed text (ferry_strerror) and its stable
 * name (ferry_error_name), in code order.  A new code appends a row here.
 */
static const struct {
	const char *text;
	const char *name;
} error_table[] = {
	{ "done", "ok" },				/* FERRY_OK */
	{ "error", "error" },				/* FERRY_ERROR */
	{ "not found", "not_found" },			/* FERRY_ENOTFOUND */
	{ "already exists", "exists" },			/* FERRY_EEXISTS */
	{ "invalid input", "invalid" },			/* FERRY_EINVALID */
	{ "permission denied", "denied" },		/* FERRY_EDENIED */
	{ "conflict", "conflict" },			/* FERRY_ECONFLICT */
	{ "damaged, foreign or too new file", "bad_file" }, /* FERRY_EFORMAT */
	{ "misuse of the library", "misuse" },		/* FERRY_EMISUSE */
	{ "out of memory", "too_large" },		/* FERRY_ENOMEM */
	{ "input/output error", "io_error" },		/* FERRY_EIO */
	{ "not allowed in this state", "state" },	/* FERRY_ESTATE */
	{ "unresolved problems", "unresolved_problems" }, /* FERRY_EUNRESOLVED */
	{ "instance busy", "busy" },			/* FERRY_EBUSY */
	{ "record protected", "protected" },		/* FERRY_EPROTECTED */
	{ "not authenticated", "unauthenticated" },	/* FERRY_EAUTH */
};

#define ERROR_ROWS (sizeof(error_table) / sizeof(error_table[0]))

/* The row of a code, or ERROR_ROWS. */
static size_t error_row(int code)
{
	/* Negate as size_t: -INT_MIN does not fit an int. */
	size_t i = code <= 0 ? -(size_t)code : (size_t)-1;

	return i < ERROR_ROWS ? i : ERROR_ROWS;
}

const char *ferry_strerror(int code)
{
	size_t i = error_row(code);

	return i < ERROR_ROWS ? error_table[i].text : "unknown error";
}

const char *ferry_error_name(int code)
{
	size_t i = error_row(code);

	return i < ERROR_ROWS ? error_table[i].name : "unknown";
}

const char *ferry_errmsg(const ferry_db *db)
{
	if (!db)
		return "no instance handle (out of memory?)";
	return ferry_str_cstr(&db->errmsg);
}

void ferry_set_allocator(void *(*malloc_fn)(size_t),
	void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *))
{
	ferry__set_allocator(malloc_fn, realloc_fn, free_fn);
}

void ferry_remove_temp_files(void)
{
	ferry_tmpfile_cleanup();
}

void ferry_buf_dispose(ferry_buf *buf)
{
	if (!buf)
		return;
	ferry__free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->reserved = 0;
}

int ferry__buf_take(ferry_db *db, ferry_buf *out, ferry_str *s)
{
	if (ferry_str_failed(s)) {
		ferry_str_dispose(s);
		return ferry__oom(db);
	}
	if (!out) {
		ferry_str_dispose(s);
		return 0;
	}
	ferry_buf_dispose(out);
	out->size = s->size;
	out->reserved = s->asize;
	out->ptr = ferry_str_detach(s);
	if (!out->ptr)
		return ferry__oom(db);
	return 0;
}

int ferry__buf_set(ferry_db *db, ferry_buf *out, const char *text)
{
	ferry_str s = FERRY_STR_INIT;

	ferry_str_puts(&s, text);
	return ferry__buf_take(db, out, &s);
}

int64_t ferry__now(const ferry_db *db)
{
	return db->has_fixed_now ? db->fixed_now : (int64_t)time(NULL);
}

void ferry__now_iso(const ferry_db *db, char out[FERRY_ISO_LEN])
{
	ferry_time_format_iso(out, ferry__now(db));
}

int ferry_db_set_now(ferry_db *db, const char *iso)
{
	FERRY_CHECK_DB(db);
	if (!iso) {
		db->has_fixed_now = 0;
		return 0;
	}
	if (ferry_time_parse_iso(&db->fixed_now, iso) < 0)
		return ferry__error(db, FERRY_EINVALID, "cannot read the time "
			"'%s'; write it as 2021-12-31T12:00:00Z (UTC)", iso);
	db->has_fixed_now = 1;
	return 0;
}

int ferry_db_set_user(ferry_db *db, const char *name)
{
	FERRY_CHECK_DB(db);
	ferry__free(db->user);
	ferry__free(db->user_tz);
	db->user_tz = NULL;
	db->user = name ? ferry__strdup(name) : NULL;
	if (name && !db->user)
		return ferry__oom(db);
	db->user_resolved = 0;
	return 0;
}

void ferry_db_set_progress(ferry_db *db, ferry_progress_cb cb, void *payload)
{
	if (!db)
		return;
	db->progress = cb;
	db->progress_payload = payload;
}

void ferry__progress(ferry_db *db, const char *what, uint64_t done,
	uint64_t total)
{
	if (db->progress)
		db->progress(what, done, total, db->progress_payload);
}

int ferry__bulk_begin(ferry_db *db, ferry_bulk kind)
{
	int error;

	if (db->bulk++ > 0)
		return 0;
	if ((error = ferry_store__bulk(db, kind)) < 0)
		db->bulk = 0;
	return error;
}

int ferry__bulk_end(ferry_db *db, int error)
{
	int rc;

	if (db->bulk <= 0 || --db->bulk > 0)
		return error;
	/* (Setting the bound fails only for want of memory, and a step's
	 * own error is the one to report.) */
	if ((rc = ferry_store__bulk(db, FERRY_BULK_OFF)) < 0 && error == 0)
		error = rc;
	return error;
}

int ferry__document(ferry_db *db, ferry_buf *out,
	int (*build)(ferry_db *db, ferry_str *json))
{
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 || (error = build(db, &json)) < 0) {
		ferry_str_dispose(&json);
		return error;
	}
	return ferry__buf_take(db, out, &json);
}

const char *ferry__backup_prefix(const ferry_db *db)
{
	return db->backup_prefix ? db->backup_prefix : db->stem;
}

int ferry__backup(ferry_db *db, ferry_str *path)
{
	char stamp[32];
	time_t now = (time_t)ferry__now(db);
	struct tm tm;
	int n, error = FERRY_EEXISTS;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (n = 0; n < 1000 && error == FERRY_EEXISTS; n++) {
		ferry_str_clear(path);
		ferry_str_printf(path, "%s.backup-%s",
			ferry__backup_prefix(db), stamp);
		if (n)
			ferry_str_printf(path, "-%d", n);
		ferry_str_puts(path, ".db");
		if (ferry_str_failed(path))
			return ferry__oom(db);
		error = ferry_store__backup(db, path->ptr);
	}
	return error;
}

int ferry__actor(ferry_db *db)
{
	ferry_user_row row;
	int error;

	if (db->user_resolved)
		return 0;
	if (db->user)
		error = ferry_store__user_get(db, db->user, &row);
	else
		error = ferry_store__user_first_admin(db, &row);
	if (error == FERRY_ENOTFOUND) {
		if (db->user)
			return ferry__error(db, FERRY_ENOTFOUND, "no user "
				"'%s' in this instance; see 'ferry user list', "
				"or ask an admin to add you", db->user);
		return ferry__error(db, FERRY_ENOTFOUND, "the instance has "
			"no admin user; it is damaged");
	}
	if (error < 0)
		return error;
	ferry__free(db->user);
	ferry__free(db->user_tz);
	db->user = ferry__strdup(row.name);
	db->user_tz = ferry__strdup(row.tz);
	if (!db->user || !db->user_tz)
		return ferry__oom(db);
	db->user_admin = row.admin;
	db->user_pack = row.current_pack;
	db->user_resolved = 1;
	return 0;
}

int ferry__require_admin(ferry_db *db, const char *what)
{
	int error;

	if ((error = ferry__actor(db)) < 0)
		return error;
	if (!db->user_admin)
		return ferry__error(db, FERRY_EDENIED, "only admins may %s; "
			"'%s' is not an admin (an admin can run 'ferry user set "
			"%s --admin')", what, db->user, db->user);
	return 0;
}
