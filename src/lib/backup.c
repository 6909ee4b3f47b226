/*
 * backup.c - listing the instance's backups and restoring one.  Backups
 * are taken by ferry__backup() (db.c) before an import commit, an entity
 * unpack or a restore; the store copies pages (store/sqlite/backups.c).
 */
#include "db.h"

#include "alloc.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One backup file found beside the instance. */
typedef struct {
	char *suffix;		/* the name after the instance's own */
	char created_at[FERRY_ISO_LEN];
	long n;			/* the -N of a second backup that second */
	int64_t bytes;
} backup_entry;

typedef struct {
	backup_entry *e;
	size_t n, cap;
} backup_set;

static void backup_set_dispose(backup_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		ferry__free(s->e[i].suffix);
	ferry__free(s->e);
}

/*
 * Read ".backup-YYYYMMDDTHHMMSSZ[-N].db": the time as ISO-8601 and N.
 * 0, or -1 for a name that is not a backup's.
 */
static int parse_suffix(const char *s, char iso[FERRY_ISO_LEN], long *n)
{
	static const char prefix[] = ".backup-";
	const char *p = s + sizeof(prefix) - 1, *end;
	int i;

	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	for (i = 0; i < 15; i++)
		if (i == 8 ? p[i] != 'T' : (p[i] < '0' || p[i] > '9'))
			return -1;
	if (p[15] != 'Z')
		return -1;
	snprintf(iso, FERRY_ISO_LEN, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", p,
		p + 4, p + 6, p + 9, p + 11, p + 13);
	end = p + 16;
	*n = 0;
	if (*end == '-') {
		char *after;

		*n = strtol(end + 1, &after, 10);
		if (after == end + 1 || *n < 1)
			return -1;
		end = after;
	}
	return strcmp(end, ".db") == 0 ? 0 : -1;
}

static int entry_cmp(const void *a, const void *b)
{
	const backup_entry *x = a, *y = b;
	int c = strcmp(x->created_at, y->created_at);

	if (c)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

int ferry_db_set_backup_prefix(ferry_db *db, const char *prefix)
{
	char *copy = NULL;

	FERRY_CHECK_DB(db);
	if (prefix && (copy = ferry__strdup(prefix)) == NULL)
		return ferry__oom(db);
	ferry__free(db->backup_prefix);
	db->backup_prefix = copy;
	return 0;
}

/* The folder and base name the instance's backups are named from. */
static int split_path(ferry_db *db, ferry_str *dir, const char **base)
{
	const char *prefix = ferry__backup_prefix(db);
	const char *slash = strrchr(prefix, '/');

	*base = slash ? slash + 1 : prefix;
	if (!slash)
		ferry_str_puts(dir, ".");
	else if (slash == prefix)
		ferry_str_puts(dir, "/");
	else
		ferry_str_put(dir, prefix, (size_t)(slash - prefix));
	return ferry_str_failed(dir) ? ferry__oom(db) : 0;
}

static int add_entry(ferry_db *db, backup_set *set, const char *dir,
	const char *name, const char *suffix)
{
	backup_entry e;
	ferry_str full = FERRY_STR_INIT;
	struct stat sb;
	int error = 0;

	memset(&e, 0, sizeof(e));
	if (parse_suffix(suffix, e.created_at, &e.n) < 0)
		return 0;
	ferry_str_printf(&full, "%s/%s", dir, name);
	if (ferry_str_failed(&full)) {
		error = ferry__oom(db);
		goto done;
	}
	if (stat(full.ptr, &sb) < 0 || !S_ISREG(sb.st_mode))
		goto done;
	e.bytes = (int64_t)sb.st_size;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		backup_entry *grown = ferry__realloc(set->e,
			cap * sizeof(*grown));

		if (!grown) {
			error = ferry__oom(db);
			goto done;
		}
		set->e = grown;
		set->cap = cap;
	}
	if ((e.suffix = ferry__strdup(suffix)) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	set->e[set->n++] = e;
done:
	ferry_str_dispose(&full);
	return error;
}

int ferry_backup_list(ferry_buf *out, ferry_db *db)
{
	ferry_str dir = FERRY_STR_INIT, doc = FERRY_STR_INIT;
	backup_set set = { NULL, 0, 0 };
	const char *base;
	struct dirent *d;
	DIR *dh = NULL;
	size_t i, blen;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = split_path(db, &dir, &base)) < 0)
		goto done;
	if ((dh = opendir(dir.ptr)) == NULL) {
		error = ferry__error(db, FERRY_EIO, "cannot read the folder "
			"%s: %s", dir.ptr, strerror(errno));
		goto done;
	}
	blen = strlen(base);
	while ((d = readdir(dh)) != NULL)
		if (!strncmp(d->d_name, base, blen) && (error = add_entry(db,
		    &set, dir.ptr, d->d_name, d->d_name + blen)) < 0)
			goto done;
	if (set.n)
		qsort(set.e, set.n, sizeof(*set.e), entry_cmp);
	ferry_str_putc(&doc, '[');
	for (i = 0; i < set.n; i++) {
		ferry_str path = FERRY_STR_INIT;

		ferry_str_printf(&path, "%s%s", ferry__backup_prefix(db),
			set.e[i].suffix);
		ferry_str_puts(&doc, i ? ",{\"path\":" : "{\"path\":");
		ferry_str_puts_json(&doc, ferry_str_cstr(&path));
		ferry_str_printf(&doc, ",\"created_at\":\"%s\",\"bytes\":%lld}",
			set.e[i].created_at, (long long)set.e[i].bytes);
		ferry_str_dispose(&path);
	}
	ferry_str_putc(&doc, ']');
	error = ferry__buf_take(db, out, &doc);
done:
	if (dh)
		closedir(dh);
	backup_set_dispose(&set);
	ferry_str_dispose(&dir);
	ferry_str_dispose(&doc);
	return error;
}

int ferry_backup_restore(ferry_buf *out, ferry_db *db, const char *path)
{
	ferry_str id = FERRY_STR_INIT, name = FERRY_STR_INIT,
		before = FERRY_STR_INIT, doc = FERRY_STR_INIT;
	ferry_backup_info info;
	struct stat sb, self;
	int error, version;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(path);
	if ((error = ferry__require_admin(db, "restore backups")) < 0)
		goto done;
	if (stat(path, &sb) < 0) {
		error = ferry__error(db, FERRY_ENOTFOUND, "no file %s; see "
			"'ferry backup list'", path);
		goto done;
	}
	if (stat(db->path, &self) == 0 && sb.st_dev == self.st_dev &&
	    sb.st_ino == self.st_ino) {
		error = ferry__error(db, FERRY_EINVALID, "%s is the instance "
			"itself; restore one of its backups ('ferry backup "
			"list')", path);
		goto done;
	}
	if ((error = ferry_store__backup_inspect(db, path, &info)) < 0 ||
	    (error = ferry_store__instance(db, &id, &name)) < 0 ||
	    (error = ferry_store__schema_version(db, &version)) < 0)
		goto done;
	if (strcmp(info.id, ferry_str_cstr(&id)) != 0) {
		error = ferry__error(db, FERRY_ECONFLICT, "%s is a backup of "
			"another instance ('%s', id %s), not of '%s'; restore "
			"a backup of this instance ('ferry backup list')",
			path, info.name, info.id, ferry_str_cstr(&name));
		goto done;
	}
	if (info.schema_version > version) {
		error = ferry__error(db, FERRY_EFORMAT, "%s was made by a "
			"newer ferry (schema %d, this ferry knows up to %d); "
			"upgrade ferry to restore it", path,
			info.schema_version, version);
		goto done;
	}
	/* The state now, so that the restore itself can be undone. */
	if ((error = ferry__backup(db, &before)) < 0 ||
	    (error = ferry_store__restore(db, path)) < 0)
		goto done;
	db->user_resolved = 0;
	ferry_str_puts(&doc, "{\"restored\":");
	ferry_str_puts_json(&doc, path);
	ferry_str_puts(&doc, ",\"backup\":");
	ferry_str_puts_json(&doc, ferry_str_cstr(&before));
	ferry_str_puts(&doc, ",\"instance\":{\"id\":");
	ferry_str_puts_json(&doc, info.id);
	ferry_str_puts(&doc, ",\"name\":");
	ferry_str_puts_json(&doc, info.name);
	ferry_str_puts(&doc, "}}");
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&id);
	ferry_str_dispose(&name);
	ferry_str_dispose(&before);
	ferry_str_dispose(&doc);
	return error;
}
