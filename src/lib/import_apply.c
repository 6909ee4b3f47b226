/*
 * import_apply.c - load, preview, resolve and commit in one call, for
 * pipelines (docs/import.md, "Apply").  The top of the pipeline: it runs
 * the steps in order, each handing the next the values it needs (the
 * import's id, the count of unresolved items, how many were resolved),
 * and no step calls it.
 */
#include "imports.h"

#include "alloc.h"

/* {"load":...,key:doc} into out. */
static int compose(ferry_db *db, ferry_buf *out, const ferry_buf *load,
	int64_t resolved, const char *key, const ferry_buf *doc)
{
	ferry_str s = FERRY_STR_INIT;

	ferry_str_puts(&s, "{\"load\":");
	ferry_str_put(&s, load->ptr, load->size);
	ferry_str_printf(&s, ",\"resolved\":%lld,\"%s\":", (long long)resolved,
		key);
	ferry_str_put(&s, doc->ptr, doc->size);
	ferry_str_putc(&s, '}');
	return ferry__buf_take(db, out, &s);
}

int ferry_import_apply(ferry_buf *out, ferry_db *db, const char *path,
	const ferry_apply_options *opts)
{
	ferry_apply_options defaults = FERRY_APPLY_OPTIONS_INIT;
	ferry_commit_options co = FERRY_COMMIT_OPTIONS_INIT;
	ferry_buf load = FERRY_BUF_INIT, preview = FERRY_BUF_INIT,
		res = FERRY_BUF_INIT, commit = FERRY_BUF_INIT;
	int64_t id = 0, resolved = 0, unresolved = 0;
	char *msg = NULL;
	int error;

	FERRY_CHECK_DB(db);
	if (!opts)
		opts = &defaults;
	if (opts->on_conflict != FERRY_CONFLICT_FAIL &&
	    opts->on_conflict != FERRY_CONFLICT_SKIP &&
	    opts->on_conflict != FERRY_CONFLICT_ACCEPT)
		return ferry__error(db, FERRY_EINVALID, "on conflict, fail, "
			"skip or accept");
	if ((error = ferry__import_load(&load, db, path, &id)) < 0 ||
	    (error = ferry__import_preview(&preview, db, id, NULL,
	    &unresolved)) < 0)
		goto done;
	if (unresolved > 0 && opts->on_conflict != FERRY_CONFLICT_FAIL &&
	    (error = ferry__import_resolve(&res, db, id,
	    opts->on_conflict == FERRY_CONFLICT_SKIP ? "skip" : "accept",
	    NULL, 0, &resolved)) < 0)
		goto done;
	co.no_backup = opts->no_backup;
	error = ferry_import_commit(&commit, db, id, &co);
	if (error == FERRY_EUNRESOLVED) {
		/* The caller gets the problems, and the message. */
		msg = ferry__strdup(ferry_errmsg(db));
		if (ferry__import_preview(&preview, db, id, NULL, NULL) == 0 &&
		    compose(db, out, &load, resolved, "preview",
		    &preview) == 0)
			error = ferry__error(db, FERRY_EUNRESOLVED, "%s",
				msg ? msg : "unresolved problems");
		else
			error = FERRY_EUNRESOLVED;
		goto done;
	}
	if (error == 0)
		error = compose(db, out, &load, resolved, "commit", &commit);
done:
	ferry__free(msg);
	ferry_buf_dispose(&load);
	ferry_buf_dispose(&preview);
	ferry_buf_dispose(&res);
	ferry_buf_dispose(&commit);
	return error;
}
